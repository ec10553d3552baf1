/** The forms of Inställningar: the rules, the organisation, and the list of saved versions. */
import type { ConfigVersionStore } from '../../config';
import type { Organisation } from '../../organisation';
import { CHANNELS, ESCALATION_TARGETS, type RulesFile } from '../../rules';
import { html, ROLES, ROUTES, rulesVersionLabel, stockholmStamp, type SafeHtml } from '../../domain';
import { rolesToText, YEARLY_PERIODS, type Form } from './settings-edit';

export function rulesForm(csrf: string, r: RulesFile, org: Organisation, f?: Form): SafeHtml {
  const v = (key: string, fallback: string) => f?.[key] ?? fallback;
  const ladder = [...r.escalation, undefined, undefined].slice(0, Math.max(3, r.escalation.length + 1));
  const yearly = YEARLY_PERIODS.map((p) => ({ p, rule: r.followUp.periods[p] }));
  return html`<form method="post" action="${ROUTES.settingsRules}" aria-labelledby="regler-rubrik">
<input type="hidden" name="_csrf" value="${csrf}">
<h2 id="regler-rubrik">Regler</h2>
<fieldset><legend>Påminnelser</legend>
<div class="field"><label for="beforeDeadline">Påminnelser före måldatum (arbetsdagar, åtskilda med komma; 0 = på dagen)</label>
<input type="text" id="beforeDeadline" name="beforeDeadline" value="${v('beforeDeadline', r.reminders.beforeDeadline.join(', '))}" size="20" inputmode="numeric"></div>
<div class="field"><label for="overdueFirst">Första påminnelsen efter måldatum (arbetsdagar)</label><input type="number" min="1" id="overdueFirst" name="overdueFirst" value="${v('overdueFirst', String(r.overdue.firstAfterWorkingDays))}"></div>
<div class="field"><label for="overdueRepeat">Därefter var N:e arbetsdag</label><input type="number" min="1" id="overdueRepeat" name="overdueRepeat" value="${v('overdueRepeat', String(r.overdue.repeatEveryWorkingDays))}"></div>
<div class="field"><label for="overdueMax">Högst antal påminnelser (tomt = 3)</label><input type="number" min="1" id="overdueMax" name="overdueMax" value="${v('overdueMax', r.overdue.maxReminders?.toString() ?? '')}"></div>
</fieldset>
<fieldset><legend>Eskaleringstrappa (arbetsdagar från föregående steg, första från måldatum)</legend>
<table><caption>Steg</caption><thead><tr><th scope="col">Steg</th><th scope="col">Till</th><th scope="col">Efter arbetsdagar</th></tr></thead><tbody>
${ladder.map(
  (
    step,
    i,
  ) => html`<tr><th scope="row">${i + 1}</th><td><label for="escalationTo${i}" class="visually-hidden">Steg ${i + 1}: till</label><select id="escalationTo${i}" name="escalationTo${i}"><option value="">(inget steg)</option>${ESCALATION_TARGETS.map((t) => html`<option value="${t}"${(f ? f[`escalationTo${i}`] : step?.to) === t ? html` selected` : ''}>${ROLES[t]}</option>`)}</select></td>
<td><label for="escalationDays${i}" class="visually-hidden">Steg ${i + 1}: efter arbetsdagar</label><input type="number" min="1" id="escalationDays${i}" name="escalationDays${i}" value="${v(`escalationDays${i}`, step?.afterWorkingDays.toString() ?? '')}"></td></tr>`,
)}
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
  const own =
    (r.departments[d.id] as { followUp?: { periods?: Record<string, { opens?: string; due?: string }> } } | undefined)
      ?.followUp?.periods ?? {};
  return html`<tr><th scope="row">${d.name}</th>${yearly.map(({ p }) => (['opens', 'due'] as const).map((k) => html`<td><label class="visually-hidden" for="${d.id}-${p}-${k}">${d.name} ${p} ${k === 'opens' ? 'öppnar' : 'sista dag'}</label><input type="text" size="6" pattern="\\d\\d-\\d\\d" id="${d.id}-${p}-${k}" name="${d.id}-${p}-${k}" value="${v(`${d.id}-${p}-${k}`, own[p]?.[k] ?? '')}"></td>`))}</tr>`;
})}
</tbody></table></fieldset>
<button type="submit">Förhandsgranska ändringen</button></form>`;
}

