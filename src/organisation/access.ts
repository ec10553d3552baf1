/**
 * Who may see and do what, from the organisation file's roles (the same for Entra ID and the
 * development sign-in): HR for the whole förvaltning and the förvaltningschef administer (import,
 * settings, preview) and see every department; förvaltningsledning sees every department; an
 * avdelningschef, a department's HR or controller sees that department only. Anyone else may sign
 * in for their calendar feed; status is reported through the check-in links.
 */
import type { Organisation, Person } from './schema';
import { departmentOfUnit } from './resolve';
import { LINE_MANAGERS, type Role, type RoleRef } from '../domain';

export interface SignedIn {
  person: Person;
  /** How the person signed in: Entra ID or the development sign-in. */
  via: 'entra' | 'dev';
  /** Import, settings, preview. */
  admin: boolean;
  /** Department ids the person may see; every department for admins and förvaltningsledning. */
  departments: string[];
}

const DEPARTMENT_VIEWERS: readonly Role[] = ['avdelningschef', 'hr', 'controller'];

export function accessFor(org: Organisation, person: Person, via: SignedIn['via']): SignedIn {
  const all = org.departments.map((d) => d.id);
  const wide = person.roles.filter((r) => !r.department && !r.unit);
  const admin = wide.some((r) => r.role === 'hr' || r.role === 'forvaltningschef');
  if (admin || wide.some((r) => r.role === 'forvaltningsledning')) return { person, via, admin, departments: all };
  const departments = new Set<string>();
  for (const r of person.roles) {
    if (!DEPARTMENT_VIEWERS.includes(r.role)) continue;
    const d = r.department ?? (r.unit ? departmentOfUnit(org, r.unit) : undefined);
    if (d) departments.add(d);
  }
  return { person, via, admin: false, departments: all.filter((d) => departments.has(d)) };
}

/** The person's role assignments in a department: there, in its units, or förvaltning-wide. */
export function assignmentsIn(org: Organisation, person: Person, department: string): Person['roles'] {
  return person.roles.filter((a) => {
    const d = a.department ?? (a.unit ? departmentOfUnit(org, a.unit) : undefined);
    return d === undefined || d === department;
  });
}

/** The person's roles in a department, each once. */
export function rolesIn(org: Organisation, person: Person, department: string): Role[] {
  return [...new Set(assignmentsIn(org, person, department).map((a) => a.role))];
}

/** A manager up the line may report status on a department's activities from the activity page. */
export function mayReportIn(org: Organisation, person: Person, department: string): boolean {
  return rolesIn(org, person, department).some((r) => LINE_MANAGERS.includes(r));
}

/**
 * The roles a person reports as in a department: her own, and the group roles she answers for
 * (organisation `answeredBy`: an enhetschef answers for "medarbetare"), since the messages about
 * those roles' activities go to her.
 */
export function reportingRolesIn(org: Organisation, person: Person, department: string): Role[] {
  const own = rolesIn(org, person, department);
  const answered = (Object.entries(org.answeredBy ?? {}) as [Role, Role][])
    .filter(([, by]) => own.includes(by))
    .map(([group]) => group);
  return [...new Set([...own, ...answered])];
}

/**
 * An owner (a person named as owner; the role, in the owner's unit when it names one, or the role
 * that answers for the owner's group role) or a manager up the line in the department.
 */
export function mayReport(org: Organisation, person: Person, department: string, owners: readonly RoleRef[]): boolean {
  const assignments = assignmentsIn(org, person, department);
  if (assignments.some((a) => LINE_MANAGERS.includes(a.role))) return true;
  const holdsRole = (o: RoleRef) =>
    assignments.some(
      (a) => (a.role === o.role || org.answeredBy?.[o.role] === a.role) && (!o.unit || !a.unit || a.unit === o.unit),
    );
  // A named owner reports herself; her role's holders only once she is deactivated (they get the messages then).
  const namedActive = (o: RoleRef) => org.people.some((p) => p.id === o.person && p.active);
  return owners.some((o) => (o.person ? o.person === person.id || (!namedActive(o) && holdsRole(o)) : holdsRole(o)));
}

/** What the access rules need of an activity: its department and everyone who owns it or a delmål. */
export interface ActivityAccess {
  department: string;
  owners: readonly RoleRef[];
  milestones?: readonly { owners: readonly RoleRef[] }[];
}

const allOwners = (a: ActivityAccess): RoleRef[] => [...a.owners, ...(a.milestones ?? []).flatMap((m) => m.owners)];

/**
 * Who may open an activity's page: whoever sees its avdelning, and whoever a message about it
 * addresses: its owners (the role, in the owner's unit when it names one, a delmål's owners
 * included) and the managers up the line in its avdelning, even without a department-wide role.
 */
export function mayOpenActivity(org: Organisation, access: SignedIn, activity: ActivityAccess): boolean {
  return (
    access.departments.includes(activity.department) ||
    mayReport(org, access.person, activity.department, allOwners(activity))
  );
}

/** Who may report status on the activity's page: its owners and the managers up the line (the lifecycle checks the same). */
export function mayReportOnActivity(org: Organisation, person: Person, activity: ActivityAccess): boolean {
  return mayReport(org, person, activity.department, allOwners(activity));
}

/**
 * Who may acknowledge an overdue activity (which stops its escalation): a manager up the line in
 * its avdelning who also sees that avdelning; not HR, not an owner, not another avdelning's head.
 */
export function mayAcknowledgeActivity(org: Organisation, access: SignedIn, activity: ActivityAccess): boolean {
  return access.departments.includes(activity.department) && mayReportIn(org, access.person, activity.department);
}

/** Who may read an avdelning's follow-up reports: whoever sees the avdelning. */
export function maySeeDepartment(access: SignedIn, department: string): boolean {
  return access.departments.includes(department);
}
