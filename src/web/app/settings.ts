/**
 * Inställningar (HR): the rules (reminder offsets, overdue reminders, escalation ladder, send
 * time, digest, channels, the yearly follow-up windows and their dates per department) and the
 * organisation (people, e-mail, roles, active flag), edited in forms. A change is validated with
 * the files' own zod schemas, previewed (what changes for each department and how many running
 * activities get it), then saved as a new version with who and when (ConfigStore), written to the
 * config file, and — for the rules — signalled at once to every running activity (rolloutRules).
 * The organisation needs no signal: recipients are resolved from the file at send time.
 */
import { createHash } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { rolloutRules } from '../../apply/rules-rollout';
import { ConfigStore, configVersionsDir } from '../../config/versions';
import { readErrors } from '../../plan';
import { parseOrganisation, type Organisation } from '../../organisation';
import { CHANNELS, ESCALATION_TARGETS, parseRules, rulesFor, type RulesFile } from '../../rules';
import { ROLES } from '../../domain/vocabulary';
import type { AppContext } from './context';
import { html, type SafeHtml } from '../../domain/html';
import { sendPage } from './layout';
import { editOrganisation, editRules, FormProblems, rolesToText, rulesDiff, YEARLY_PERIODS, type Form } from './settings-edit';
import { PendingStore } from './upload';
import { invalidateCounts } from './dashboard';
import { count, inList, LIFECYCLE } from './visibility';

const sha = (t: string) => createHash('sha256').update(t).digest('hex');

async function writeAtomic(path: string, text: string) {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, text, 'utf8');
  await rename(tmp, path);
}

interface PendingChange {
  name: 'rules' | 'organisation';
  text: string;
  /** Hash of the file the change was made from: saving over someone else's newer save is refused. */
  base: string;
}

