import { z } from 'zod';
import {
  CADENCE_IDS,
  DEFAULT_MAX_OVERDUE_REMINDERS,
  DEFAULT_UNDO_KLAR_MINUTES,
  ESCALATION_TARGETS,
  FOLLOW_UP_PERIODS,
  isIsoDate,
  isLocalTime,
  type Cadence,
  type FollowUpPeriod,
} from '../domain/vocabulary';

export { ESCALATION_TARGETS, type EscalationTarget } from '../domain/vocabulary';

/**
 * HR's rules (config/rules.yaml), validated here and by the web settings forms. Every field has
 * the default the issue names, so `RulesSchema.parse({})` is the documented baseline and a rules
 * file only states what it changes. Objects are strict: a misspelt key is an error, not ignored.
 * Swedish messages for custom checks travel in `params.sv` (see src/config/yaml.ts).
 */

const sv = (en: string, svText: string) => ({ message: en, params: { sv: svText } });

export const IsoDateSchema = z
  .string()
  .refine(isIsoDate, sv('expected a date YYYY-MM-DD', 'förväntade ett datum ÅÅÅÅ-MM-DD'));
// One check, so '13-01' gives one error; 2024 is a leap year, so 02-29 is a valid yearly day.
export const MonthDaySchema = z
  .string()
  .refine(
    (md) => /^\d\d-\d\d$/.test(md) && isIsoDate(`2024-${md}`),
    sv('expected a month and day MM-DD', 'förväntade månad och dag MM-DD'),
  );
export const LocalTimeSchema = z.string().refine(isLocalTime, sv('expected a time HH:MM', 'förväntade en tid TT:MM'));
const WorkingDaysSchema = z.int().min(0).max(260);
const PositiveWorkingDaysSchema = z.int().min(1).max(260);

/** Working days before the deadline at which owners are reminded; 0 is the on-the-day reminder. */
export const ReminderOffsetsSchema = z
  .array(WorkingDaysSchema)
  .refine((a) => new Set(a).size === a.length, sv('an offset is listed twice', 'en dag står två gånger'))
  .default([20, 5, 1, 0]);
export type ReminderOffsets = z.output<typeof ReminderOffsetsSchema>;

export const OverduePolicySchema = z
  .strictObject({
    /** Working days after the deadline of the first overdue reminder. */
    firstAfterWorkingDays: PositiveWorkingDaysSchema.default(1),
    repeatEveryWorkingDays: PositiveWorkingDaysSchema.default(5),
    /**
     * Stop repeating after this many overdue reminders; then only the escalation ladder goes on.
     * Default 3. (Rules carried by lifecycles from before this default are completed by the
     * lifecycle itself: withRecordedDefaults in src/lifecycle/state.ts.)
     */
    maxReminders: z.int().min(1).default(DEFAULT_MAX_OVERDUE_REMINDERS),
  })
  .prefault({});
export type OverduePolicy = z.output<typeof OverduePolicySchema>;

/** The ladder: each step's working days count from the previous step (the first from the deadline). */
export const EscalationPolicySchema = z
  .array(z.strictObject({ to: z.enum(ESCALATION_TARGETS), afterWorkingDays: PositiveWorkingDaysSchema }))
  .default([
    { to: 'avdelningschef', afterWorkingDays: 10 },
    { to: 'forvaltningschef', afterWorkingDays: 10 },
  ]);
export type EscalationPolicy = z.output<typeof EscalationPolicySchema>;

const DayOrMonthDay = z.union([IsoDateSchema, MonthDaySchema]);
/** A date (`2023-07-14`), a day every year (`12-27`), or a range of either kind. */
export const QuietDaySchema = z.union([
  DayOrMonthDay,
  z
    .strictObject({ from: DayOrMonthDay, to: DayOrMonthDay })
    .refine(
      (r) => r.from.length === r.to.length && r.from <= r.to,
      sv(
        'from and to must be the same kind of date, from before to',
        'från och till måste vara samma slags datum, från före till',
      ),
    ),
]);
export type QuietDay = z.output<typeof QuietDaySchema>;

export const CHANNELS = ['email', 'teams'] as const;
export type Channel = (typeof CHANNELS)[number];

