/**
 * Form values → a new version of rules.yaml / organisation.yaml. The file's own YAML document is
 * edited in place (the `yaml` library keeps every comment HR and the developers wrote), then the
 * text is validated with the same zod schemas as at start (`parseRules`, `parseOrganisation`),
 * so a form can never save what the service would refuse to start with.
 */
import { isMap, isSeq, parseDocument, type Document } from 'yaml';
import { ROLE_IDS, type Role } from '../../domain';
import type { Organisation } from '../../organisation';
import { ESCALATION_TARGETS, type Rules, type RulesFile } from '../../rules';

export type Form = Record<string, string | undefined>;

export class FormProblems extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('; '));
  }
}

export const YEARLY_PERIODS = ['T1', 'T2', 'VB'] as const;

function setFlow(doc: Document, path: (string | number)[], value: unknown) {
  const node = doc.createNode(value, { flow: true });
  doc.setIn(path, node);
}

/** Removes maps left empty up the path after a deletion. */
function prune(doc: Document, path: (string | number)[]) {
  for (let i = path.length; i > 0; i--) {
    const node = doc.getIn(path.slice(0, i), true);
    if (isMap(node) && node.items.length === 0) doc.deleteIn(path.slice(0, i));
    else break;
  }
}

const int = (
  problems: string[],
  label: string,
  v: string | undefined,
  { min = 0, optional = false } = {},
): number | undefined => {
  const t = (v ?? '').trim();
  if (t === '' && optional) return undefined;
  if (!/^\d+$/.test(t) || Number(t) < min) {
    problems.push(`${label}: ange ett heltal${min ? ` från ${min}` : ''}.`);
    return undefined;
  }
  return Number(t);
};

/** Applies the rules form to the file's document; returns the new text. */
export function editRules(text: string, current: RulesFile, form: Form, departments: string[]): string {
  const doc = parseDocument(text);
  const problems: string[] = [];

  const offsets = (form.beforeDeadline ?? '').split(/[,\s]+/).filter(Boolean);
  if (offsets.length === 0 || offsets.some((o) => !/^\d+$/.test(o)))
    problems.push('Påminnelser före måldatum: ange arbetsdagar som heltal, åtskilda med komma (t.ex. 20, 5, 1, 0).');
  else
    setFlow(
      doc,
      ['reminders', 'beforeDeadline'],
      [...offsets.map(Number)].sort((a, b) => b - a),
    );

  const first = int(problems, 'Första påminnelsen efter måldatum', form.overdueFirst, { min: 1 });
  const repeat = int(problems, 'Upprepa var N:e arbetsdag', form.overdueRepeat, { min: 1 });
  const max = int(problems, 'Högst antal påminnelser', form.overdueMax, { min: 1, optional: true });
  if (first !== undefined) doc.setIn(['overdue', 'firstAfterWorkingDays'], first);
  if (repeat !== undefined) doc.setIn(['overdue', 'repeatEveryWorkingDays'], repeat);
  if (max !== undefined) doc.setIn(['overdue', 'maxReminders'], max);
  else if (doc.hasIn(['overdue', 'maxReminders'])) doc.deleteIn(['overdue', 'maxReminders']);

  const ladder: { to: string; afterWorkingDays: number }[] = [];
  for (let i = 0; i < 4; i++) {
    const to = form[`escalationTo${i}`]?.trim();
    if (!to) continue;
    if (!(ESCALATION_TARGETS as readonly string[]).includes(to)) {
      problems.push(`Eskaleringssteg ${i + 1}: okänd mottagare.`);
      continue;
    }
    const days = int(problems, `Eskaleringssteg ${i + 1}, arbetsdagar`, form[`escalationDays${i}`], { min: 1 });
    if (days !== undefined) ladder.push({ to, afterWorkingDays: days });
  }
  doc.setIn(['escalation'], doc.createNode(ladder));

  if (form.sendTime !== undefined) doc.setIn(['delivery', 'sendTime'], form.sendTime.trim());
  doc.setIn(['delivery', 'digest'], form.digest === 'on');
  if (form.preferredChannel) doc.setIn(['delivery', 'preferredChannel'], form.preferredChannel);
  if (form.fallbackChannel) doc.setIn(['delivery', 'fallbackChannel'], form.fallbackChannel);

  for (const p of YEARLY_PERIODS) {
    const rule = current.followUp.periods[p];
    for (const k of ['opens', 'due'] as const) {
      const v = form[`${p}-${k}`]?.trim();
      if (v && rule.every === 'year') doc.setIn(['followUp', 'periods', p, k], v);
    }
    for (const d of departments) {
      for (const k of ['opens', 'due'] as const) {
        const path = ['departments', d, 'followUp', 'periods', p, k];
        const v = form[`${d}-${p}-${k}`]?.trim();
        if (v) doc.setIn(path, v);
        else if (v === '' && doc.hasIn(path)) {
          doc.deleteIn(path);
          prune(doc, path.slice(0, -1));
        }
      }
    }
  }
  if (problems.length) throw new FormProblems(problems);
  return doc.toString();
}

