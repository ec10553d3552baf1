import { listSv, orgNames } from '../domain/swedish';
import { ROLES, type Role, type RoleRef } from '../domain/vocabulary';
import type { EscalationTarget } from '../rules/schema';
import type { Organisation, Person, RoleAssignment } from './schema';

/**
 * Who receives a message for a role a plan names, decided at send time so a change in the
 * organisation file (a new rektor, someone deactivated) applies to the next message.
 *
 * A role is looked up from the narrowest scope outwards: the unit (when the plan or the activity
 * names one), then the department (without a unit: every holder in the department, so
 * "Rektorer" in förskola is every rektor there), then the whole förvaltning (an HR function
 * serving all departments). The first scope with active holders wins. Deactivated holders are
 * never sent to; they and roles nobody holds are reported as gaps (to HR), and when nobody
 * active remains the message goes up the line: avdelningschef, then förvaltningschef.
 */

export interface Scope {
  department: string;
  unit?: string;
}

export interface Gap {
  ref: RoleRef;
  /** The role actually looked up (after `answeredBy`). */
  role: Role;
  department: string;
  unit?: string;
  /** `unheld`: nobody active holds the role here; `inactive`: deactivated holders were skipped. */
  kind: 'unheld' | 'inactive';
  inactive: Person[];
  /** Who got the message instead (empty when active holders remained). */
  fallback: Person[];
  /** HR for the department: who is told about the gap. */
  reportTo: Person[];
  message: string;
  messageSv: string;
}

export interface Resolution {
  people: Person[];
  gaps: Gap[];
}

export function resolveRecipients(org: Organisation, ref: RoleRef, scope: Scope): Resolution {
  // A named owner (the activity page's "Ändra ansvariga") while she is active; when she is not,
  // her role is looked up as any role is, and the gap names her among the deactivated.
  if (ref.person) {
    const named = org.people.find((p) => p.id === ref.person);
    if (named?.active) return { people: [named], gaps: [] };
  }
  const role = org.answeredBy[ref.role] ?? ref.role;
  const unit = ref.unit ?? scope.unit;
  const department = (unit && departmentOfUnit(org, unit)) || scope.department;
  const { active, inactive } = holders(org, role, { department, ...(unit ? { unit } : {}) });
  if (active.length > 0 && inactive.length === 0) return { people: active, gaps: [] };

  const fallback =
    active.length > 0 ? [] : (escalationLine(org, department).find((step) => step.people.length > 0)?.people ?? []);
  const where = unit ? `${department}/${unit}` : department;
  const label = ROLES[role];
  // People read the Swedish text (gap messages to HR, the activity page): names, never ids.
  const roleIn = orgNames(org).roleIn(role, department, unit);
  const names = inactive.map((p) => p.name).join(', ');
  const namesSv = listSv(inactive.map((p) => p.name));
  const kind = active.length > 0 ? 'inactive' : 'unheld';
  const instead = listSv(fallback.map((p) => p.name)) || 'ingen';
  const gap: Gap = {
    ref,
    role,
    department,
    ...(unit ? { unit } : {}),
    kind,
    inactive,
    fallback,
    reportTo: holders(org, 'hr', { department }).active,
    message:
      kind === 'inactive'
        ? `${label} in ${where}: skipped deactivated ${names}`
        : `${label} in ${where}: nobody active holds the role${names ? ` (deactivated: ${names})` : ''}; sent to ${fallback.map((p) => p.name).join(', ') || 'nobody'}`,
    messageSv:
      kind === 'inactive'
        ? `${roleIn}: hoppade över avaktiverade ${namesSv}`
        : `${roleIn}: ingen aktiv person har rollen${namesSv ? ` (avaktiverade: ${namesSv})` : ''}; skickat till ${instead}`,
  };
  return { people: active.length > 0 ? active : fallback, gaps: [gap] };
}

/** All owners of an activity at once: people deduplicated, every gap kept. */
export function resolveAll(org: Organisation, refs: readonly RoleRef[], scope: Scope): Resolution {
  const people = new Map<string, Person>();
  const gaps: Gap[] = [];
  for (const ref of refs) {
    const r = resolveRecipients(org, ref, scope);
    for (const p of r.people) people.set(p.id, p);
    gaps.push(...r.gaps);
  }
  return { people: [...people.values()], gaps };
}

export interface EscalationStep {
  to: EscalationTarget;
  /** Active holders; empty when the post is vacant or its holder deactivated. */
  people: Person[];
}

/** Who escalations go to, in order: the department's avdelningschef, then the förvaltningschef. */
export function escalationLine(org: Organisation, department: string, unit?: string): EscalationStep[] {
  const dept = (unit && departmentOfUnit(org, unit)) || department;
  return [
    { to: 'avdelningschef', people: holders(org, 'avdelningschef', { department: dept }).active },
    { to: 'forvaltningschef', people: holders(org, 'forvaltningschef', { department: dept }).active },
  ];
}

/** A person's managers, nearest first (the file is checked to have no cycles). */
export function managerLine(org: Organisation, personId: string): Person[] {
  const byId = new Map(org.people.map((p) => [p.id, p]));
  const line: Person[] = [];
  for (let p = byId.get(byId.get(personId)?.manager ?? ''); p && !line.includes(p); p = byId.get(p.manager ?? ''))
    line.push(p);
  return line;
}

export function departmentOfUnit(org: Organisation, unit: string): string | undefined {
  return org.departments.find((d) => d.units.some((u) => u.id === unit))?.id;
}

/** Holders of `role` at the narrowest scope that has any active one; inactive ones met on the way. */
function holders(org: Organisation, role: Role, scope: Scope): { active: Person[]; inactive: Person[] } {
  const assignedDepartment = (a: RoleAssignment) =>
    a.department ?? (a.unit ? departmentOfUnit(org, a.unit) : undefined);
  const levels: ((a: RoleAssignment) => boolean)[] = [
    ...(scope.unit ? [(a: RoleAssignment) => a.unit === scope.unit] : []),
    scope.unit
      ? (a: RoleAssignment) => a.unit === undefined && assignedDepartment(a) === scope.department
      : (a: RoleAssignment) => assignedDepartment(a) === scope.department,
    (a: RoleAssignment) => assignedDepartment(a) === undefined,
  ];
  const inactive = new Map<string, Person>();
  for (const matches of levels) {
    const found = org.people.filter((p) => p.roles.some((a) => a.role === role && matches(a)));
    for (const p of found) if (!p.active) inactive.set(p.id, p);
    const active = found.filter((p) => p.active);
    if (active.length > 0) return { active, inactive: [...inactive.values()] };
  }
  return { active: [], inactive: [...inactive.values()] };
}
