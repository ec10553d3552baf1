/**
 * The words the plans, the calendar and the organisation share. Code is English, people read
 * Swedish: every value here has its Swedish label beside it, and the UI shows only the label.
 * Pure and deterministic: safe to import from workflow code.
 */

/** Canonical roles a plan's "Ansvarig" cell can name. Plural, definite and misspelt forms map here. */
export const ROLES = {
  forvaltningschef: 'Förvaltningschef',
  forvaltningsledning: 'Förvaltningsledning',
  avdelningschef: 'Avdelningschef',
  enhetschef: 'Enhetschef',
  bitradandeEnhetschef: 'Biträdande enhetschef',
  rektor: 'Rektor',
  hr: 'HR',
  controller: 'Controller',
  pedagogiskUtvecklingsledare: 'Pedagogisk utvecklingsledare',
  administrator: 'Administratör',
  verksamhetschefHsl: 'Verksamhetschef HsL',
  introduktionsansvarig: 'Introduktionsansvarig',
  brandombud: 'Brandombud',
  anhorigsamordnare: 'Anhörigsamordnare',
  forskolestod: 'Förskolestöd',
  medarbetare: 'Medarbetare',
} as const;
export type Role = keyof typeof ROLES;
export const ROLE_IDS = Object.keys(ROLES) as Role[];

/** Managers up the line: they may always report status on their department's activities. */
export const LINE_MANAGERS: readonly Role[] = ['avdelningschef', 'forvaltningschef', 'forvaltningsledning'];

/**
 * Who a plan names: a role, optionally narrowed to a unit ("BoU", "AIB", "vuxen" in individ och
 * familj; "vuxenenheten"), with the cell's raw text kept so nothing the planner wrote is lost.
 * `all` marks fan-out words ("Samtliga", "Berörda enhetschefer", plural forms).
 */
export interface RoleRef {
  role: Role;
  unit?: string;
  all?: boolean;
  raw: string;
  /**
   * A named person (organisation person id), chosen on the activity page ("Ändra ansvariga"):
   * messages go to that person while she is active, otherwise to whoever holds `role` (her role
   * in the avdelning when she was chosen). Plans never name people, so imports never set it.
   */
  person?: string;
}

/** How often an activity is followed up, as read from its "Uppföljning" text. */
export const CADENCES = {
  tertial: 'Tertialrapport',
  vb: 'Verksamhetsberättelse',
  apt: 'APT',
  medarbetarsamtal: 'Medarbetarsamtal',
  ledningsgrupp: 'Ledningsgrupp',
  internkontroll: 'Internkontroll',
  kvalitetsdialog: 'Kvalitets-/resultatdialog',
} as const;
export type Cadence = keyof typeof CADENCES;
export const CADENCE_IDS = Object.keys(CADENCES) as Cadence[];

/** One follow-up occasion. T1 = jan–apr, T2 = maj–aug, VB = the year (tertial 3 is reported in VB). */
export const FOLLOW_UP_PERIODS = {
  T1: 'Tertial 1',
  T2: 'Tertial 2',
  VB: 'Verksamhetsberättelse',
  APT: 'APT',
  medarbetarsamtal: 'Medarbetarsamtal',
  ledningsgrupp: 'Ledningsgrupp',
  internkontroll: 'Internkontroll',
  kvalitetsdialog: 'Kvalitets-/resultatdialog',
} as const;
export type FollowUpPeriod = keyof typeof FOLLOW_UP_PERIODS;

/** What an owner reports. */
export const STATUSES = {
  done: 'Klar',
  inProgress: 'Pågår',
  late: 'Försenad',
  notStarted: 'Ej påbörjad',
} as const;
export type Status = keyof typeof STATUSES;

/**
 * Minutes after a Klar report during which it can be taken back ("Ångra"), when the rules do not
 * say: the rules' default, and the lifecycle's for rules carried from before the setting existed.
 */
export const DEFAULT_UNDO_KLAR_MINUTES = 30;

/** Overdue reminders before only the escalation ladder goes on, when the rules do not say (README "Eskaleringstrappan", row 2). */
export const DEFAULT_MAX_OVERDUE_REMINDERS = 3;

/** A calendar date without time, `YYYY-MM-DD`, always meant in Europe/Stockholm. */
export type IsoDate = string;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real calendar date written `YYYY-MM-DD` (not 2022-02-30). */
export function isIsoDate(value: string): boolean {
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(Date.UTC(y, mo - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
}

/** `HH:MM`, 24-hour, Stockholm wall-clock time. */
export type LocalTime = string;

export function isLocalTime(value: string): boolean {
  return /^([01]\d|2[0-3]):([0-5]\d)$/.test(value);
}

/** The rungs of the escalation ladder above the owners. */
export const ESCALATION_TARGETS = ['avdelningschef', 'forvaltningschef'] as const;
export type EscalationTarget = (typeof ESCALATION_TARGETS)[number];

/** What the schedule yields: påminnelse, måldatum, försenad, eskalering, statusförfrågan. */
export type ScheduleEventKind = 'reminder' | 'deadline' | 'overdue' | 'escalation' | 'statusRequest';
/** Whom a schedule event is for: `owners` (the activity's or the delmål's), or a rung of the ladder. */
export type ScheduleRecipient = 'owners' | EscalationTarget;