export const DeliverySchema = z
  .strictObject({
    sendTime: LocalTimeSchema.default('08:00'),
    /** One message per person and day gathering all their reminders. */
    digest: z.boolean().default(true),
    preferredChannel: z.enum(CHANNELS).default('email'),
    /** Used when the preferred channel fails or the person has no address on it; none: give up. */
    fallbackChannel: z.enum([...CHANNELS, 'none']).default('email'),
    /**
     * Message kinds that skip the digest and go at once, each as its own message (e.g.
     * `[escalation]`). Optional without a default, so files that do not state it parse as before.
     */
    immediate: z.array(z.enum(['reminder', 'statusRequest', 'escalation'])).optional(),
    /** Minutes the digest keeps gathering after its first item arrives. Absent: 5. */
    gatherMinutes: z.int().min(0).max(240).optional(),
    /**
     * How hard the preferred channel is tried before the fallback: attempts (Temporal retries with
     * backoff from `initialIntervalSeconds`, doubling, at most 10 minutes apart; a Retry-After from
     * the server wins) and a time budget, whichever ends first. Absent: 12 attempts (about 75
     * minutes of backoff, so the 60-minute budget is what normally decides), 30 s, 60 minutes.
     */
    retry: z
      .strictObject({
        maxAttempts: z.int().min(1).max(100).optional(),
        initialIntervalSeconds: z.int().min(1).max(3600).optional(),
        fallbackAfterMinutes: z
          .int()
          .min(1)
          .max(7 * 24 * 60)
          .optional(),
        /** How long one attempt may take before Temporal gives it up (a dead worker, a hung relay). Absent: 60. */
        attemptTimeoutSeconds: z.int().min(1).max(600).optional(),
      })
      .optional(),
  })
  .prefault({});
export type Delivery = z.output<typeof DeliverySchema>;

export const WEEKDAYS = ['måndag', 'tisdag', 'onsdag', 'torsdag', 'fredag'] as const;

const YearKey = z.string().regex(/^\d{4}$/, sv('expected a year YYYY', 'förväntade ett år ÅÅÅÅ'));

/**
 * A period reported once a year: the report window opens and closes (`due`) on month-days; when
 * `due` is earlier in the year than `opens` it falls in the next year (VB is written in January).
 * `years` pins exact dates for one year, e.g. when the city moves the tertial deadline.
 */
export const YearlyWindowSchema = z.strictObject({
  every: z.literal('year'),
  opens: MonthDaySchema,
  due: MonthDaySchema,
  /** A second request this many working days before `due` to owners who have not reported; 0: none. */
  remindWorkingDaysBeforeDue: WorkingDaysSchema.default(0),
  years: z
    .record(YearKey, z.strictObject({ opens: IsoDateSchema.optional(), due: IsoDateSchema.optional() }))
    .default({}),
});
export type YearlyWindow = z.output<typeof YearlyWindowSchema>;

/** A meeting held monthly on the n:th (or last) given weekday; status is asked for before it. */
export const MonthlyMeetingSchema = z.strictObject({
  every: z.literal('month'),
  weekday: z.enum(WEEKDAYS),
  week: z.union([z.int().min(1).max(4), z.literal('last')]),
  months: z.array(z.int().min(1).max(12)).min(1).default([1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12]),
  requestWorkingDaysBefore: WorkingDaysSchema.default(2),
});
export type MonthlyMeeting = z.output<typeof MonthlyMeetingSchema>;

export const PeriodRuleSchema = z.discriminatedUnion('every', [YearlyWindowSchema, MonthlyMeetingSchema]);
export type PeriodRule = z.output<typeof PeriodRuleSchema>;

const yearly = (opens: string, due: string, remind = 0): z.input<typeof YearlyWindowSchema> => ({
  every: 'year',
  opens,
  due,
  remindWorkingDaysBeforeDue: remind,
});
const monthly = (weekday: (typeof WEEKDAYS)[number], week: number | 'last'): z.input<typeof MonthlyMeetingSchema> => ({
  every: 'month',
  weekday,
  week,
});

const DEFAULT_PERIODS: Record<FollowUpPeriod, z.input<typeof PeriodRuleSchema>> = {
  T1: yearly('04-20', '05-10', 3),
  T2: yearly('08-20', '09-10', 3),
  VB: yearly('12-01', '01-20', 5),
  APT: monthly('tisdag', 1),
  medarbetarsamtal: yearly('09-01', '11-30'),
  ledningsgrupp: monthly('onsdag', 2),
  internkontroll: yearly('10-01', '11-15'),
  kvalitetsdialog: yearly('03-01', '03-31'),
};

