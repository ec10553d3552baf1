/**
 * The two previews of Inställningar: `POST /installningar/regler` and `POST
 * /installningar/organisation` validate the form, show what changes (per department, with how many
 * running activities get it; per person) and keep the change for Spara.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { readErrors } from '../../plan';
import { parseOrganisation, type Organisation } from '../../organisation';
import { parseRules, rulesFor, type RulesFile } from '../../rules';
import { html, links, plural, ROUTES, type SafeHtml } from '../../domain';
import { pageFor } from './layout';
import { editOrganisation, editRules, FormProblems, rolesToText, rulesDiff, type Form } from './settings-edit';
import { overview, sha, type SettingsDeps } from './settings-overview';
import { count, inList, LIFECYCLE } from './visibility';

export async function previewRules(deps: SettingsDeps, req: FastifyRequest<{ Body: Form }>, reply: FastifyReply) {
  const { ctx, pending } = deps;
  const form = req.body ?? {};
  const [text, current, org] = await Promise.all([ctx.configText('rules'), ctx.rules(), ctx.organisation()]);
  const depts = org.departments.map((d) => d.id);
  let next: string;
  let nextRules: RulesFile;
  try {
    next = editRules(text, current, form, depts);
    nextRules = parseRules('rules.yaml', next, { departments: depts });
  } catch (e) {
    return overview(deps, req, reply, refused('Reglerna sparades inte:', e), { rules: form }, 400);
  }
  const perDept = await Promise.all(
    org.departments.map(async (d) => ({
      d,
      changes: rulesDiff(rulesFor(current, d.id), rulesFor(nextRules, d.id)),
      running: await count(
        ctx.client,
        `${LIFECYCLE} AND ExecutionStatus = 'Running' AND ${inList('PlanvaktDepartment', [d.id])}`,
      ),
    })),
  );
  const id = pending.put(req.user!.person.id, { name: 'rules', text: next, base: sha(text) });
  const any = perDept.some((x) => x.changes.length > 0);
  const page = pageFor(ctx, req, reply);
  return page.send({
    title: 'Förhandsgranska regler',
    active: links.settings(),
    body: html`${any ? '' : html`<p class="notice" role="status">Ändringen ändrar inget i reglerna för någon avdelning.</p>`}
${perDept
  .filter((x) => x.changes.length)
  .map(
    ({
      d,
      changes,
      running,
    }) => html`<h2>${d.name}</h2><p>${plural(running, 'aktivitet', 'aktiviteter')} som följs upp får ändringen direkt.</p>
<table><caption>Ändringar för ${d.name}</caption><thead><tr><th scope="col">Inställning</th><th scope="col">Före</th><th scope="col">Efter</th></tr></thead><tbody>${changes.map((c) => html`<tr><th scope="row">${c.field}</th><td>${c.from}</td><td>${c.to}</td></tr>`)}</tbody></table>`,
  )}
${saveForm(page.csrf, id)}`,
  });
}

export async function previewOrganisation(
  deps: SettingsDeps,
  req: FastifyRequest<{ Body: Form }>,
  reply: FastifyReply,
) {
  const { ctx, pending } = deps;
  const form = req.body ?? {};
  const [text, org] = await Promise.all([ctx.configText('organisation'), ctx.organisation()]);
  let next: string;
  let nextOrg: Organisation;
  try {
    next = editOrganisation(text, org, form);
    nextOrg = parseOrganisation('organisation.yaml', next);
  } catch (e) {
    return overview(deps, req, reply, refused('Organisationen sparades inte:', e), { org: form }, 400);
  }
  const changes = peopleChanges(org, nextOrg);
  const id = pending.put(req.user!.person.id, { name: 'organisation', text: next, base: sha(text) });
  const page = pageFor(ctx, req, reply);
  return page.send({
    title: 'Förhandsgranska organisation',
    active: links.settings(),
    body: html`${changes.length ? html`<ul>${changes}</ul>` : html`<p class="notice" role="status">Ändringen ändrar inget.</p>`}
<p>Mottagare slås upp i organisationen när varje meddelande skickas, så ändringen gäller från nästa meddelande.</p>
${saveForm(page.csrf, id)}`,
  });
}

/** One list item per change a person sees: new people, names, e-mail, active flag, roles. */
function peopleChanges(org: Organisation, nextOrg: Organisation): SafeHtml[] {
  const before = new Map(org.people.map((p) => [p.id, p]));
  return nextOrg.people.flatMap((p) => {
    const b = before.get(p.id);
    if (!b) return [html`<li>Ny person: ${p.name} (${p.email}), ${rolesToText(p.roles) || 'inga roller'}</li>`];
    const out: SafeHtml[] = [];
    if (b.name !== p.name) out.push(html`<li>${p.id}: namn ${b.name} → ${p.name}</li>`);
    if (b.email !== p.email) out.push(html`<li>${p.id}: e-post ${b.email} → ${p.email}</li>`);
    if (b.active !== p.active)
      out.push(html`<li>${p.name}: ${p.active ? 'aktiverad' : 'avaktiverad (får inga fler meddelanden)'}</li>`);
    if (rolesToText(b.roles) !== rolesToText(p.roles))
      out.push(html`<li>${p.name}: roller ${rolesToText(b.roles) || '–'} → ${rolesToText(p.roles) || '–'}</li>`);
    return out;
  });
}

/** The form's problems or the file's validation errors in Swedish; anything else is not the form's fault and is thrown on. */
function refused(heading: string, e: unknown): SafeHtml {
  const problems = e instanceof FormProblems ? e.problems : readErrors(e)?.map((x) => x.messageSv);
  if (!problems) throw e;
  return html`<div class="error" role="alert"><p>${heading}</p><ul>${problems.map((p) => html`<li>${p}</li>`)}</ul></div>`;
}

function saveForm(csrf: string, id: string): SafeHtml {
  return html`<form method="post" action="${ROUTES.settingsSave}"><input type="hidden" name="_csrf" value="${csrf}"><input type="hidden" name="pending" value="${id}">
<button type="submit">Spara och tillämpa</button> <a href="${links.settings()}">Avbryt</a></form>`;
}
