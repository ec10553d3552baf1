/**
 * plan.yaml: the normalised plan written so HR can read it, correct it by hand and import it
 * again. The normalised fields (date, role, cadences…) are what Planvakt uses; `raw` keeps what
 * the plan said. Ids are kept as written, so a hand-corrected text still updates the same
 * running activity.
 */
import { stringify } from 'yaml';
import { z } from 'zod';
import { parseYaml } from '../config';
import { fromMilestones } from './activity-row';
import { placedActivities, SECTION_KINDS, type Plan, type SectionKind } from './model';
import { CADENCE_IDS, FOLLOW_UP_PERIODS, ROLE_IDS, type Cadence, type FollowUpPeriod, type Role } from '../domain';

/** zod's enum wants a non-empty tuple; the vocabularies it is given are never empty. */
function tuple<T extends string>(values: readonly T[]): [T, ...T[]] {
  const [first, ...rest] = values;
  if (first === undefined) throw new Error('an enum needs at least one value');
  return [first, ...rest];
}

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD')
  .refine(
    (d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d),
    {
      message: 'no such day',
      params: { sv: 'det datumet finns inte' },
    },
  );

const DATED_KINDS = ['date', 'year', 'range', 'tertial'] as const;
const deadline = z
  .strictObject({
    kind: z.enum([...DATED_KINDS, 'ongoing', 'missing', 'unreadable']),
    date: isoDate.optional(),
    checkpoints: z.array(isoDate).default([]),
    raw: z.string().default(''),
  })
  .refine((d) => (DATED_KINDS as readonly string[]).includes(d.kind) === (d.date !== undefined), {
    message: 'date is required for date, year, range and tertial, and not allowed otherwise',
    params: { sv: 'date krävs för date, year, range och tertial, och ska saknas annars' },
    path: ['date'],
  });

const roleRef = z.strictObject({
  role: z.enum(tuple<Role>(ROLE_IDS)),
  unit: z.string().min(1).optional(),
  all: z.boolean().optional(),
  raw: z.string().default(''),
});
const source = z.strictObject({ file: z.string(), line: z.number().int().nonnegative(), place: z.string().optional() });

const activity = z.strictObject({
  id: z.string().regex(/^[0-9a-z-]{4,64}$/, 'an id is 4–64 characters a-z, 0-9 or -'),
  text: z.string(),
  start: deadline.optional(),
  deadline,
  owners: z.array(roleRef).default([]),
  ownersRaw: z.string().default(''),
  milestones: z
    .array(
      z.strictObject({
        text: z.string().optional(),
        deadline,
        owners: z.array(roleRef).default([]),
        ownersRaw: z.string().default(''),
      }),
    )
    .default([]),
  followUp: z.string().default(''),
  cadences: z.array(z.enum(tuple<Cadence>(CADENCE_IDS))).default([]),
  notes: z.array(z.string()).default([]),
  source,
});

const indicator = z.strictObject({
  name: z.string().min(1),
  annualTarget: z.string().optional(),
  kfAnnualTarget: z.string().optional(),
  periodicity: z.strictObject({
    raw: z.string().default(''),
    periods: z.array(z.enum(tuple(Object.keys(FOLLOW_UP_PERIODS) as FollowUpPeriod[]))).default([]),
  }),
  source,
});

const goal = z.strictObject({
  level: z.enum(['goal', 'kf', 'namnd', 'enhet']),
  text: z.string(),
  activities: z.array(activity).default([]),
  indicators: z.array(indicator).default([]),
  source,
});

const section = z.strictObject({
  name: z.string(),
  kinds: z.array(z.enum(tuple(Object.keys(SECTION_KINDS) as SectionKind[]))).default([]),
  parent: z.string().optional(),
  goals: z.array(goal).default([]),
  source,
});

export const planSchema = z
  .strictObject({
    kind: z.enum(['kompetensforsorjningsplan', 'verksamhetsplan']),
    title: z.string(),
    file: z.string(),
    followUpRaw: z.string().optional(),
    defaultCadences: z.array(z.enum(tuple<Cadence>(CADENCE_IDS))).default(['tertial']),
    departments: z.array(
      z.strictObject({
        id: z.string().regex(/^[a-z0-9-]+$/, 'a department id is a-z, 0-9 and -'),
        name: z.string(),
        unit: z.string().optional(),
        sections: z.array(section).default([]),
      }),
    ),
  })
  .superRefine((plan, ctx) => {
    // Two activities with one id would share one workflow; say where the second one is.
    const seen = new Set<string>();
    plan.departments.forEach((d, di) =>
      d.sections.forEach((s, si) =>
        s.goals.forEach((g, gi) =>
          g.activities.forEach((a, ai) => {
            if (seen.has(a.id)) {
              ctx.addIssue({
                code: 'custom',
                message: `id ${a.id} is used by another activity`,
                params: { sv: `id ${a.id} används redan av en annan aktivitet` },
                path: ['departments', di, 'sections', si, 'goals', gi, 'activities', ai, 'id'],
              });
            }
            seen.add(a.id);
          }),
        ),
      ),
    );
  });

const HEADER = [
  'plan.yaml – Planvakts tolkning av planen. Rätta gärna för hand och importera igen:',
  '  planvakt import plan.yaml',
  'Fälten date, role, cadences m.fl. är det Planvakt använder; raw visar vad planen skrev.',
  'Ändra inte id: det knyter aktiviteten till dess påminnelser.',
  'En aktivitet med delmål (milestones) får sitt måldatum och sina ansvariga från delmålen.',
  'deadline.kind: date | year | range | tertial | ongoing (löpande) | missing (saknas) | unreadable (oläsligt)',
  `cadences: ${CADENCE_IDS.join(', ')}`,
  `role: ${ROLE_IDS.join(', ')}`,
]
  .map((l) => `# ${l}`)
  .join('\n');

/** Fields in the schema's order (what a reader looks for first), whatever order the plan was built in. */
export function planToYaml(plan: Plan): string {
  return `${HEADER}\n${stringify(planSchema.parse(plan), { lineWidth: 0, aliasDuplicateObjects: false })}`;
}

/** Throws SourceErrors naming the line and field of every problem, as for the other config files. */
export function planFromYaml(file: string, text: string): Plan {
  const plan = parseYaml(file, text.replace(/^\uFEFF/, ''), planSchema);
  for (const { activity } of placedActivities(plan)) {
    if (activity.milestones.length > 0)
      Object.assign(activity, fromMilestones(activity.deadline.raw, activity.milestones));
  }
  return plan;
}
