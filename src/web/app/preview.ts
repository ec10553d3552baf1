/**
 * Förhandsvisning: upload a plan and see, before importing it, every message the real workflows
 * would send in a chosen year: `simulate()` runs them on Temporal's time-skipping server with the
 * current rules and organisation, and the page shows the summaries and the timeline.
 */
import { readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import { rulesVersion } from '../../lifecycle';
import { readErrors } from '../../plan';
import { simulate, summarise, timelineRows } from '../../simulate';
import type { AppContext } from './context';
import { html, ROUTES, type SafeHtml } from '../../domain';
import { pageFor } from './layout';
import { warningsHtml } from './import';
import { columnMappingStore, fieldValue, parseUpload, uploadedFile, uploadName } from './upload';

const SHOWN = 500;
/** HR for the whole förvaltning and the förvaltningschef only (src/web/access.ts). */
const HR = { config: { access: 'hr' as const } };

export function registerPreview(app: FastifyInstance, ctx: AppContext) {
  let running = false;
  const columns = columnMappingStore(ctx.settings.dataDir, ctx.store?.sql);
  const form = (
    csrf: string,
    year: number,
  ) => html`<form method="post" action="/forhandsvisning" enctype="multipart/form-data">
<input type="hidden" name="_csrf" value="${csrf}">
<div class="field"><label for="plan">Planfil</label><input type="file" id="plan" name="plan" required accept=".docx,.xlsx,.pdf,.csv,.md,.txt,.yaml,.yml,text/plain"></div>
<div class="field"><label for="year">År att förhandsvisa</label><input type="number" id="year" name="year" min="2000" max="2100" value="${year}"></div>
<button type="submit">Förhandsvisa året</button></form>
<p class="meta">Förhandsvisningen kör de riktiga arbetsflödena på Temporals tidshoppande testserver med nuvarande regler och organisation. Inget skickas. Det tar några sekunder.</p>`;

  app.get(ROUTES.preview, HR, async (req, reply) => {
    const page = pageFor(ctx, req, reply);
    return page.send({
      title: 'Förhandsvisning',
      active: '/forhandsvisning',
      body: form(page.csrf, Number(ctx.planNow().toISOString().slice(0, 4))),
    });
  });

  app.post(ROUTES.preview, HR, async (req, reply) => {
    const { csrf, send } = pageFor(ctx, req, reply);
    const page = (body: SafeHtml, status = 200) =>
      send({ title: 'Förhandsvisning', status, active: '/forhandsvisning', body });
    const file = uploadedFile(req.body, 'plan');
    const year = Number(fieldValue(req.body, 'year'));
    if (!file || !Number.isInteger(year) || year < 2000 || year > 2100)
      return page(html`<p class="error" role="alert">Välj en fil och ett år.</p>${form(csrf, 2022)}`, 400);
    let parsed;
    try {
      // Tables HR has mapped in Importera are read the same way here.
      parsed = await parseUpload(uploadName(file.filename), await file.toBuffer(), { columns: await columns.list() });
    } catch (e) {
      const errors = readErrors(e);
      if (!errors) throw e;
      return page(
        html`<div class="error" role="alert"><ul>${errors.map((x) => html`<li>${x.messageSv}</li>`)}</ul></div>${form(csrf, year)}`,
        400,
      );
    }
    if (running)
      return page(html`<p class="error" role="alert">En förhandsvisning körs redan. Försök igen om en stund.</p>`, 429);
    running = true;
    let sim;
    try {
      const [rules, organisation, rulesText] = await Promise.all([
        ctx.rules(),
        ctx.organisation(),
        readFile(ctx.rulesPath, 'utf8'),
      ]);
      sim = await simulate({
        plan: parsed.plan,
        rules,
        rulesVersion: rulesVersion(rulesText),
        organisation,
        from: `${year}-01-01`,
        to: `${year}-12-31`,
      });
    } finally {
      running = false;
    }
    const s = summarise(sim);
    const rows = timelineRows(sim);
    return page(html`<p role="status">${sim.activities} aktiviteter, ${s.totalEvents} händelser, ${s.totalMessages} meddelanden (sammanfattningar) under ${year}.${s.busiestDay ? ` Mest att göra: ${s.busiestDay.date} (${s.busiestDay.messages} meddelanden).` : ''}</p>
${parsed.warnings.length ? html`<h2>Varningar</h2>${warningsHtml(parsed.warnings)}` : ''}
<h2>Per månad</h2><table><caption>Händelser och meddelanden per månad</caption><thead><tr><th scope="col">Månad</th><th scope="col" class="num">Händelser</th><th scope="col" class="num">Meddelanden</th><th scope="col" class="num">Eskaleringar</th></tr></thead>
<tbody>${s.months.map((m) => html`<tr><th scope="row">${m.month}</th><td class="num">${m.events}</td><td class="num">${m.messages}</td><td class="num">${m.escalations}</td></tr>`)}</tbody></table>
<h2>Per person</h2><table><caption>Meddelanden per person</caption><thead><tr><th scope="col">Person</th><th scope="col" class="num">Händelser</th><th scope="col" class="num">Meddelanden</th><th scope="col" class="num">Eskaleringar</th></tr></thead>
<tbody>${s.people.map((p) => html`<tr><th scope="row">${p.person}</th><td class="num">${p.events}</td><td class="num">${p.messages}</td><td class="num">${p.escalations}</td></tr>`)}</tbody></table>
<h2>Tidslinje</h2><table><caption>${rows.length > SHOWN ? `De första ${SHOWN} av ${rows.length} händelserna` : `Alla ${rows.length} händelser`}</caption><thead><tr><th scope="col">Datum</th><th scope="col">Tid</th><th scope="col">Typ</th><th scope="col">Mottagare</th><th scope="col">Aktivitet</th><th scope="col">Varför</th></tr></thead>
<tbody>${rows.slice(0, SHOWN).map((r) => html`<tr><td>${r.datum}</td><td>${r.tid}</td><td>${r.typ}</td><td>${r.mottagare}</td><td>${r.aktivitet}</td><td>${r.varför}</td></tr>`)}</tbody></table>
${form(csrf, year)}`);
  });
}