export function registerSettings(app: FastifyInstance, ctx: AppContext) {
  const store = new ConfigStore(configVersionsDir(ctx.settings.dataDir), {
    rules: (file, text) => parseRules(file, text),
    organisation: (file, text) => parseOrganisation(file, text),
  });
  const pending = new PendingStore<PendingChange>();
  const pathOf = (name: PendingChange['name']) => (name === 'rules' ? ctx.rulesPath : ctx.organisationPath);

  const page = (req: FastifyRequest, reply: FastifyReply, title: string, body: SafeHtml, status = 200) =>
    sendPage(reply, { title, user: req.user, csrf: reply.generateCsrf(), status, active: '/installningar', outbox: ctx.outbox, body });

  function rulesForm(csrf: string, r: RulesFile, org: Organisation, f?: Form): SafeHtml {
    const v = (key: string, fallback: string) => f?.[key] ?? fallback;
    const ladder = [...r.escalation, undefined, undefined].slice(0, Math.max(3, r.escalation.length + 1));
    const yearly = YEARLY_PERIODS.map((p) => ({ p, rule: r.followUp.periods[p] }));
    return html`<form method="post" action="/installningar/regler" aria-labelledby="regler-rubrik">
<input type="hidden" name="_csrf" value="${csrf}">
<h2 id="regler-rubrik">Regler</h2>
<fieldset><legend>Påminnelser</legend>
<div class="field"><label for="beforeDeadline">Påminnelser före måldatum (arbetsdagar, åtskilda med komma; 0 = på dagen)</label>
<input type="text" id="beforeDeadline" name="beforeDeadline" value="${v('beforeDeadline', r.reminders.beforeDeadline.join(', '))}" size="20" inputmode="numeric"></div>
<div class="field"><label for="overdueFirst">Första påminnelsen efter måldatum (arbetsdagar)</label><input type="number" min="1" id="overdueFirst" name="overdueFirst" value="${v('overdueFirst', String(r.overdue.firstAfterWorkingDays))}"></div>
<div class="field"><label for="overdueRepeat">Därefter var N:e arbetsdag</label><input type="number" min="1" id="overdueRepeat" name="overdueRepeat" value="${v('overdueRepeat', String(r.overdue.repeatEveryWorkingDays))}"></div>
<div class="field"><label for="overdueMax">Högst antal påminnelser (tomt = tills klar)</label><input type="number" min="1" id="overdueMax" name="overdueMax" value="${v('overdueMax', r.overdue.maxReminders?.toString() ?? '')}"></div>
</fieldset>
<fieldset><legend>Eskaleringstrappa (arbetsdagar från föregående steg, första från måldatum)</legend>
<table><caption>Steg</caption><thead><tr><th scope="col">Steg</th><th scope="col">Till</th><th scope="col">Efter arbetsdagar</th></tr></thead><tbody>
${ladder.map((step, i) => html`<tr><th scope="row">${i + 1}</th><td><label for="escalationTo${i}" class="visually-hidden">Steg ${i + 1}: till</label><select id="escalationTo${i}" name="escalationTo${i}"><option value="">(inget steg)</option>${ESCALATION_TARGETS.map((t) => html`<option value="${t}"${(f ? f[`escalationTo${i}`] : step?.to) === t ? html` selected` : ''}>${ROLES[t]}</option>`)}</select></td>
<td><label for="escalationDays${i}" class="visually-hidden">Steg ${i + 1}: efter arbetsdagar</label><input type="number" min="1" id="escalationDays${i}" name="escalationDays${i}" value="${v(`escalationDays${i}`, step?.afterWorkingDays.toString() ?? '')}"></td></tr>`)}
</tbody></table></fieldset>
<fieldset><legend>Utskick</legend>
<div class="field"><label for="sendTime">Utskickstid (svensk tid)</label><input type="time" id="sendTime" name="sendTime" value="${v('sendTime', r.delivery.sendTime)}"></div>
<div class="field"><input type="checkbox" id="digest" name="digest"${(f ? f.digest === 'on' : r.delivery.digest) ? html` checked` : ''}> <label for="digest">En samlad sammanfattning per person och dag</label></div>
<div class="field"><label for="preferredChannel">Kanal i första hand</label><select id="preferredChannel" name="preferredChannel">${CHANNELS.map((c) => html`<option value="${c}"${v('preferredChannel', r.delivery.preferredChannel) === c ? html` selected` : ''}>${c === 'email' ? 'E-post' : 'Teams'}</option>`)}</select></div>
<div class="field"><label for="fallbackChannel">Reservkanal</label><select id="fallbackChannel" name="fallbackChannel">${[...CHANNELS, 'none' as const].map((c) => html`<option value="${c}"${v('fallbackChannel', r.delivery.fallbackChannel) === c ? html` selected` : ''}>${c === 'email' ? 'E-post' : c === 'teams' ? 'Teams' : 'Ingen'}</option>`)}</select></div>
</fieldset>
<fieldset><legend>Uppföljningsperioder och sista dag (MM-DD), gemensamt och per avdelning</legend>
<table><caption>Tomt fält per avdelning = samma som gemensamt</caption><thead><tr><th scope="col">Avdelning</th>${yearly.map(({ p }) => html`<th scope="col">${p} öppnar</th><th scope="col">${p} sista dag</th>`)}</tr></thead><tbody>
<tr><th scope="row">Gemensamt</th>${yearly.map(({ p, rule }) => (['opens', 'due'] as const).map((k) => html`<td><label class="visually-hidden" for="${p}-${k}">Gemensamt ${p} ${k === 'opens' ? 'öppnar' : 'sista dag'}</label><input type="text" size="6" pattern="\\d\\d-\\d\\d" id="${p}-${k}" name="${p}-${k}" value="${v(`${p}-${k}`, rule.every === 'year' ? rule[k] : '')}"></td>`))}</tr>
${org.departments.map((d) => {
      const own = (r.departments[d.id] as { followUp?: { periods?: Record<string, { opens?: string; due?: string }> } } | undefined)?.followUp?.periods ?? {};
      return html`<tr><th scope="row">${d.name}</th>${yearly.map(({ p }) => (['opens', 'due'] as const).map((k) => html`<td><label class="visually-hidden" for="${d.id}-${p}-${k}">${d.name} ${p} ${k === 'opens' ? 'öppnar' : 'sista dag'}</label><input type="text" size="6" pattern="\\d\\d-\\d\\d" id="${d.id}-${p}-${k}" name="${d.id}-${p}-${k}" value="${v(`${d.id}-${p}-${k}`, own[p]?.[k] ?? '')}"></td>`))}</tr>`;
    })}
</tbody></table></fieldset>
<button type="submit">Förhandsgranska ändringen</button></form>`;
  }

  function orgForm(csrf: string, org: Organisation, f?: Form): SafeHtml {
    return html`<form method="post" action="/installningar/organisation" aria-labelledby="org-rubrik">
<input type="hidden" name="_csrf" value="${csrf}">
<h2 id="org-rubrik">Organisation</h2>
<p class="meta">Roller skrivs roll@enhet eller roll@avdelning, åtskilda med komma; en roll utan @ gäller hela förvaltningen. Avdelningar: ${org.departments.map((d) => d.id).join(', ')}.</p>
<table><caption>Personer</caption><thead><tr><th scope="col">Person</th><th scope="col">Namn</th><th scope="col">E-post</th><th scope="col">Aktiv</th><th scope="col">Roller</th></tr></thead><tbody>
${org.people.map((p, i) => html`<tr><th scope="row">${p.id}<input type="hidden" name="p${i}-id" value="${p.id}"></th>
<td><label class="visually-hidden" for="p${i}-name">Namn för ${p.id}</label><input type="text" id="p${i}-name" name="p${i}-name" value="${f?.[`p${i}-name`] ?? p.name}"></td>
<td><label class="visually-hidden" for="p${i}-email">E-post för ${p.id}</label><input type="email" id="p${i}-email" name="p${i}-email" value="${f?.[`p${i}-email`] ?? p.email}"></td>
<td><input type="checkbox" id="p${i}-active" name="p${i}-active" aria-label="${p.name} är aktiv"${(f ? f[`p${i}-active`] === 'on' : p.active) ? html` checked` : ''}></td>
<td><label class="visually-hidden" for="p${i}-roles">Roller för ${p.id}</label><input type="text" size="40" id="p${i}-roles" name="p${i}-roles" value="${f?.[`p${i}-roles`] ?? rolesToText(p.roles)}"></td></tr>`)}
<tr><td><label class="visually-hidden" for="new-id">Ny person: id</label><input type="text" id="new-id" name="new-id" placeholder="ny-person" value="${f?.['new-id'] ?? ''}"></td>
<td><label class="visually-hidden" for="new-name">Ny person: namn</label><input type="text" id="new-name" name="new-name" placeholder="Namn" value="${f?.['new-name'] ?? ''}"></td>
<td><label class="visually-hidden" for="new-email">Ny person: e-post</label><input type="email" id="new-email" name="new-email" placeholder="namn@example.se" value="${f?.['new-email'] ?? ''}"></td><td>ja</td>
<td><label class="visually-hidden" for="new-roles">Ny person: roller</label><input type="text" size="40" id="new-roles" name="new-roles" placeholder="enhetschef@hemtjansten" value="${f?.['new-roles'] ?? ''}"></td></tr>
</tbody></table>
<button type="submit">Förhandsgranska ändringen</button></form>`;
  }

  async function versionsHtml(): Promise<SafeHtml> {
    const [rules, org] = await Promise.all([store.list('rules'), store.list('organisation')]);
    const all = [...rules, ...org].sort((a, b) => b.savedAt.localeCompare(a.savedAt)).slice(0, 20);
    return html`<h2>Sparade versioner</h2>${all.length
      ? html`<table><caption>De senaste ändringarna</caption><thead><tr><th scope="col">Fil</th><th scope="col">Version</th><th scope="col">Sparad</th><th scope="col">Av</th></tr></thead><tbody>${all.map((v) => html`<tr><td>${v.name}.yaml</td><td>${v.version}</td><td>${v.savedAt.slice(0, 16).replace('T', ' ')} UTC</td><td>${v.author}</td></tr>`)}</tbody></table>`
      : html`<p>Inga versioner sparade från webben ännu.</p>`}`;
  }

  async function overview(req: FastifyRequest, reply: FastifyReply, message?: SafeHtml, forms?: { rules?: Form; org?: Form }, status = 200) {
    const [r, org] = await Promise.all([ctx.rules(), ctx.organisation()]);
    const csrf = reply.generateCsrf();
    return sendPage(reply, {
      title: 'Inställningar',
      user: req.user,
      csrf,
      status,
      active: '/installningar',
      outbox: ctx.outbox,
      body: html`${message ?? ''}<p>Ändringar förhandsgranskas först. När du sparar blir ändringen en ny version med ditt namn och tiden, och aktiviteter som redan följs upp får de nya reglerna direkt.</p>
${rulesForm(csrf, r, org, forms?.rules)}${orgForm(csrf, org, forms?.org)}${await versionsHtml()}`,
    });
  }

  app.get('/installningar', (req, reply) => overview(req, reply));

  app.post<{ Body: Form }>('/installningar/regler', async (req, reply) => {
    const form = req.body ?? {};
    const [text, current, org] = await Promise.all([readFile(ctx.rulesPath, 'utf8'), ctx.rules(), ctx.organisation()]);
    const depts = org.departments.map((d) => d.id);
    let next: string;
    let nextRules: RulesFile;
    try {
      next = editRules(text, current, form, depts);
      nextRules = parseRules('rules.yaml', next, { departments: depts });
    } catch (e) {
      const problems = e instanceof FormProblems ? e.problems : readErrors(e)?.map((x) => x.messageSv);
      if (!problems) throw e;
      return overview(req, reply, html`<div class="error" role="alert"><p>Reglerna sparades inte:</p><ul>${problems.map((p) => html`<li>${p}</li>`)}</ul></div>`, { rules: form }, 400);
    }
    const perDept = await Promise.all(
      org.departments.map(async (d) => ({
        d,
        changes: rulesDiff(rulesFor(current, d.id), rulesFor(nextRules, d.id)),
        running: await count(ctx.client, `${LIFECYCLE} AND ExecutionStatus = 'Running' AND ${inList('PlanvaktDepartment', [d.id])}`),
      })),
    );
    const id = pending.put(req.user!.person.id, { name: 'rules', text: next, base: sha(text) });
    const any = perDept.some((x) => x.changes.length > 0);
    const csrf = reply.generateCsrf();
    return sendPage(reply, {
      title: 'Förhandsgranska regler',
      user: req.user,
      csrf,
      active: '/installningar',
      outbox: ctx.outbox,
      body: html`${any ? '' : html`<p class="notice" role="status">Ändringen ändrar inget i reglerna för någon avdelning.</p>`}
${perDept.filter((x) => x.changes.length).map(({ d, changes, running }) => html`<h2>${d.name}</h2><p>${running} aktiviteter som följs upp får ändringen direkt.</p>
<table><caption>Ändringar för ${d.name}</caption><thead><tr><th scope="col">Inställning</th><th scope="col">Före</th><th scope="col">Efter</th></tr></thead><tbody>${changes.map((c) => html`<tr><th scope="row">${c.field}</th><td>${c.from}</td><td>${c.to}</td></tr>`)}</tbody></table>`)}
<form method="post" action="/installningar/spara"><input type="hidden" name="_csrf" value="${csrf}"><input type="hidden" name="pending" value="${id}">
<button type="submit">Spara och tillämpa</button> <a href="/installningar">Avbryt</a></form>`,
    });
  });

  app.post<{ Body: Form }>('/installningar/organisation', async (req, reply) => {
    const form = req.body ?? {};
    const [text, org] = await Promise.all([readFile(ctx.organisationPath, 'utf8'), ctx.organisation()]);
    let next: string;
    let nextOrg: Organisation;
    try {
      next = editOrganisation(text, org, form);
      nextOrg = parseOrganisation('organisation.yaml', next);
    } catch (e) {
      const problems = e instanceof FormProblems ? e.problems : readErrors(e)?.map((x) => x.messageSv);
      if (!problems) throw e;
      return overview(req, reply, html`<div class="error" role="alert"><p>Organisationen sparades inte:</p><ul>${problems.map((p) => html`<li>${p}</li>`)}</ul></div>`, { org: form }, 400);
    }
    const before = new Map(org.people.map((p) => [p.id, p]));
    const changes = nextOrg.people.flatMap((p) => {
      const b = before.get(p.id);
      if (!b) return [html`<li>Ny person: ${p.name} (${p.email}), ${rolesToText(p.roles) || 'inga roller'}</li>`];
      const out: SafeHtml[] = [];
      if (b.name !== p.name) out.push(html`<li>${p.id}: namn ${b.name} → ${p.name}</li>`);
      if (b.email !== p.email) out.push(html`<li>${p.id}: e-post ${b.email} → ${p.email}</li>`);
      if (b.active !== p.active) out.push(html`<li>${p.name}: ${p.active ? 'aktiverad' : 'avaktiverad (får inga fler meddelanden)'}</li>`);
      if (rolesToText(b.roles) !== rolesToText(p.roles)) out.push(html`<li>${p.name}: roller ${rolesToText(b.roles) || '–'} → ${rolesToText(p.roles) || '–'}</li>`);
      return out;
    });
    const id = pending.put(req.user!.person.id, { name: 'organisation', text: next, base: sha(text) });
    const csrf = reply.generateCsrf();
    return sendPage(reply, {
      title: 'Förhandsgranska organisation',
      user: req.user,
      csrf,
      active: '/installningar',
      outbox: ctx.outbox,
      body: html`${changes.length ? html`<ul>${changes}</ul>` : html`<p class="notice" role="status">Ändringen ändrar inget.</p>`}
<p>Mottagare slås upp i organisationen när varje meddelande skickas, så ändringen gäller från nästa meddelande.</p>
<form method="post" action="/installningar/spara"><input type="hidden" name="_csrf" value="${csrf}"><input type="hidden" name="pending" value="${id}">
<button type="submit">Spara och tillämpa</button> <a href="/installningar">Avbryt</a></form>`,
    });
  });

  app.post<{ Body: Form }>('/installningar/spara', async (req, reply) => {
    const user = req.user!;
    const change = pending.get(user.person.id, req.body?.pending);
    if (!change) return page(req, reply, 'Inställningar', html`<p class="error" role="alert">Förhandsgranskningen finns inte längre. Gör ändringen igen.</p><p><a href="/installningar">Till inställningarna</a></p>`, 410);
    const path = pathOf(change.name);
    const now = await readFile(path, 'utf8');
    if (sha(now) !== change.base) {
      return page(req, reply, 'Inställningar', html`<p class="error" role="alert">Filen har ändrats av någon annan sedan du förhandsgranskade. Inget sparades; gör ändringen igen.</p><p><a href="/installningar">Till inställningarna</a></p>`, 409);
    }
    // The file as it was before the first save from the web becomes version 1, so every change has a before.
    if (!(await store.latest(change.name))) await store.save(change.name, now, { author: `${change.name}.yaml (filen)`, at: new Date() });
    const version = await store.save(change.name, change.text, { author: user.person.name, at: new Date() });
    await writeAtomic(path, change.text);
    pending.delete(req.body!.pending!);
    invalidateCounts(ctx);
    let applied: SafeHtml = html`<p>Ändringen gäller från nästa meddelande.</p>`;
    if (change.name === 'rules') {
      const r = await rolloutRules(ctx.client, path);
      applied = html`<p id="rollout">${r.signalled} aktiviteter fick de nya reglerna (regelversion ${r.version}); ${r.current} hade dem redan.</p>`;
    }
    return page(req, reply, 'Inställningarna är sparade', html`<p role="status">${change.name === 'rules' ? 'Reglerna' : 'Organisationen'} sparades som version ${version.version} av ${version.author} ${version.savedAt.slice(0, 16).replace('T', ' ')} UTC.</p>${applied}<p><a href="/installningar">Till inställningarna</a> · <a href="/">Till översikten</a></p>`);
  });
}
