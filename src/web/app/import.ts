/**
 * Importera: upload a plan (Word, Excel, PDF, CSV, a text rendering or a plan.yaml), see what was
 * read and every warning with its place, the diff against what runs in Temporal (`planChanges`),
 * and confirm; then `applyChanges` starts, corrects and cancels the lifecycles exactly as
 * `planvakt import --apply` does. The upload is kept in memory for the confirm step, bound to the
 * person. When the importer cannot tell which column is which, the page shows the table's first
 * rows and HR says it once; the mapping is saved for that table shape and used at every later import.
 * A Måldatum or owners changed in Planvakt (the activity page) are listed apart and kept, unless
 * HR ticks "Använd planens måldatum och ansvariga"; an activity added there that the plan lacks is
 * listed apart and goes on, unless HR ticks "Avbryt".
 */
import type { FastifyInstance } from 'fastify';
import {
  applyChanges,
  changeSummary,
  DEFAULT_PASSED,
  handAddedText,
  localText,
  isPassedChoice,
  PASSED_CHOICES,
  passedSummary,
  planChanges,
  planToday,
  type PlanChanges,
} from '../../apply';
import { planId } from '../../lifecycle';
import {
  COLUMN_ROLE_IDS,
  COLUMN_ROLES,
  placedActivities,
  readErrors,
  summarise,
  UnknownColumnsError,
  type ColumnRole,
  type ParseResult,
  type Plan,
  type UnknownTable,
} from '../../plan';
import { z } from 'zod';
import type { SourceError } from '../../config';
import { capitalise, html, plural, ROLES, ROUTES, type SafeHtml } from '../../domain';
import type { AppContext } from './context';
import { pageFor } from './layout';
import { invalidateCounts } from './dashboard';
import { columnMappingStore, fieldValue, parseUpload, PendingStore, uploadedFile, uploadName } from './upload';

interface PendingImport {
  name: string;
  bytes: Buffer;
}

/** HR for the whole förvaltning and the förvaltningschef only (src/web/access.ts). */
const HR = { config: { access: 'hr' as const } };

const short = (t: string, n = 160) => (t.length > n ? `${t.slice(0, n - 1)}…` : t);

export function warningsHtml(warnings: readonly SourceError[]): SafeHtml {
  if (warnings.length === 0) return html`<p>Inga varningar.</p>`;
  // Formats without lines name their place ("tabell 2, rad 4", "blad Förskola, cell C7").
  return html`<table><caption>Varningar (${warnings.length})</caption><thead><tr><th scope="col">Rad</th><th scope="col">Fält</th><th scope="col">Meddelande</th></tr></thead>
<tbody>${warnings.map((w) => html`<tr><td>${w.location.place ?? w.location.line ?? '–'}</td><td>${w.location.field ?? '–'}</td><td>${w.messageSv}</td></tr>`)}</tbody></table>`;
}

function parsedHtml(plan: Plan, warnings: readonly SourceError[]): SafeHtml {
  const summaries = summarise(plan, warnings);
  const placed = placedActivities(plan);
  return html`<h2>Inläst plan</h2>
<p><strong>${plan.title}</strong> (${plan.kind === 'kompetensforsorjningsplan' ? 'kompetensförsörjningsplan' : 'verksamhetsplan'}, id ${planId(plan)}): ${plural(placed.length, 'aktivitet', 'aktiviteter')} i ${plural(plan.departments.length, 'avdelning', 'avdelningar')}.</p>
<table><caption>Per avdelning</caption><thead><tr><th scope="col">Avdelning</th><th scope="col" class="num">Aktiviteter</th><th scope="col" class="num">Delmål</th><th scope="col" class="num">Indikatorer</th><th scope="col" class="num">Varningar</th></tr></thead>
<tbody>${summaries.map((s) => html`<tr><th scope="row">${s.name}${s.unit ? ` (${s.unit})` : ''}</th><td class="num">${s.activities}</td><td class="num">${s.milestones}</td><td class="num">${s.indicators}</td><td class="num">${s.warnings.length}</td></tr>`)}</tbody></table>
<h2>Varningar</h2>${warningsHtml(warnings)}
<details><summary>Alla ${placed.length} aktiviteter som de lästes</summary>
<table><caption>Aktiviteter</caption><thead><tr><th scope="col">Rad</th><th scope="col">Avdelning</th><th scope="col">Avsnitt</th><th scope="col">Aktivitet</th><th scope="col">Måldatum</th><th scope="col">Ansvariga</th></tr></thead>
<tbody>${placed.map(({ department, section, activity }) => html`<tr><td>${activity.source.line}</td><td>${department.name}</td><td>${section.name}</td><td>${short(activity.text)}</td><td>${activity.deadline.date ?? '–'} <span class="meta">(${activity.deadline.raw || 'tomt'})</span></td><td>${activity.owners.map((o) => ROLES[o.role]).join(', ') || html`<span class="meta">${activity.ownersRaw || '–'}</span>`}</td></tr>`)}</tbody></table></details>`;
}

