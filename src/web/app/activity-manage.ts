/**
 * The activity page's forms for HR and the activity's avdelningschef (access `activity-manage`),
 * besides "Ändra måldatum": change the owners (roles held in the avdelning, or named people of
 * the organisation), pause the reminders until a date, close as Klar or Avbruten, open a closed
 * activity again, and add a new activity to the same avsnitt and mål. Each form's zod schema and
 * its HTML are here; activity.ts sends what they give to the lifecycle. Every form needs a reason,
 * which the timeline shows with who.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { html, isIsoDate, links, ROLES, type RoleRef, type SafeHtml } from '../../domain';
import { assignmentsIn, type Organisation, type Person } from '../../organisation';
import { normaliseForId } from '../../plan';
import type { LifecycleActivity } from '../../lifecycle';

const reason = (what: string) =>
  z
    .string({ error: `Skriv varför ${what}.` })
    .trim()
    .min(1, `Skriv varför ${what}.`)
    .max(500, 'Skälet får vara högst 500 tecken.');

const date = (missing: string) =>
  z
    .string({ error: missing })
    .trim()
    .refine(isIsoDate, `${missing.replace(/\.$/, '')}: ett datum som finns, skrivet ÅÅÅÅ-MM-DD.`);

/** One checkbox or several: the form body has a string or an array. */
const oneOrMany = z
  .union([z.string(), z.array(z.string())], { error: 'Välj minst en ansvarig.' })
  .transform((v) => (Array.isArray(v) ? v : [v]))
  .pipe(z.array(z.string().max(200)).min(1, 'Välj minst en ansvarig.').max(50, 'Högst 50 ansvariga.'));

export const OwnersForm = z.object({ owner: oneOrMany, reason: reason('de ansvariga ändras') });
export const SnoozeForm = z.object({
  until: date('Ange datumet pausen varar till.'),
  reason: reason('aktiviteten pausas'),
});
export const CloseForm = z.object({
  outcome: z.enum(['klar', 'avbruten'], { error: 'Välj Klar eller Avbruten.' }),
  reason: reason('aktiviteten avslutas'),
});
export const ReopenForm = z.object({ reason: reason('aktiviteten öppnas igen') });
export const AddForm = z.object({
  text: z
    .string({ error: 'Skriv vad aktiviteten är.' })
    .trim()
    .min(3, 'Skriv vad aktiviteten är (minst 3 tecken).')
    .max(2000, 'Aktivitetens text får vara högst 2000 tecken.'),
  deadline: z
    .string()
    .trim()
    .optional()
    .transform((v) => v || undefined)
    .refine((v) => v === undefined || isIsoDate(v), 'Måldatumet måste vara ett datum som finns, skrivet ÅÅÅÅ-MM-DD.'),
  owner: oneOrMany,
  reason: reason('aktiviteten läggs till'),
});

/** One choice of the owners' checkboxes: `roll:<role>[:<unit>]` or `person:<id>`. */
export interface OwnerChoice {
  value: string;
  label: string;
  ref: RoleRef;
}

const roleValue = (ref: Pick<RoleRef, 'role' | 'unit'>) => `roll:${ref.role}${ref.unit ? `:${ref.unit}` : ''}`;

/** The value a current owner's checkbox has, so the form opens with the owners checked. */
export function ownerValue(ref: RoleRef): string {
  return ref.person ? `person:${ref.person}` : roleValue(ref);
}

function unitName(org: Organisation, unit: string | undefined): string | undefined {
  return unit ? org.departments.flatMap((d) => d.units).find((u) => u.id === unit)?.name : undefined;
}

/** The person's role assignments in the avdelning itself (not förvaltning-wide ones). */
function localAssignments(org: Organisation, person: Person, department: string) {
  return assignmentsIn(org, person, department).filter((a) => a.department ?? a.unit);
}

/**
 * What may own an activity of the avdelning: the roles someone active holds there (each of them
 * reaches every holder), the activity's present owners (as the plan names them, a unit too), and
 * the active people who hold a role there, by name. Sorted as a person reads them.
 */
