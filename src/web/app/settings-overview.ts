/** The Inställningar page itself, and what the settings routes share. */
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ConfigVersionStore } from '../../config';
import type { AppContext } from './context';
import { html, links, type SafeHtml } from '../../domain';
import type { Organisation } from '../../organisation';
import { pageFor } from './layout';
import type { Form } from './settings-edit';
import { orgForm, rulesForm, versionsHtml } from './settings-forms';
import type { PendingStore } from './upload';

export interface PendingChange {
  name: 'rules' | 'organisation';
  text: string;
  /** Hash of the file the change was made from: saving over someone else's newer save is refused. */
  base: string;
}

/** What the settings routes share: the app, the saved versions, the previewed changes waiting for Spara. */
export interface SettingsDeps {
  ctx: AppContext;
  store: ConfigVersionStore;
  pending: PendingStore<PendingChange>;
}

/** Ending a person's sessions, or giving her new calendar addresses. */
function accessForm(csrf: string, org: Organisation): SafeHtml {
  return html`<form method="post" action="${links.settingsAccess()}" aria-labelledby="access-rubrik">
<input type="hidden" name="_csrf" value="${csrf}">
<h2 id="access-rubrik">Inloggningar och kalenderadresser</h2>
<p class="meta">Logga ut en person överallt (till exempel när en dator kommit bort), eller ge en person nya kalenderadresser när en länk kommit i fel händer. Rolländringar i organisationen gäller redan från personens nästa sidvisning.</p>
<div class="field"><label for="access-person">Person</label><select id="access-person" name="person">${org.people.map((p) => html`<option value="${p.id}">${p.name} (${p.id})</option>`)}</select></div>
<button type="submit" name="action" value="sessions">Logga ut personen överallt</button> <button type="submit" name="action" value="calendar" class="secondary">Ge personen nya kalenderadresser</button></form>`;
}

export const sha = (t: string) => createHash('sha256').update(t).digest('hex');

/** `GET /installningar`, and the same page again with the problems when a form did not validate. */
export async function overview(
  { ctx, store }: SettingsDeps,
  req: FastifyRequest,
  reply: FastifyReply,
  message?: SafeHtml,
  forms?: { rules?: Form; org?: Form },
  status = 200,
) {
  const [r, org] = await Promise.all([ctx.rules(), ctx.organisation()]);
  const page = pageFor(ctx, req, reply);
  const csrf = page.csrf;
  return page.send({
    title: 'Inställningar',
    status,
    active: links.settings(),
    body: html`${message ?? ''}<p>Ändringar förhandsgranskas först. När du sparar blir ändringen en ny version med ditt namn och tiden, och aktiviteter som redan följs upp får de nya reglerna direkt.</p>
${rulesForm(csrf, r, org, forms?.rules)}${orgForm(csrf, org, forms?.org)}${accessForm(csrf, org)}${await versionsHtml(store)}`,
  });
}
