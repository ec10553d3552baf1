/**
 * Swedish text in one place: number agreement ("1 avdelning", "2 avdelningar"), lists ("A, B och
 * C"), Stockholm dates and times however the server's clock is set, the display names of
 * avdelningar, enheter and roles (never their ids), and saved configuration versions as people
 * say them ("version 3, sparad 27 november av Hanna"). Pages, emails, cards, the timeline and the
 * CLI call these instead of writing their own, so a wording is fixed once.
 * Pure and workflow-safe: Intl only, no clock.
 */
import { ROLES, type Role } from './vocabulary';

const STOCKHOLM = 'Europe/Stockholm';

/** "1 avdelning", "2 avdelningar", "0 avdelningar": the count and the word that agrees with it. */
export function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** "A", "A och B", "A, B och C"; empty items are left out, none gives "". */
export function listSv(items: readonly string[]): string {
  const parts = items.filter((s) => s.trim() !== '');
  if (parts.length <= 1) return parts[0] ?? '';
  return `${parts.slice(0, -1).join(', ')} och ${parts.at(-1)}`;
}

/** "till Anna och Bo", or "utan mottagare" when nobody would get it (never "till ."). */
export function toWhom(names: readonly string[]): string {
  const list = listSv(names);
  return list ? `till ${list}` : 'utan mottagare';
}

/**
 * "Påminnelse: status …" for a text that does not already say what it is, else the text alone:
 * a reason that starts with its kind ("påminnelse: status för T1") must not read
 * "Påminnelse: påminnelse: status för T1".
 */
export function labelled(label: string, text: string): string {
  return text.trimStart().toLowerCase().startsWith(label.toLowerCase()) ? text : `${label}: ${text}`;
}

const DATE_SV = new Intl.DateTimeFormat('sv-SE', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });

/** "2025-12-31" → "31 december 2025". A plan date is a calendar day: no time zone may shift it. */
export function formatDateSv(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return iso;
  return DATE_SV.format(new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))));
}

// A formatter is pure configuration (no clock), so sharing one per module is deterministic.
const STOCKHOLM_PARTS = new Intl.DateTimeFormat('en-GB', {
  timeZone: STOCKHOLM,
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/**
 * The Stockholm wall clock at an instant (milliseconds): `date` YYYY-MM-DD, `time` HH:MM and the
 * seconds. Intl carries the IANA rules, so the March and October changes need no code of our own;
 * src/calendar/stockholm.ts builds its conversions on this too.
 */
export function stockholmWallClock(instantMs: number): { date: string; time: string; second: string } {
  const p: Record<string, string> = {};
  for (const part of STOCKHOLM_PARTS.formatToParts(new Date(instantMs))) p[part.type] = part.value;
  return { date: `${p.year}-${p.month}-${p.day}`, time: `${p.hour}:${p.minute}`, second: p.second ?? '00' };
}

function stockholmParts(instant: string | Date): { date: string; time: string } | undefined {
  const ms = typeof instant === 'string' ? Date.parse(instant) : instant.getTime();
  return Number.isNaN(ms) ? undefined : stockholmWallClock(ms);
}

/** "14:05": the Stockholm clock at an instant (winter UTC+1, summer UTC+2). */
export function stockholmClock(instant: string | Date): string {
  return stockholmParts(instant)?.time ?? String(instant);
}

/** "2026-11-27 14:05": an instant as a Stockholm date and time, for tables. */
export function stockholmStamp(instant: string | Date): string {
  const p = stockholmParts(instant);
  return p ? `${p.date} ${p.time}` : String(instant);
}

/** "27 november 2026 kl. 14:05": an instant as a sentence says it, in Stockholm time. */
export function stockholmWhen(instant: string | Date): string {
  const p = stockholmParts(instant);
  return p ? `${formatDateSv(p.date)} kl. ${p.time}` : String(instant);
}

/**
 * "version 3, sparad 27 november av Hanna": a saved version of rules.yaml or organisation.yaml.
 * The year is said only when it is not the year of `now` (Stockholm), as people say dates; `now`
 * is the caller's (real time: versions are saved at real time), so this module reads no clock.
 */
export function versionLabel(v: { version: number; savedAt: string; author: string }, now: Date): string {
  const saved = stockholmParts(v.savedAt);
  const thisYear = stockholmParts(now)?.date.slice(0, 4);
  const day = saved ? formatDateSv(saved.date) : v.savedAt;
  const date = saved && saved.date.startsWith(`${thisYear}-`) ? day.replace(/ \d{4}$/, '') : day;
  return `version ${v.version}, sparad ${date} av ${v.author}`;
}

/** What {@link orgNames} needs of organisation.yaml: avdelningar with their enheter (structural, so the domain stays below the organisation). */
export interface NamedDepartments {
  departments: readonly { id: string; name: string; units: readonly { id: string; name: string }[] }[];
}

export interface OrgNames {
  /** The avdelning's name ("Förskola"), the id only when the file does not have it. */
  department(id: string): string;
  /** The enhet's name ("Barn och unga"), the id only when the file does not have it. */
  unit(id: string): string;
  /** "Förskola" or "Barn och unga (Individ och familj)": where a role is held. */
  place(department: string, unit?: string): string;
  /** "Avdelningschef i Äldreomsorg": a role and where, in names. */
  roleIn(role: Role, department: string, unit?: string): string;
}

/** Display names for the ids an organisation file uses, so no message shows `forskola` or `aldreomsorg`. */
export function orgNames(org: NamedDepartments): OrgNames {
  const departments = new Map(org.departments.map((d) => [d.id, d.name]));
  const units = new Map(org.departments.flatMap((d) => d.units.map((u) => [u.id, u.name] as const)));
  const department = (id: string) => departments.get(id) ?? id;
  const unit = (id: string) => units.get(id) ?? id;
  const place = (dept: string, u?: string) => (u ? `${unit(u)} (${department(dept)})` : department(dept));
  return { department, unit, place, roleIn: (role, dept, u) => `${ROLES[role]} i ${place(dept, u)}` };
}

/**
 * A running activity's rules version (the first 12 hex digits of the rules file's SHA-256) as the
 * saved version it is: "version 3, sparad 27 november av Hanna". A file changed outside the web
 * has no saved version; it is then named by its checksum, said as such.
 */
export function rulesVersionLabel(
  hash: string,
  saved: readonly { version: number; savedAt: string; author: string; sha256: string }[],
  now: Date,
): string {
  const v = hash ? saved.find((s) => s.sha256.startsWith(hash)) : undefined;
  return v ? versionLabel(v, now) : `rules.yaml ändrad utanför webben (kontrollsumma ${hash.slice(0, 12)})`;
}