const activities = (n: number) => plural(n, 'aktivitet', 'aktiviteter');

function diffHtml(c: PlanChanges): SafeHtml {
  return html`<h2>Jämfört med det som löper</h2>
<p id="diff-summary">${changeSummary(c)}.</p>
${c.added.length ? html`<details><summary>Nya (${c.added.length})</summary><ul>${c.added.map((a) => html`<li>${short(a.text, 120)} <span class="meta">(${a.deadline ?? (a.deadlineRaw || 'inget måldatum')})</span></li>`)}</ul></details>` : ''}
${c.changed.length ? html`<h3>Ändrade</h3><ul>${c.changed.map((x) => html`<li>${short(x.activity.text, 120)}: ${x.fields.join(', ')}</li>`)}</ul>` : ''}
${c.local.length ? html`<h3>Ändrade i Planvakt</h3><ul id="local-changes">${c.local.map((l) => html`<li>${short(l.activity.text, 120)}: ${localText(l)}</li>`)}</ul>` : ''}
${c.handAdded.length ? html`<h3>Tillagda i Planvakt (finns inte i planen)</h3><ul id="hand-added">${c.handAdded.map((a) => html`<li>${short(a.text, 120)}: ${handAddedText(a)}</li>`)}</ul>` : ''}
${c.removed.length ? html`<h3>Borttagna ur planen (avbryts)</h3><ul id="removed">${c.removed.map((r) => html`<li>${short(r.text, 120)}</li>`)}</ul>` : ''}`;
}

/**
 * When some new activities' Måldatum has passed: how many, and the planner's choice for them
 * (the least noisy one checked), sent with the confirmation.
 */
function passedHtml(summary: string | undefined): SafeHtml | '' {
  if (!summary) return '';
  return html`<fieldset id="passed"><legend>${summary} Vad ska hända med dem?</legend>
${PASSED_CHOICES.map((c) => html`<div><label><input type="radio" name="passed" value="${c.value}"${c.value === DEFAULT_PASSED ? html` checked` : ''}> ${c.label}</label></div>`)}
</fieldset>`;
}

/** The form a column's role is chosen with: `t<table>-c<column>`. */
const fieldName = (table: number, column: number) => `t${table}-c${column}`;

/**
 * Which column is what, for each table the importer could not tell: the table's first rows as
 * the planner wrote them, and one choice per column (the headings' own words preselected).
 */
