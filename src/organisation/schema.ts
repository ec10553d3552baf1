import { z } from 'zod';
import { ROLE_IDS, type Role } from '../domain/vocabulary';

/**
 * config/organisation.yaml: förvaltning → avdelningar → enheter, the people, the roles each holds
 * where, and each person's manager. Checks that need the whole file (ids that must exist, the
 * manager line without cycles) run in the schema's superRefine so their errors carry the line of
 * the offending node like any other field error.
 */

const sv = (en: string, svText: string) => ({ message: en, params: { sv: svText } });
const Id = z
  .string()
  .regex(
    /^[a-z0-9]+(-[a-z0-9]+)*$/,
    sv(
      'expected an id of lowercase letters, digits and dashes',
      'förväntade ett id av små bokstäver, siffror och bindestreck',
    ),
  );
export const RoleSchema = z.enum(ROLE_IDS as [Role, ...Role[]]);

export const UnitSchema = z.strictObject({ id: Id, name: z.string().min(1) });
export const DepartmentSchema = z.strictObject({
  id: Id,
  name: z.string().min(1),
  units: z.array(UnitSchema).default([]),
});

/** A role held somewhere: no department = the whole förvaltning; a unit implies its department. */
export const RoleAssignmentSchema = z.strictObject({
  role: RoleSchema,
  department: Id.optional(),
  unit: Id.optional(),
});

export const PersonSchema = z.strictObject({
  id: Id,
  name: z.string().min(1),
  email: z.email(),
  /** Teams: the user principal name (often the e-mail) and/or the Entra object id. */
  teamsUpn: z.string().min(1).optional(),
  teamsUserId: z.string().min(1).optional(),
  /** Deactivated people keep their history but never receive anything. */
  active: z.boolean().default(true),
  /** The person's manager (person id): the line of managers. */
  manager: Id.optional(),
  roles: z.array(RoleAssignmentSchema).default([]),
});

const OrganisationShape = z.strictObject({
  forvaltning: z.strictObject({ id: Id, name: z.string().min(1) }),
  departments: z.array(DepartmentSchema).min(1),
  /** Roles that name a group rather than a post ("Samtliga", "Medarbetare …") and who answers for it. */
  answeredBy: z.partialRecord(RoleSchema, RoleSchema).default({}),
  people: z.array(PersonSchema).default([]),
});

export const OrganisationSchema = OrganisationShape.superRefine((org, ctx) => {
  const issue = (path: (string | number)[], en: string, svText: string) =>
    ctx.addIssue({ code: 'custom', path, message: en, params: { sv: svText } });

  const departments = new Map<string, number>();
  const unitDepartment = new Map<string, string>();
  org.departments.forEach((d, i) => {
    if (departments.has(d.id))
      issue(['departments', i, 'id'], `department "${d.id}" is listed twice`, `avdelningen "${d.id}" finns två gånger`);
    departments.set(d.id, i);
    d.units.forEach((u, j) => {
      // Plans name units without their department ("BoU"), so unit ids are unique across the förvaltning.
      if (unitDepartment.has(u.id))
        issue(
          ['departments', i, 'units', j, 'id'],
          `unit "${u.id}" is listed twice`,
          `enheten "${u.id}" finns två gånger`,
        );
      unitDepartment.set(u.id, d.id);
    });
  });

  const personIndex = new Map<string, number>();
  org.people.forEach((p, i) => {
    if (personIndex.has(p.id))
      issue(['people', i, 'id'], `person "${p.id}" is listed twice`, `personen "${p.id}" finns två gånger`);
    else personIndex.set(p.id, i);
  });

  org.people.forEach((p, i) => {
    p.roles.forEach((r, j) => {
      const at = ['people', i, 'roles', j];
      if (r.department !== undefined && !departments.has(r.department)) {
        issue(
          [...at, 'department'],
          `unknown department "${r.department}"; known: ${[...departments.keys()].join(', ')}`,
          `okänd avdelning "${r.department}"; kända: ${[...departments.keys()].join(', ')}`,
        );
      }
      if (r.unit !== undefined) {
        const owner = unitDepartment.get(r.unit);
        if (owner === undefined) issue([...at, 'unit'], `unknown unit "${r.unit}"`, `okänd enhet "${r.unit}"`);
        else if (r.department !== undefined && r.department !== owner) {
          issue(
            [...at, 'unit'],
            `unit "${r.unit}" belongs to department "${owner}", not "${r.department}"`,
            `enheten "${r.unit}" hör till avdelningen "${owner}", inte "${r.department}"`,
          );
        }
      }
    });
    if (p.manager !== undefined && !personIndex.has(p.manager)) {
      issue(['people', i, 'manager'], `unknown manager "${p.manager}"`, `okänd chef "${p.manager}"`);
    }
  });

  // Each cycle once, at the first of its people in file order.
  const reported = new Set<string>();
  org.people.forEach((p, i) => {
    const line: string[] = [];
    let current: string | undefined = p.id;
    while (current !== undefined && !line.includes(current)) {
      line.push(current);
      const next: string | undefined = org.people[personIndex.get(current) ?? -1]?.manager;
      current = next !== undefined && personIndex.has(next) ? next : undefined;
    }
    if (current === undefined) return;
    const cycle = line.slice(line.indexOf(current));
    if (cycle.some((id) => reported.has(id)) || cycle[0] !== p.id) return;
    cycle.forEach((id) => reported.add(id));
    const text = [...cycle, p.id].join(' → ');
    issue(['people', i, 'manager'], `the manager line forms a cycle: ${text}`, `chefslinjen går i cirkel: ${text}`);
  });
});

export type Organisation = z.output<typeof OrganisationSchema>;
export type Person = Organisation['people'][number];
export type RoleAssignment = z.output<typeof RoleAssignmentSchema>;
export type Department = z.output<typeof DepartmentSchema>;