const PERIOD_IDS = Object.keys(FOLLOW_UP_PERIODS) as FollowUpPeriod[];
const FollowUpPeriodSchema = z.enum(PERIOD_IDS as [FollowUpPeriod, ...FollowUpPeriod[]]);

const DEFAULT_CADENCES: Record<Cadence, FollowUpPeriod[]> = {
  tertial: ['T1', 'T2'],
  vb: ['VB'],
  apt: ['APT'],
  medarbetarsamtal: ['medarbetarsamtal'],
  ledningsgrupp: ['ledningsgrupp'],
  internkontroll: ['internkontroll'],
  kvalitetsdialog: ['kvalitetsdialog'],
};

export const FollowUpSchema = z
  .strictObject({
    periods: z
      .strictObject(
        Object.fromEntries(
          PERIOD_IDS.map((p) => [p, PeriodRuleSchema.default(() => PeriodRuleSchema.parse(DEFAULT_PERIODS[p]))]),
        ) as Record<FollowUpPeriod, z.ZodDefault<typeof PeriodRuleSchema>>,
      )
      .prefault({}),
    /** Which periods each cadence the importer reads from "Uppföljning" is followed up in. */
    cadences: z
      .strictObject(
        Object.fromEntries(
          CADENCE_IDS.map((c) => [c, z.array(FollowUpPeriodSchema).default(DEFAULT_CADENCES[c])]),
        ) as Record<Cadence, z.ZodDefault<z.ZodArray<typeof FollowUpPeriodSchema>>>,
      )
      .prefault({}),
  })
  .prefault({});
export type FollowUp = z.output<typeof FollowUpSchema>;

/** The one-click check-in page (README "Check-in"). */
export const CheckinSchema = z
  .strictObject({
    /**
     * Minutes after a Klar report during which the owner can take it back ("Ångra"); the
     * lifecycle stays open that long and then ends. 0: Klar is final at once.
     */
    undoKlarMinutes: z
      .int()
      .min(0)
      .max(7 * 24 * 60)
      .default(DEFAULT_UNDO_KLAR_MINUTES),
  })
  .prefault({});
export type Checkin = z.output<typeof CheckinSchema>;

/** The rules for one department, overrides applied: what schedule() takes. */
export const RulesSchema = z.strictObject({
  reminders: z.strictObject({ beforeDeadline: ReminderOffsetsSchema }).prefault({}),
  overdue: OverduePolicySchema,
  escalation: EscalationPolicySchema,
  quietDays: z.array(QuietDaySchema).default([]),
  delivery: DeliverySchema,
  followUp: FollowUpSchema,
  checkin: CheckinSchema,
});
export type Rules = z.output<typeof RulesSchema>;

/** A department's changes to the common rules, merged deeply (lists replace). Checked after merging. */
export type RulesOverride = { [key: string]: unknown };
const OverrideSchema = z.record(z.string(), z.unknown());

export const DepartmentIdSchema = z
  .string()
  .regex(
    /^[a-z0-9]+(-[a-z0-9]+)*$/,
    sv('expected a department id like individ-och-familj', 'förväntade ett avdelnings-id som individ-och-familj'),
  );

/** config/rules.yaml: the common rules plus overrides per department id. */
export const RulesFileSchema = RulesSchema.extend({
  departments: z.record(DepartmentIdSchema, OverrideSchema).default({}),
}).superRefine((file, ctx) => {
  const { departments, ...common } = file;
  for (const [department, override] of Object.entries(departments)) {
    const merged = RulesSchema.safeParse(mergeOverride(common, override), { reportInput: true });
    if (merged.success) continue;
    // Built-in issues are re-raised without their message so the outer parse words them (in
    // Swedish on the Swedish pass); custom ones keep theirs, which carries both languages.
    for (const { message, ...issue } of merged.error.issues) {
      const path = ['departments', department, ...issue.path];
      ctx.addIssue({ ...issue, path, ...(issue.code === 'custom' ? { message } : {}) } as Parameters<
        typeof ctx.addIssue
      >[0]);
    }
  }
});
export type RulesFile = z.output<typeof RulesFileSchema>;

/**
 * Deep merge for overrides: objects merge key by key, anything else (lists included) replaces, so
 * a department that lists its own reminder offsets gets exactly those.
 */
export function mergeOverride<T>(base: T, override: unknown): T {
  if (!isPlainObject(base) || !isPlainObject(override)) return (override === undefined ? base : override) as T;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) out[key] = key in base ? mergeOverride(base[key], value) : value;
  return out as T;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