function mappingHtml(
  csrf: string,
  pendingId: string,
  tables: readonly UnknownTable[],
  opts: { error?: string; skipped?: boolean } = {},
): SafeHtml {
  const which = tables.length === 1 ? 'tabellen' : `${tables.length} tabeller`;
  const intro = opts.skipped
    ? `Resten av planen lästes, men importen känner inte igen rubrikerna i ${which} nedan, så deras rader hoppades över.`
    : `Importen känner inte igen rubrikerna i ${which} nedan.`;
  return html`<h2>Vilken kolumn är vad?</h2>
<p id="kolumner-intro">${intro} Ange en gång vilken kolumn som är aktiviteten, måldatum, ansvarig och uppföljning. Valet sparas och används automatiskt nästa gång en plan med samma rubriker importeras.</p>
${opts.error ? html`<p class="error" role="alert">${opts.error}</p>` : ''}
<form method="post" action="${ROUTES.importColumns}">
<input type="hidden" name="_csrf" value="${csrf}"><input type="hidden" name="pending" value="${pendingId}">
${tables.map(
  (t, i) => html`<fieldset><legend>${t.at.label ? capitalise(t.at.label) : `Tabellen på rad ${t.at.line}`}</legend>
<input type="hidden" name="${`t${i}-rubriker`}" value="${t.signature}">
${t.headings.map((heading, j) => {
  const chosen = t.guess[j] ?? 'ovrigt';
  return html`<div class="field"><label for="${fieldName(i, j)}">Kolumn ${j + 1}: ${heading || '(utan rubrik)'}</label>
<select id="${fieldName(i, j)}" name="${fieldName(i, j)}">${COLUMN_ROLE_IDS.map((r) => html`<option value="${r}"${r === chosen ? html` selected` : ''}>${COLUMN_ROLES[r]}</option>`)}</select></div>`;
})}
<table><caption>De första raderna</caption><thead><tr>${t.headings.map((h) => html`<th scope="col">${h}</th>`)}</tr></thead>
<tbody>${t.rows.map((r) => html`<tr>${t.headings.map((_, j) => html`<td>${short(r[j] ?? '', 120)}</td>`)}</tr>`)}</tbody></table></fieldset>`,
)}
<button type="submit">Spara kolumnerna och läs in planen</button> <a href="/importera">Avbryt</a></form>`;
}

/** The roles HR chose for each table; a table without an activity column is sent back. */
function chosenRoles(body: unknown, tables: readonly UnknownTable[]): { roles: ColumnRole[][] } | { error: string } {
  const role = z.enum(COLUMN_ROLE_IDS as [ColumnRole, ...ColumnRole[]]);
  const roles: ColumnRole[][] = [];
  for (const [i, t] of tables.entries()) {
    // The form names the table shapes it was made for; a plan read differently since needs a new choice.
    if (fieldValue(body, `t${i}-rubriker`) !== t.signature)
      return { error: 'Tabellerna har ändrats sedan sidan visades. Välj kolumnerna igen.' };
    const chosen: ColumnRole[] = [];
    for (const j of t.headings.keys()) {
      const parsed = role.safeParse(fieldValue(body, fieldName(i, j)));
      if (!parsed.success) return { error: `Välj vad kolumn ${j + 1} (${t.headings[j]}) är.` };
      chosen.push(parsed.data);
    }
    if (!chosen.includes('aktivitet'))
      return { error: `Välj vilken kolumn som är aktiviteten i ${t.at.label ?? 'tabellen'}.` };
    roles.push(chosen);
  }
  return { roles };
}

