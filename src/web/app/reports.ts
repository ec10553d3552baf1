/**
 * Rapporter: the follow-up report of every closed cycle (`followUpCycle` workflows, id
 * `cycle-<department>-<year>-<period>`), as HTML and Excel, for the departments the person may see:
 * from the shared store in production (any worker may have written it), else from the files the
 * cycle's own result names.
 */
import { readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import { WorkflowNotFoundError } from '@temporalio/client';
import { SqlReportStore, type CycleOutcome } from '../../follow-up';
import type { AppContext } from './context';
import { html, links, readCycleWorkflowId, ROUTES } from '../../domain';
import { pageFor } from './layout';

/** Any cycle id cycleWorkflowId gives (`cycle-forskola-2022-T1`, `cycle-forskola-2022-APT-03-01`): letters of any case, digits, `-`, `_`, `.`. */
/** Whoever sees the report's avdelning (src/web/access.ts). */
const REPORT = { config: { access: 'report' as const } };
const CYCLE_ID = /^cycle-[\p{L}\p{N}_.-]{1,200}$/u;

export function registerReports(app: FastifyInstance, ctx: AppContext) {
  app.get(ROUTES.reports, { config: { access: 'signed-in' } }, async (req, reply) => {
    const user = req.user!;
    const org = await ctx.organisation();
    const names = new Map(org.departments.map((d) => [d.id, d.name]));
    const cycles: { id: string; department: string; occasion: string; closed?: Date }[] = [];
    for await (const wf of ctx.client.workflow.list({
      query: `WorkflowType = 'followUpCycle' AND ExecutionStatus = 'Completed'`,
      pageSize: 200,
    })) {
      const cycle = readCycleWorkflowId(
        wf.workflowId,
        org.departments.map((x) => x.id),
      );
      if (cycle && user.departments.includes(cycle.department))
        cycles.push({ id: wf.workflowId, ...cycle, ...(wf.closeTime ? { closed: wf.closeTime } : {}) });
      if (cycles.length >= 500) break;
    }
    cycles.sort((a, b) => a.department.localeCompare(b.department) || b.id.localeCompare(a.id));
    return pageFor(ctx, req, reply).send({
      title: 'Rapporter',
      active: '/rapporter',
      body: html`<p>Uppföljningsrapporterna sammanställs när varje uppföljning (tertial, verksamhetsberättelse …) stängs.</p>
${
  cycles.length
    ? html`<table><caption>Stängda uppföljningar</caption><thead><tr><th scope="col">Uppföljning</th><th scope="col">Avdelning</th><th scope="col">HTML</th><th scope="col">Excel</th></tr></thead>
<tbody>${cycles.map((c) => html`<tr><th scope="row">${c.occasion}</th><td>${names.get(c.department) ?? c.department}</td><td><a href="${links.report(c.id, 'html')}">Visa rapporten<span class="visually-hidden"> ${c.id}</span></a></td><td><a href="${links.report(c.id, 'xlsx')}" download>Ladda ned Excel<span class="visually-hidden"> ${c.id}</span></a></td></tr>`)}</tbody></table>`
    : html`<p>Inga uppföljningar har stängts ännu.</p>`
}`,
    });
  });

  app.get<{ Params: { id: string; format: string } }>(ROUTES.report, REPORT, async (req, reply) => {
    const user = req.user!;
    const { id, format } = req.params;
    const org = await ctx.organisation();
    const cycle = CYCLE_ID.test(id)
      ? readCycleWorkflowId(
          id,
          org.departments.map((x) => x.id),
        )
      : undefined;
    const d = cycle?.department;
    const notFound = () =>
      pageFor(ctx, req, reply).send({
        title: 'Rapporten finns inte',
        status: 404,
        body: html`<p>Ingen uppföljningsrapport med det namnet.</p><p><a href="${links.reports()}">Till Rapporter</a></p>`,
      });
    if (!d || (format !== 'html' && format !== 'xlsx')) return notFound();
    if (!user.departments.includes(d))
      return pageFor(ctx, req, reply).send({
        title: 'Ingen behörighet',
        status: 403,
        body: html`<p role="alert">Rapporten hör till en avdelning du inte har behörighet till.</p>`,
      });
    let outcome: CycleOutcome;
    try {
      const handle = ctx.client.workflow.getHandle(id);
      // A cycle still running has no report yet: say so instead of waiting for it to close.
      if ((await handle.describe()).status.name === 'RUNNING')
        return pageFor(ctx, req, reply).send({
          title: 'Rapporten sammanställs',
          body: html`<p role="status">Uppföljningen ${cycle?.occasion ?? id} stängs och rapporten sammanställs. Försök igen om en stund.</p><p><a href="${links.reports()}">Till Rapporter</a></p>`,
        });
      outcome = (await handle.result()) as CycleOutcome;
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return notFound();
      throw err;
    }
    // With the shared store the report is there, whichever worker closed the cycle; else the file the result names.
    const bytes = ctx.store
      ? await new SqlReportStore(ctx.store.sql).get(id, format)
      : await readFile(format === 'html' ? outcome.files.html : outcome.files.xlsx);
    if (!bytes) return notFound();
    if (format === 'xlsx') {
      return reply
        .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', `attachment; filename="${id}.xlsx"`)
        .send(bytes);
    }
    // The report is a document of its own (escaped by its renderer, with its own inline styles): no scripts, nothing else.
    return reply
      .type('text/html; charset=utf-8')
      .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")
      .send(bytes);
  });
}