export function orgForm(csrf: string, org: Organisation, f?: Form): SafeHtml {
  return html`<form method="post" action="${ROUTES.settingsOrganisation}" aria-labelledby="org-rubrik">
<input type="hidden" name="_csrf" value="${csrf}">
<h2 id="org-rubrik">Organisation</h2>
<p class="meta">Roller skrivs roll@enhet eller roll@avdelning, åtskilda med komma; en roll utan @ gäller hela förvaltningen. Avdelningar: ${org.departments.map((d) => d.id).join(', ')}.</p>
<table><caption>Personer</caption><thead><tr><th scope="col">Person</th><th scope="col">Namn</th><th scope="col">E-post</th><th scope="col">Aktiv</th><th scope="col">Roller</th></tr></thead><tbody>
${org.people.map(
  (p, i) => html`<tr><th scope="row">${p.id}<input type="hidden" name="p${i}-id" value="${p.id}"></th>
<td><label class="visually-hidden" for="p${i}-name">Namn för ${p.id}</label><input type="text" id="p${i}-name" name="p${i}-name" value="${f?.[`p${i}-name`] ?? p.name}"></td>
<td><label class="visually-hidden" for="p${i}-email">E-post för ${p.id}</label><input type="email" id="p${i}-email" name="p${i}-email" value="${f?.[`p${i}-email`] ?? p.email}"></td>
<td><input type="checkbox" id="p${i}-active" name="p${i}-active" aria-label="${p.name} är aktiv"${(f ? f[`p${i}-active`] === 'on' : p.active) ? html` checked` : ''}></td>
<td><label class="visually-hidden" for="p${i}-roles">Roller för ${p.id}</label><input type="text" size="40" id="p${i}-roles" name="p${i}-roles" value="${f?.[`p${i}-roles`] ?? rolesToText(p.roles)}"></td></tr>`,
)}
<tr><td><label class="visually-hidden" for="new-id">Ny person: id</label><input type="text" id="new-id" name="new-id" placeholder="ny-person" value="${f?.['new-id'] ?? ''}"></td>
<td><label class="visually-hidden" for="new-name">Ny person: namn</label><input type="text" id="new-name" name="new-name" placeholder="Namn" value="${f?.['new-name'] ?? ''}"></td>
<td><label class="visually-hidden" for="new-email">Ny person: e-post</label><input type="email" id="new-email" name="new-email" placeholder="namn@example.se" value="${f?.['new-email'] ?? ''}"></td><td>ja</td>
<td><label class="visually-hidden" for="new-roles">Ny person: roller</label><input type="text" size="40" id="new-roles" name="new-roles" placeholder="enhetschef@hemtjansten" value="${f?.['new-roles'] ?? ''}"></td></tr>
</tbody></table>
<button type="submit">Förhandsgranska ändringen</button></form>`;
}

export async function versionsHtml(store: ConfigVersionStore): Promise<SafeHtml> {
  const [rules, org] = await Promise.all([store.list('rules'), store.list('organisation')]);
  const all = [...rules, ...org].sort((a, b) => b.savedAt.localeCompare(a.savedAt)).slice(0, 20);
  return html`<h2>Sparade versioner</h2>${
    all.length
      ? html`<table><caption>De senaste ändringarna</caption><thead><tr><th scope="col">Fil</th><th scope="col">Version</th><th scope="col">Sparad</th><th scope="col">Av</th></tr></thead><tbody>${all.map((v) => html`<tr><td>${v.name}.yaml</td><td>${v.version}</td><td>${stockholmStamp(v.savedAt)}</td><td>${v.author}</td></tr>`)}</tbody></table>`
      : html`<p>Inga versioner sparade från webben ännu.</p>`
  }`;
}

/**
 * Says a running activity's rules hash as its saved version ("version 3, sparad 27 november av
 * Hanna"): the activity page and the timeline show this, never the hash alone.
 */
export async function rulesVersionNamer(versions: ConfigVersionStore): Promise<(hash: string) => string> {
  const saved = await versions.list('rules');
  const now = new Date();
  return (hash) => rulesVersionLabel(hash, saved, now);
}
