/**
 * Förhandsvisning: upload a plan and see, before importing it, every message the real workflows
 * would send in a chosen year: `simulate()` runs them on Temporal's time-skipping server with the
 * current rules and organisation, and the page shows the summaries and the timeline.
 *
 * A run is HR's own: the upload queues it (PreviewQueue) and sends her to her run's page, which
 * shows how far it has come and refreshes itself (a Refresh header: no script) until the result is
 * there; she can stop it, and a run that reaches the time limit shows what it reached. Another
 * person's run never waits on hers.
 */
import { readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import { rulesVersion } from '../../lifecycle';
import { readErrors } from '../../plan';
import type { SourceError } from '../../config';
import {
  defaultPreviewYear,
  planYears,
  PreviewQueue,
  simulate,
  summarise,
  swedishDate,
  timelineRows,
  type PreviewRun,
} from '../../simulate';
import type { AppContext } from './context';
import { html, plural, ROUTES, type SafeHtml } from '../../domain';
import { pageFor } from './layout';
import { warningsHtml } from './import';
import { columnMappingStore, fieldValue, parseUpload, uploadedFile, uploadName } from './upload';

const SHOWN = 500;
/** HR for the whole förvaltning and the förvaltningschef only (src/web/access.ts). */
const HR = { config: { access: 'hr' as const } };
/** Two runs at once: each is a time-skipping server and a worker, and the machine has two cores. */
export const PREVIEW_CONCURRENCY = 2;
/** A run is stopped here and shows what it reached; the seed plan's year takes well under it (README). */
export const PREVIEW_TIME_LIMIT_MS = 120_000;
/** Seconds between the run page's own reloads while it waits or runs. */
const REFRESH_SECONDS = 2;
/** Whole days from `a` to `b` (Stockholm dates). */
const daysBetween = (a: string, b: string) => Math.round((Date.parse(b) - Date.parse(a)) / 86_400_000);

interface PreviewMeta {
  file: string;
  year: number;
  /** The plan's Måldatum years, as "2021–2023". */
  planYears: string;
  warnings: readonly SourceError[];
}

export function registerPreview(app: FastifyInstance, ctx: AppContext) {
  const runs = new PreviewQueue<PreviewMeta>({
    concurrency: PREVIEW_CONCURRENCY,
    timeLimitMs: PREVIEW_TIME_LIMIT_MS,
  });
  // A run's time-skipping server must not outlive the web server (a test's, or a stopped service).
  app.addHook('onClose', () => runs.close());
  const columns = columnMappingStore(ctx.settings.dataDir, ctx.store?.sql);
  const form = (
    csrf: string,
    year?: number,
  ) => html`<form method="post" action="${ROUTES.preview}" enctype="multipart/form-data">
<input type="hidden" name="_csrf" value="${csrf}">
<div class="field"><label for="plan">Planfil</label><input type="file" id="plan" name="plan" required accept=".docx,.xlsx,.pdf,.csv,.md,.txt,.yaml,.yml,text/plain"></div>
<div class="field"><label for="year">År att förhandsvisa</label><input type="number" id="year" name="year" min="2000" max="2100" value="${year === undefined ? '' : String(year)}" aria-describedby="year-help">
<p class="meta" id="year-help">Tomt: planens eget år (i år om planen har måldatum i år, annars året med flest måldatum).</p></div>
<button type="submit">Förhandsvisa året</button></form>
<p class="meta">Förhandsvisningen kör de riktiga arbetsflödena på Temporals tidshoppande testserver med nuvarande regler och organisation. Inget skickas. Ett år tar oftast några sekunder; sidan visar hur långt den har kommit, och du kan avbryta. Efter ${String(PREVIEW_TIME_LIMIT_MS / 60_000)} minuter stannar den och visar det den hann med.</p>`;

  app.get(ROUTES.preview, HR, async (req, reply) => {
    const page = pageFor(ctx, req, reply);
    const mine = runs.current(req.user!.person.id);
    return page.send({
      title: 'Förhandsvisning',
      active: ROUTES.preview,
      body: html`${mine ? html`<p><a href="${ROUTES.previewRun}">Din senaste förhandsvisning (${mine.meta.file}, ${String(mine.meta.year)})</a></p>` : ''}${form(page.csrf)}`,
    });
  });

  app.post(ROUTES.preview, HR, async (req, reply) => {
    const { csrf, send } = pageFor(ctx, req, reply);
    const page = (body: SafeHtml, status = 200) =>
      send({ title: 'Förhandsvisning', status, active: ROUTES.preview, body });
    const file = uploadedFile(req.body, 'plan');
    const yearText = (fieldValue(req.body, 'year') ?? '').trim();
    const named = yearText === '' ? undefined : Number(yearText);
    if (!file || (named !== undefined && (!Number.isInteger(named) || named < 2000 || named > 2100)))
      return page(
        html`<p class="error" role="alert">Välj en fil, och ett år mellan 2000 och 2100 eller inget år.</p>${form(csrf, named)}`,
        400,
      );
    let parsed;
    try {
      // Tables HR has mapped in Importera are read the same way here.
      parsed = await parseUpload(uploadName(file.filename), await file.toBuffer(), { columns: await columns.list() });
    } catch (e) {
      const errors = readErrors(e);
      if (!errors) throw e;
      return page(
        html`<div class="error" role="alert"><ul>${errors.map((x) => html`<li>${x.messageSv}</li>`)}</ul></div>${form(csrf, named)}`,
        400,
      );
    }
    const year = named ?? defaultPreviewYear(parsed.plan, Number(ctx.planNow().toISOString().slice(0, 4)));
    const years = planYears(parsed.plan);
    const [rules, organisation, rulesText] = await Promise.all([
      ctx.rules(),
      ctx.organisation(),
      readFile(ctx.rulesPath, 'utf8'),
    ]);
    const range = { from: `${year}-01-01`, to: `${year}-12-31` };
    runs.submit(
      req.user!.person.id,
      {
        file: uploadName(file.filename),
        year,
        planYears:
          years.length === 0
            ? ''
            : years.length === 1
              ? String(years[0]!.year)
              : `${years[0]!.year}–${years[years.length - 1]!.year}`,
        warnings: parsed.warnings,
      },
      range,
      (signal, onProgress) =>
        simulate({
          plan: parsed.plan,
          rules,
          rulesVersion: rulesVersion(rulesText),
          organisation,
          ...range,
          signal,
          onProgress,
        }),
    );
    return reply.code(303).header('location', ROUTES.previewRun).send();
  });

  app.get(ROUTES.previewRun, HR, async (req, reply) => {
    const { csrf, send } = pageFor(ctx, req, reply);
    const owner = req.user!.person.id;
    const run = runs.current(owner);
    if (!run)
      return send({
        title: 'Förhandsvisning',
        active: ROUTES.preview,
        body: html`<p role="status">Du har ingen förhandsvisning just nu.</p>${form(csrf)}`,
      });
    const waiting = run.state === 'queued' || run.state === 'running';
    // The page reloads itself until the run is done: a plain header, no script.
    if (waiting) reply.header('refresh', String(REFRESH_SECONDS));
    return send({
      title: waiting ? 'Förhandsvisning pågår' : 'Förhandsvisning',
      active: ROUTES.preview,
      body: html`${heading(run)}${waiting ? progress(run, runs.queuedBefore(owner), runs.load.running, csrf) : outcome(run)}${waiting ? '' : form(csrf, run.meta.year)}`,
    });
  });

  app.post(ROUTES.previewCancel, HR, async (req, reply) => {
    runs.cancel(req.user!.person.id);
    return reply.code(303).header('location', ROUTES.previewRun).send();
  });
}

function heading(run: PreviewRun<PreviewMeta>): SafeHtml {
  const { file, year, planYears: years } = run.meta;
  return html`<p>${file}, år ${String(year)}${years ? `; planens måldatum ligger ${years}` : ''}.</p>`;
}

/** Waiting or running: where it is, a progress bar, and the cancel button. */
function progress(run: PreviewRun<PreviewMeta>, before: number, running: number, csrf: string): SafeHtml {
  const total = daysBetween(run.from, run.to) + 1;
  const done = run.reached ? daysBetween(run.from, run.reached) + 1 : 0;
  const percent = Math.max(0, Math.min(100, Math.round((100 * done) / total)));
  const where =
    run.state === 'queued'
      ? `Väntar på en ledig plats: ${running} ${running === 1 ? 'förhandsvisning körs' : 'förhandsvisningar körs'}${before > 0 ? ` och ${before} väntar före din` : ''}.`
      : run.reached
        ? `Körs: har kommit fram till ${swedishDate(run.reached)} (${percent} %).`
        : 'Körs: startar testservern och arbetsflödena.';
  return html`<p role="status">${where}</p>
<progress max="100" value="${String(percent)}" aria-label="Hur långt förhandsvisningen har kommit">${String(percent)} %</progress>
<p class="meta">Sidan uppdateras av sig själv var ${String(REFRESH_SECONDS)}:e sekund.</p>
<form method="post" action="${ROUTES.previewCancel}"><input type="hidden" name="_csrf" value="${csrf}"><button type="submit">Avbryt förhandsvisningen</button></form>`;
}

/** Finished, stopped or failed: what it says, and what it reached. */
function outcome(run: PreviewRun<PreviewMeta>): SafeHtml {
  if (run.state === 'failed')
    return html`<p class="error" role="alert">Förhandsvisningen misslyckades: ${run.error ?? 'okänt fel'}.</p>`;
  const sim = run.result;
  const reached = run.reached && run.reached >= run.from ? run.reached : undefined;
  if (run.stoppedBy) {
    const why =
      run.stoppedBy === 'timeLimit'
        ? `Tidsgränsen på ${PREVIEW_TIME_LIMIT_MS / 60_000} minuter nåddes`
        : 'Förhandsvisningen avbröts';
    const stop = reached
      ? `${why}: den kom fram till ${swedishDate(reached)}. Det som visas nedan gäller ${swedishDate(run.from)}–${swedishDate(reached)}.`
      : `${why} innan den hann köra någon dag.`;
    if (!sim || !reached) return html`<p class="error" role="alert">${stop}</p>`;
    return html`<p class="error" role="alert">${stop}</p>${result(run, sim, reached)}`;
  }
  return sim ? result(run, sim, run.to) : html``;
}

function result(
  run: PreviewRun<PreviewMeta>,
  sim: NonNullable<PreviewRun<PreviewMeta>['result']>,
  until: string,
): SafeHtml {
  const s = summarise(sim);
  const rows = timelineRows(sim);
  const period = until === run.to ? `under ${run.meta.year}` : `${swedishDate(run.from)}–${swedishDate(until)}`;
  return html`<p role="status">${plural(sim.activities, 'aktivitet', 'aktiviteter')}, ${plural(s.totalEvents, 'händelse', 'händelser')}, ${plural(s.totalMessages, 'meddelande', 'meddelanden')} (sammanfattningar) ${period}.${s.busiestDay ? ` Mest att göra: ${s.busiestDay.date} (${plural(s.busiestDay.messages, 'meddelande', 'meddelanden')}).` : ''}</p>
${run.meta.warnings.length ? html`<h2>Varningar</h2>${warningsHtml(run.meta.warnings)}` : ''}
<h2>Per månad</h2><table><caption>Händelser och meddelanden per månad</caption><thead><tr><th scope="col">Månad</th><th scope="col" class="num">Händelser</th><th scope="col" class="num">Meddelanden</th><th scope="col" class="num">Eskaleringar</th></tr></thead>
<tbody>${s.months.map((m) => html`<tr><th scope="row">${m.month}</th><td class="num">${m.events}</td><td class="num">${m.messages}</td><td class="num">${m.escalations}</td></tr>`)}</tbody></table>
<h2>Per person</h2><table><caption>Meddelanden per person</caption><thead><tr><th scope="col">Person</th><th scope="col" class="num">Händelser</th><th scope="col" class="num">Meddelanden</th><th scope="col" class="num">Eskaleringar</th></tr></thead>
<tbody>${s.people.map((p) => html`<tr><th scope="row">${p.person}</th><td class="num">${p.events}</td><td class="num">${p.messages}</td><td class="num">${p.escalations}</td></tr>`)}</tbody></table>
<h2>Tidslinje</h2><table><caption>${rows.length > SHOWN ? `De första ${SHOWN} av ${rows.length} händelserna` : `Alla ${rows.length} händelser`}</caption><thead><tr><th scope="col">Datum</th><th scope="col">Tid</th><th scope="col">Typ</th><th scope="col">Mottagare</th><th scope="col">Aktivitet</th><th scope="col">Varför</th></tr></thead>
<tbody>${rows.slice(0, SHOWN).map((r) => html`<tr><td>${r.datum}</td><td>${r.tid}</td><td>${r.typ}</td><td>${r.mottagare}</td><td>${r.aktivitet}</td><td>${r.varför}</td></tr>`)}</tbody></table>`;
}