/** `rektor@forskoleenhet-norr, hr@forskola, hr` ↔ role assignments. */
export function rolesToText(roles: Organisation['people'][number]['roles']): string {
  return roles
    .map((r) => (r.unit ? `${r.role}@${r.unit}` : r.department ? `${r.role}@${r.department}` : r.role))
    .join(', ');
}

export function parseRolesText(org: Organisation, text: string, who: string, problems: string[]) {
  const units = new Set(org.departments.flatMap((d) => d.units.map((u) => u.id)));
  const depts = new Set(org.departments.map((d) => d.id));
  const out: { role: Role; department?: string; unit?: string }[] = [];
  for (const part of text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [role, place] = part.split('@').map((s) => s.trim());
    if (!role || !(ROLE_IDS as string[]).includes(role)) {
      problems.push(`${who}: okänd roll "${role}". Kända roller: ${ROLE_IDS.join(', ')}.`);
      continue;
    }
    if (!place) out.push({ role: role as Role });
    else if (units.has(place)) out.push({ role: role as Role, unit: place });
    else if (depts.has(place)) out.push({ role: role as Role, department: place });
    else problems.push(`${who}: "${place}" är varken en avdelning eller en enhet.`);
  }
  return out;
}

/** Applies the organisation form (people: name, e-mail, active, roles; one new person) to the document. */
export function editOrganisation(text: string, org: Organisation, form: Form): string {
  const doc = parseDocument(text);
  const problems: string[] = [];
  const people = doc.getIn(['people'], true);
  if (!isSeq(people)) throw new FormProblems(['organisation.yaml saknar listan people.']);
  org.people.forEach((p, i) => {
    const name = form[`p${i}-name`]?.trim();
    const email = form[`p${i}-email`]?.trim();
    if (form[`p${i}-id`] !== p.id) return; // the form was made from another version of the file
    if (name !== undefined && name !== p.name) doc.setIn(['people', i, 'name'], name);
    if (email !== undefined && email !== p.email) doc.setIn(['people', i, 'email'], email);
    const active = form[`p${i}-active`] === 'on';
    if (active !== p.active) {
      if (active) doc.deleteIn(['people', i, 'active']);
      else doc.setIn(['people', i, 'active'], false);
    }
    const rolesText = form[`p${i}-roles`];
    if (rolesText !== undefined && rolesText.trim() !== rolesToText(p.roles)) {
      const roles = parseRolesText(org, rolesText, p.name, problems);
      doc.setIn(['people', i, 'roles'], doc.createNode(roles.map((r) => doc.createNode(r, { flow: true }))));
    }
  });
  const newId = form['new-id']?.trim();
  if (newId) {
    const person: Record<string, unknown> = {
      id: newId,
      name: form['new-name']?.trim() ?? '',
      email: form['new-email']?.trim() ?? '',
    };
    const roles = parseRolesText(org, form['new-roles'] ?? '', newId, problems);
    if (roles.length) person.roles = roles.map((r) => doc.createNode(r, { flow: true }));
    people.add(doc.createNode(person));
  }
  if (problems.length) throw new FormProblems(problems);
  return doc.toString();
}

/** Flat `path: value` pairs of resolved rules, for the preview's before/after. */
export function flatten(value: unknown, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (v: unknown, path: string) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      for (const [k, x] of Object.entries(v)) walk(x, path ? `${path}.${k}` : k);
    } else
      out.set(
        path,
        Array.isArray(v)
          ? v.map((x) => (x && typeof x === 'object' ? Object.values(x).join(' ') : String(x))).join(', ')
          : String(v),
      );
  };
  walk(value, prefix);
  return out;
}

export const FIELD_LABEL: [RegExp, string][] = [
  [/^reminders\.beforeDeadline$/, 'Påminnelser före måldatum (arbetsdagar)'],
  [/^overdue\.firstAfterWorkingDays$/, 'Första påminnelsen efter måldatum (arbetsdagar)'],
  [/^overdue\.repeatEveryWorkingDays$/, 'Upprepa påminnelsen var N:e arbetsdag'],
  [/^overdue\.maxReminders$/, 'Högst antal påminnelser'],
  [/^escalation$/, 'Eskaleringstrappa'],
  [/^delivery\.sendTime$/, 'Utskickstid'],
  [/^delivery\.digest$/, 'Samlad sammanfattning per dag'],
  [/^delivery\.preferredChannel$/, 'Kanal i första hand'],
  [/^delivery\.fallbackChannel$/, 'Reservkanal'],
  [/^followUp\.periods\.(\w+)\.opens$/, 'Uppföljning $1 öppnar'],
  [/^followUp\.periods\.(\w+)\.due$/, 'Uppföljning $1 sista dag'],
];
export function fieldLabel(path: string): string {
  for (const [re, label] of FIELD_LABEL) if (re.test(path)) return path.replace(re, label);
  return path;
}

export function rulesDiff(before: Rules, after: Rules): { field: string; from: string; to: string }[] {
  const a = flatten(before);
  const b = flatten(after);
  const keys = [...new Set([...a.keys(), ...b.keys()])];
  return keys
    .filter((k) => a.get(k) !== b.get(k))
    .map((k) => ({ field: fieldLabel(k), from: a.get(k) ?? '–', to: b.get(k) ?? '–' }));
}