export function ownerChoices(org: Organisation, department: string, present: readonly RoleRef[]): OwnerChoice[] {
  const roles = new Map<string, OwnerChoice>();
  const addRole = (ref: Pick<RoleRef, 'role' | 'unit'>) => {
    const value = roleValue(ref);
    const where = unitName(org, ref.unit);
    const label = `${ROLES[ref.role]}${where ? ` (${where})` : ''}`;
    if (!roles.has(value))
      roles.set(value, { value, label, ref: { role: ref.role, ...(ref.unit ? { unit: ref.unit } : {}), raw: label } });
  };
  for (const ref of present) if (!ref.person) addRole(ref);
  const people: OwnerChoice[] = [];
  for (const person of org.people) {
    const here = localAssignments(org, person, department);
    if (!person.active || here.length === 0) continue;
    for (const a of here) addRole({ role: a.role });
    const first = here[0]!;
    const what = [...new Set(here.map((a) => ROLES[a.role]))].join(', ');
    people.push({
      value: `person:${person.id}`,
      label: `${person.name} (${what})`,
      ref: { role: first.role, ...(first.unit ? { unit: first.unit } : {}), raw: person.name, person: person.id },
    });
  }
  const byLabel = (a: OwnerChoice, b: OwnerChoice) => a.label.localeCompare(b.label, 'sv');
  return [...[...roles.values()].sort(byLabel), ...people.sort(byLabel)];
}

/** The owners the form chose, or why they cannot be: every value must be one the form offered. */
export function chosenOwners(choices: readonly OwnerChoice[], values: readonly string[]): RoleRef[] | string {
  const refs: RoleRef[] = [];
  for (const v of new Set(values)) {
    const choice = choices.find((c) => c.value === v);
    if (!choice) return 'En vald ansvarig finns inte i avdelningen.';
    refs.push(choice.ref);
  }
  return refs;
}

/** Owners as a person reads them: "Rektor (Förskoleenhet norr), Rut Rektor". */
export function ownersText(org: Organisation, owners: readonly RoleRef[]): string {
  if (owners.length === 0) return 'inga ansvariga';
  return owners
    .map((o) =>
      o.person
        ? (org.people.find((p) => p.id === o.person)?.name ?? o.raw)
        : `${ROLES[o.role]}${unitName(org, o.unit) ? ` (${unitName(org, o.unit)})` : ''}`,
    )
    .join(', ');
}

/**
 * The id of an activity added by hand: the plan importer's scheme (src/plan/ids.ts: plan kind,
 * avdelning and the activity's words), so the same text in a later version of the plan document is
 * the same activity, and the import corrects it instead of starting a second one.
 */
export function handAddedId(planId: string, department: string, text: string): string {
  const kind = planId.startsWith('verksamhetsplan') ? 'verksamhetsplan' : 'kompetensforsorjningsplan';
  return createHash('sha256')
    .update([kind, department, normaliseForId(text)].join('\u001f'))
    .digest('hex')
    .slice(0, 12);
}

/** A new activity beside `sibling`: the same plan, avdelning, enhet, avsnitt and mål. */
export function handAddedActivity(
  sibling: LifecycleActivity,
  form: { text: string; deadline?: string; owners: RoleRef[] },
): LifecycleActivity {
  return {
    id: handAddedId(sibling.plan, sibling.department, form.text),
    plan: sibling.plan,
    department: sibling.department,
    ...(sibling.unit ? { unit: sibling.unit } : {}),
    section: sibling.section,
    goal: sibling.goal,
    text: form.text,
    ...(form.deadline ? { deadline: form.deadline } : {}),
    deadlineRaw: form.deadline ?? '',
    milestones: [],
    owners: form.owners,
    cadences: sibling.cadences,
    followUp: sibling.followUp,
    source: { file: 'Planvakt (tillagd för hand)', line: 0 },
  };
}

const field = (id: string, label: string, input: SafeHtml) =>
  html`<div class="field"><label for="${id}">${label}</label>${input}</div>`;

const reasonField = (id: string) =>
  field(
    id,
    'Skäl (krävs)',
    html`<textarea id="${id}" name="reason" rows="2" cols="60" maxlength="500" required></textarea>`,
  );

