/**
 * Inställningar (HR): the rules (reminder offsets, overdue reminders, escalation ladder, send
 * time, digest, channels, the yearly follow-up windows and their dates per department) and the
 * organisation (people, e-mail, roles, active flag), edited in forms. A change is validated with
 * the files' own zod schemas, previewed (what changes for each department and how many running
 * activities get it), then saved as a new version with who and when (ConfigStore), written to the
 * config file, and — for the rules — signalled at once to every running activity (rolloutRules).
 * The organisation needs no signal: recipients are resolved from the file at send time.
 *
 * One function per route: the save here, the overview in settings-overview.ts, the two previews in
 * settings-preview.ts; the forms are in settings-forms.ts, the edits of the YAML documents in
 * settings-edit.ts.
 */
import { rename, writeFile } from 'node:fs/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { rolloutRules } from '../../apply';
import { ConfigStore, configVersionsDir, type ConfigVersionStore } from '../../config';
import { parseOrganisation } from '../../organisation';
import { parseRules } from '../../rules';
import type { AppContext } from './context';
import { html, links, plural, ROUTES, versionLabel, type SafeHtml } from '../../domain';
import { pageFor } from './layout';
import type { Form } from './settings-edit';
import { overview, sha, type PendingChange, type SettingsDeps } from './settings-overview';
import { previewOrganisation, previewRules } from './settings-preview';
import { PendingStore } from './upload';
import { invalidateCounts } from './dashboard';

export function registerSettings(app: FastifyInstance, ctx: AppContext) {
  const deps: SettingsDeps = {
    ctx,
    store: versionStore(ctx),
    pending: new PendingStore<PendingChange>(),
  };
  const hr = { config: { access: 'hr' as const } };
  app.get(ROUTES.settings, hr, (req, reply) => overview(deps, req, reply));
  app.post<{ Body: Form }>(ROUTES.settingsRules, hr, (req, reply) => previewRules(deps, req, reply));
  app.post<{ Body: Form }>(ROUTES.settingsOrganisation, hr, (req, reply) => previewOrganisation(deps, req, reply));
  app.post<{ Body: Form }>(ROUTES.settingsSave, hr, (req, reply) => save(deps, req, reply));
  app.post<{ Body: Form }>(ROUTES.settingsAccess, hr, (req, reply) => personAccess(deps, req, reply));
}

/**
 * With the shared store (production) the versions are in force for every process; without it they
 * are the history beside the config file, under the data folder.
 */
export function versionStore(ctx: AppContext): ConfigVersionStore {
  const validators = {
    rules: (file: string, text: string) => parseRules(file, text),
    organisation: (file: string, text: string) => parseOrganisation(file, text),
  };
  return ctx.store
    ? ctx.store.configVersions(validators)
    : new ConfigStore(configVersionsDir(ctx.settings.dataDir), validators);
}

/**
 * `POST /installningar/atkomst`: HR ends every session of a person (she must sign in again; a
 * copied cookie stops working) or gives her new calendar addresses (the old links stop working).
 */
async function personAccess({ ctx }: SettingsDeps, req: FastifyRequest<{ Body: Form }>, reply: FastifyReply) {
  const user = req.user!;
  const org = await ctx.organisation();
  const person = org.people.find((p) => p.id === req.body?.person);
  const action = req.body?.action;
  const page = (body: SafeHtml, status = 200) =>
    pageFor(ctx, req, reply).send({ title: 'Inställningar', status, active: links.settings(), body });
  if (!person || (action !== 'sessions' && action !== 'calendar'))
    return page(
      html`<p class="error" role="alert">Välj en person och vad som ska göras.</p><p><a href="${links.settings()}">Till inställningarna</a></p>`,
      400,
    );
  if (action === 'sessions') {
    const ended = await ctx.sessions.endAllFor(person.id);
    req.log.warn({ person: person.id, by: user.person.id, ended }, 'sessions ended by HR');
    return page(
      html`<p role="status" id="access-result">${person.name} är utloggad överallt (${ended} ${ended === 1 ? 'inloggning' : 'inloggningar'} avslutade).</p><p><a href="${links.settings()}">Till inställningarna</a></p>`,
    );
  }
  await ctx.calendarFeeds.rotate(person.id, user.person.name);
  req.log.warn({ person: person.id, by: user.person.id }, 'calendar feed address renewed');
  return page(
    html`<p role="status" id="access-result">${person.name} har fått nya kalenderadresser; de gamla fungerar inte längre.</p><p><a href="${links.settings()}">Till inställningarna</a></p>`,
  );
}

/** `POST /installningar/spara`: the previewed change becomes a new version, the file, and (rules) a signal to what runs. */
async function save({ ctx, store, pending }: SettingsDeps, req: FastifyRequest<{ Body: Form }>, reply: FastifyReply) {
  const user = req.user!;
  const page = (title: string, body: SafeHtml, status = 200) =>
    pageFor(ctx, req, reply).send({ title, status, active: links.settings(), body });
  const change = pending.get(user.person.id, req.body?.pending);
  if (!change)
    return page(
      'Inställningar',
      html`<p class="error" role="alert">Förhandsgranskningen finns inte längre. Gör ändringen igen.</p><p><a href="${links.settings()}">Till inställningarna</a></p>`,
      410,
    );
  const path = change.name === 'rules' ? ctx.rulesPath : ctx.organisationPath;
  const now = await ctx.configText(change.name);
  if (sha(now) !== change.base) {
    return page(
      'Inställningar',
      html`<p class="error" role="alert">Filen har ändrats av någon annan sedan du förhandsgranskade. Inget sparades; gör ändringen igen.</p><p><a href="${links.settings()}">Till inställningarna</a></p>`,
      409,
    );
  }
  // The file as it was before the first save from the web becomes version 1, so every change has a before.
  if (!(await store.latest(change.name)))
    await store.save(change.name, now, { author: `${change.name}.yaml (filen)`, at: new Date() });
  const version = await store.save(change.name, change.text, { author: user.person.name, at: new Date() });
  // With the shared store the version is what every process reads; the config folder may be read-only.
  if (!ctx.store) await writeAtomic(path, change.text);
  pending.delete(req.body!.pending!);
  invalidateCounts(ctx);
  let applied: SafeHtml = html`<p>Ändringen gäller från nästa meddelande.</p>`;
  if (change.name === 'rules') {
    const r = await rolloutRules(ctx.client, path, change.text);
    applied = html`<p id="rollout">${plural(r.signalled, 'aktivitet', 'aktiviteter')} fick de nya reglerna (${versionLabel(version, new Date())}); ${r.current} hade dem redan.</p>`;
  }
  return page(
    'Inställningarna är sparade',
    html`<p role="status">${change.name === 'rules' ? 'Reglerna' : 'Organisationen'} är nu ${versionLabel(version, new Date())}.</p>${applied}<p><a href="${links.settings()}">Till inställningarna</a> · <a href="${links.overview()}">Till översikten</a></p>`,
  );
}

async function writeAtomic(path: string, text: string) {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, text, 'utf8');
  await rename(tmp, path);
}