export function registerImport(app: FastifyInstance, ctx: AppContext) {
  const today = () => planToday(ctx.settings.timeShiftMs ? { timeShiftMs: ctx.settings.timeShiftMs } : {});
  const pending = new PendingStore<PendingImport>();
  const columns = columnMappingStore(ctx.settings.dataDir, ctx.store?.sql);
  const read = async (name: string, bytes: Buffer) => parseUpload(name, bytes, { columns: await columns.list() });

  const form = (csrf: string) => html`<form method="post" action="/importera" enctype="multipart/form-data">
<input type="hidden" name="_csrf" value="${csrf}">
<div class="field"><label for="plan">Planfil</label>
<p class="meta" id="plan-help">Planen som Word-dokument (.docx), Excel-fil (.xlsx), CSV eller PDF, en kompetensförsörjningsplan (markdown-tabeller), en verksamhetsplan (tabbseparerad text) eller en plan.yaml. Kolumnerna hittas på sina rubriker (Aktivitet, Åtgärd eller Insats; Ansvarig; Måldatum, Klart senast eller Tidplan; Uppföljning); känns de inte igen får du ange vilken kolumn som är vad. Högst 5 MB.</p>
<input type="file" id="plan" name="plan" required aria-describedby="plan-help" accept=".docx,.xlsx,.pdf,.csv,.md,.txt,.yaml,.yml,text/plain"></div>
<button type="submit">Läs in och jämför</button></form>`;

  /** What was read, what changes, and the confirm form. */
  const previewBody = async (csrf: string, owner: string, upload: PendingImport, result: ParseResult, id?: string) => {
    const changes = await planChanges(ctx.client, result.plan);
    const pendingId = id ?? pending.put(owner, upload);
    return html`${parsedHtml(result.plan, result.warnings)}${diffHtml(changes)}
<form method="post" action="/importera/bekrafta">
<input type="hidden" name="_csrf" value="${csrf}"><input type="hidden" name="pending" value="${pendingId}">
${passedHtml(passedSummary(changes, today()))}
${changes.local.length ? html`<div class="field"><label><input type="checkbox" name="planValues" value="ja"> Använd planens måldatum och ansvariga för ${changes.local.length === 1 ? 'aktiviteten' : 'de aktiviteter'} som ändrats i Planvakt (annars behålls ändringarna)</label></div>` : ''}
${changes.handAdded.length ? html`<div class="field"><label><input type="checkbox" name="cancelHandAdded" value="ja"> Avbryt ${changes.handAdded.length === 1 ? 'aktiviteten' : 'de aktiviteter'} som lagts till i Planvakt och inte finns i planen (annars fortsätter de)</label></div>` : ''}
<button type="submit">Bekräfta och starta uppföljningen</button> <a href="/importera">Avbryt</a></form>
${result.unmapped?.length ? mappingHtml(csrf, pendingId, result.unmapped, { skipped: true }) : ''}`;
  };

  const gone = (csrf: string) =>
    html`<p class="error" role="alert">Uppladdningen finns inte längre (den sparas i 30 minuter). Ladda upp filen igen.</p>${form(csrf)}`;

  const unreadable = (e: unknown, csrf: string) => {
    const errors = readErrors(e);
    if (!errors) throw e;
    return html`<div class="error" role="alert"><p>Filen kunde inte läsas som en plan:</p><ul>${errors.map((x) => html`<li>${x.messageSv}</li>`)}</ul></div>${form(csrf)}`;
  };

  app.get(ROUTES.import, HR, async (req, reply) => {
    const page = pageFor(ctx, req, reply);
    return page.send({
      title: 'Importera plan',
      active: '/importera',
      body: html`<p>Ladda upp en plan. Du ser först vad som lästes, varningarna med radnummer och vad som ändras för aktiviteterna som redan följs upp. Inget ändras förrän du bekräftar.</p>${form(page.csrf)}`,
    });
  });

  app.post(ROUTES.import, HR, async (req, reply) => {
    const user = req.user!;
    const { csrf, send } = pageFor(ctx, req, reply);
    const file = uploadedFile(req.body, 'plan');
    const page = (body: SafeHtml, status = 200) =>
      send({ title: 'Importera plan', status, active: '/importera', body });
    if (!file) return page(html`<p class="error" role="alert">Välj en fil att ladda upp.</p>${form(csrf)}`, 400);
    const upload = { name: uploadName(file.filename), bytes: await file.toBuffer() };
    let result;
    try {
      result = await read(upload.name, upload.bytes);
    } catch (e) {
      if (e instanceof UnknownColumnsError)
        return page(mappingHtml(csrf, pending.put(user.person.id, upload), e.tables));
      return page(unreadable(e, csrf), 400);
    }
    const id = pending.put(user.person.id, upload);
    return page(await previewBody(csrf, user.person.id, upload, result, id));
  });

  app.post<{ Body: Record<string, string> }>(ROUTES.importColumns, HR, async (req, reply) => {
    const user = req.user!;
    const { csrf, send } = pageFor(ctx, req, reply);
    const page = (body: SafeHtml, status = 200) =>
      send({ title: 'Importera plan', status, active: '/importera', body });
    const id = fieldValue(req.body, 'pending');
    const upload = pending.get(user.person.id, id);
    if (!upload) return page(gone(csrf), 410);
    // The tables are read again from the upload, never from the form: HR chooses only the roles.
    let tables: UnknownTable[];
    let skipped = false;
    try {
      tables = (await read(upload.name, upload.bytes)).unmapped ?? [];
      skipped = true;
    } catch (e) {
      if (!(e instanceof UnknownColumnsError)) return page(unreadable(e, csrf), 400);
      tables = e.tables;
    }
    const chosen = chosenRoles(req.body, tables);
    if ('error' in chosen) return page(mappingHtml(csrf, id!, tables, { error: chosen.error, skipped }), 400);
    for (const [i, t] of tables.entries()) await columns.save({ headings: t.headings, roles: chosen.roles[i]! });
    let result;
    try {
      result = await read(upload.name, upload.bytes);
    } catch (e) {
      if (e instanceof UnknownColumnsError) return page(mappingHtml(csrf, id!, e.tables), 400);
      return page(unreadable(e, csrf), 400);
    }
    return page(
      html`<p role="status" id="kolumner-sparade">Kolumnerna är sparade och används nästa gång en plan med samma rubriker importeras.</p>${await previewBody(csrf, user.person.id, upload, result, id)}`,
    );
  });

  app.post<{ Body: Record<string, string> }>(ROUTES.importConfirm, HR, async (req, reply) => {
    const user = req.user!;
    const { csrf, send } = pageFor(ctx, req, reply);
    const id = fieldValue(req.body, 'pending');
    const upload = pending.get(user.person.id, id);
    if (!upload) return send({ title: 'Importera plan', status: 410, body: gone(csrf) });
    const { plan } = await read(upload.name, upload.bytes);
    // The diff again, now: what runs may have changed since the preview.
    const changes = await planChanges(ctx.client, plan);
    const chosen = fieldValue(req.body, 'passed');
    const passed = isPassedChoice(chosen) ? chosen : DEFAULT_PASSED;
    const summary = passedSummary(changes, today());
    const planValues = fieldValue(req.body, 'planValues') === 'ja';
    const cancelHandAdded = fieldValue(req.body, 'cancelHandAdded') === 'ja';
    const result = await applyChanges(ctx.client, changes, {
      taskQueue: ctx.settings.taskQueue,
      rulesPath: ctx.rulesPath,
      rulesText: await ctx.configText('rules'),
      by: `webbimport (${user.person.name})`,
      passed,
      planValues,
      cancelHandAdded,
      ...(ctx.settings.timeShiftMs ? { timeShiftMs: ctx.settings.timeShiftMs } : {}),
    });
    pending.delete(id!);
    invalidateCounts(ctx);
    return send({
      title: 'Planen är importerad',
      active: '/importera',
      body: html`<p role="status" id="import-result">Startade ${result.started}, uppdaterade ${result.signalled}, avbröt ${plural(result.cancelled, 'aktivitet', 'aktiviteter')} i planen ${planId(plan)}.</p>
${changes.local.length ? html`<p id="import-local">${planValues ? `Planens värden gäller nu för ${activities(changes.local.length)} som hade ändrats i Planvakt.` : `Behöll ändringarna i Planvakt för ${activities(changes.local.length)}.`}</p>` : ''}
${changes.handAdded.length ? html`<p id="import-hand-added">${cancelHandAdded ? `Avbröt ${activities(changes.handAdded.length)} som lagts till i Planvakt.` : `${capitalise(activities(changes.handAdded.length))} som lagts till i Planvakt fortsätter.`}</p>` : ''}
${summary ? html`<p id="import-passed">${summary} Valt: ${PASSED_CHOICES.find((c) => c.value === passed)!.label}.</p>` : ''}
<p><a href="/">Till översikten</a> (det kan ta några sekunder innan alla aktiviteter syns där).</p>`,
    });
  });
}