function ownersFieldset(legend: string, choices: readonly OwnerChoice[], checked: ReadonlySet<string>, prefix: string) {
  return html`<fieldset><legend>${legend}</legend>${choices.map(
    (c, i) =>
      html`<div><input type="checkbox" id="${prefix}-${i}" name="owner" value="${c.value}"${checked.has(c.value) ? html` checked` : ''}> <label for="${prefix}-${i}">${c.label}</label></div>`,
  )}</fieldset>`;
}

/** The forms of a running activity that is not Klar. `today`: the plan's today (Stockholm date). */
export function manageForms(
  id: string,
  csrf: string,
  choices: readonly OwnerChoice[],
  activity: LifecycleActivity,
  today: string,
  snoozedUntil?: string,
): SafeHtml {
  const present = new Set(activity.owners.map(ownerValue));
  const hidden = html`<input type="hidden" name="_csrf" value="${csrf}">`;
  return html`<h2>Ändra ansvariga</h2>
<p class="meta">Välj roller i avdelningen (alla som har rollen får meddelandena) eller namngivna personer. Ändringen och skälet syns i tidslinjen.</p>
<form method="post" id="ansvariga" action="${links.activityOwners(id)}">${hidden}
${ownersFieldset('Ansvariga', choices, present, 'agare')}
${reasonField('owners-reason')}
<button type="submit">Ändra ansvariga</button></form>
<h2>Pausa</h2>
<p class="meta">Inga påminnelser, förseningspåminnelser eller eskaleringar före datumet; sedan fortsätter de. Statusförfrågningar i uppföljningen kommer som vanligt.${snoozedUntil ? ` Pausad till ${snoozedUntil} nu.` : ''}</p>
<form method="post" id="pausa" action="${links.activitySnooze(id)}">${hidden}
${field('until', 'Pausa till', html`<input type="date" id="until" name="until" required min="${today}">`)}
${reasonField('snooze-reason')}
<button type="submit">Pausa</button></form>
<h2>Avsluta</h2>
<p class="meta">Klar: aktiviteten är genomförd. Avbruten: den ska inte genomföras (tas bort ur uppföljningen). Inga fler meddelanden skickas; den kan öppnas igen.</p>
<form method="post" id="avsluta" action="${links.activityClose(id)}">${hidden}
<fieldset><legend>Avsluta som</legend>
<div><input type="radio" id="outcome-klar" name="outcome" value="klar" required> <label for="outcome-klar">Klar</label></div>
<div><input type="radio" id="outcome-avbruten" name="outcome" value="avbruten"> <label for="outcome-avbruten">Avbruten</label></div>
</fieldset>
${reasonField('close-reason')}
<button type="submit">Avsluta aktiviteten</button></form>
<h2>Lägg till en aktivitet</h2>
<p class="meta">En ny aktivitet i samma avsnitt och mål som den här. Den följs upp som de importerade; en senare import av planen visar den som tillagd i Planvakt och tar inte bort den utan att fråga.</p>
<form method="post" id="ny-aktivitet" action="${links.activityAdd(id)}">${hidden}
${field('new-text', 'Aktivitet', html`<textarea id="new-text" name="text" rows="2" cols="60" maxlength="2000" required></textarea>`)}
${field('new-deadline', 'Måldatum (valfritt)', html`<input type="date" id="new-deadline" name="deadline" min="${today}">`)}
${ownersFieldset('Ansvariga för den nya aktiviteten', choices, new Set(), 'ny-agare')}
${reasonField('add-reason')}
<button type="submit">Lägg till aktiviteten</button></form>`;
}

/** The form of a closed activity: open it again, with a reason. */
export function reopenForm(id: string, csrf: string, was: 'done' | 'cancelled'): SafeHtml {
  return html`<h2>Öppna igen</h2>
<p class="meta">Aktiviteten är ${was === 'done' ? 'avslutad som Klar' : 'avbruten'}. Öppnas den igen fortsätter uppföljningen med dess tidslinje, och påminnelserna planeras från i dag.</p>
<form method="post" id="oppna" action="${links.activityReopen(id)}"><input type="hidden" name="_csrf" value="${csrf}">
${reasonField('reopen-reason')}
<button type="submit">Öppna aktiviteten igen</button></form>`;
}
