/**
 * Översikt: per department a traffic light and counts, then a list filterable by department,
 * unit, owner role, status and deadline month. Everything comes from Temporal visibility (the
 * search attributes the lifecycles keep up to date): one count query per department and category,
 * all at once, and one list page of 50; the activities' texts come from their workflows' `state`
 * query, 50 at a time.
 */
import type { FastifyInstance } from 'fastify';
import { addDays, stockholmDate } from '../../calendar';
import { html, LIGHT_RULE, lightFor, links, qs, ROLE_IDS, ROLES, STATUSES, type Light, type Role } from '../../domain';
import type { SignedIn } from '../../organisation';
import type { AppContext } from './context';
import { lightBadge, pageFor } from './layout';
import {
  CATEGORIES,
  CATEGORY_LABEL,
  categoryQuery,
  count,
  inList,
  LISTED,
  listPage,
  quote,
  upcomingQuery,
  views,
  type Category,
} from './visibility';

const PAGE_SIZE = 50;

export type DepartmentCounts = Record<Category | 'upcoming' | 'total', number> & { light?: Light };

/**
 * Per department, five visibility counts (25 for five departments, all at once):
 *  1. everything listed, `GROUP BY ExecutionStatus`: Running = open, Completed = Klar (a lifecycle
 *     completes only when reported Klar; removed ones are not listed);
 *  2.–4. Försenad, Pågår and Ej påbörjad among the open ones;
 *  5. open ones due in the next 30 days.
 * Ej rapporterad is the rest of the open ones, since the categories split them without overlap.
 */
async function countDepartments(ctx: AppContext, departments: string[]): Promise<Map<string, DepartmentCounts>> {
  const today = stockholmDate(ctx.planNow().toISOString());
  const until = addDays(today, 30);
  const out = new Map<string, DepartmentCounts>();
  await Promise.all(
    departments.map(async (d) => {
      const where = ` AND PlanvaktDepartment = ${quote(d)}`;
      const [byStatus, done, late, inProgress, notStarted, upcoming] = await Promise.all([
        ctx.client.workflow.count(`${LISTED}${where} GROUP BY ExecutionStatus`),
        // Klar whether the lifecycle has ended or still waits out the time to undo it ("Ångra").
        count(ctx.client, categoryQuery('done') + where),
        count(ctx.client, categoryQuery('late') + where),
        count(ctx.client, categoryQuery('inProgress') + where),
        count(ctx.client, categoryQuery('notStarted') + where),
        count(ctx.client, upcomingQuery(today, until) + where),
      ]);
      const group = (name: string) =>
        byStatus.groups
          .filter((g) => g.groupValues.flat().some((v) => String(v) === name))
          .reduce((sum, g) => sum + g.count, 0);
      const total = group('Running') + group('Completed');
      const c: DepartmentCounts = {
        done,
        late,
        inProgress,
        notStarted,
        notReported: Math.max(0, total - done - late - inProgress - notStarted),
        upcoming,
        total,
      };
      if (c.total > 0) c.light = lightFor((c.done + c.inProgress) / c.total);
      out.set(d, c);
    }),
  );
  return new Map(departments.map((d) => [d, out.get(d)!]));
}

/**
 * The counts are shared for a few seconds (`countsCacheMs`, 5 s by default) by everyone who asks
 * for the same departments, and asked once however many ask at the same moment: 25 count queries
 * cost most of the page's time on a SQLite dev server with 10,000 activities. Changes made in the
 * app (a status, an import, new rules) clear them at once; a check-in shows within those seconds.
 */
const countsCache = new WeakMap<
  AppContext,
  Map<string, { at: number; value: Promise<Map<string, DepartmentCounts>> }>
>();

export function invalidateCounts(ctx: AppContext) {
  countsCache.delete(ctx);
}

export function departmentCounts(ctx: AppContext, departments: string[]): Promise<Map<string, DepartmentCounts>> {
  const ttl = ctx.settings.countsCacheMs ?? 5_000;
  if (ttl <= 0) return countDepartments(ctx, departments);
  const key = `${stockholmDate(ctx.planNow().toISOString())}|${departments.join(',')}`;
  let cache = countsCache.get(ctx);
  if (!cache) countsCache.set(ctx, (cache = new Map()));
  const hit = cache.get(key);
  if (hit && Date.now() - hit.at < ttl) return hit.value;
  const value = countDepartments(ctx, departments);
  const entry = { at: Date.now(), value };
  cache.set(key, entry);
  value.catch(() => cache!.get(key) === entry && cache!.delete(key));
  return value;
}

export interface Filters {
  avdelning?: string;
  enhet?: string;
  roll?: Role;
  status?: Category;
  manad?: string;
  sida?: string;
}

/** Only values from fixed sets pass; anything else is dropped. */
export function cleanFilters(q: Record<string, unknown>, allowedDepartments: string[], units: string[]): Filters {
  const s = (k: string) => (typeof q[k] === 'string' ? (q[k] as string) : undefined);
  const f: Filters = {};
  if (s('avdelning') && allowedDepartments.includes(s('avdelning')!)) f.avdelning = s('avdelning');
  if (s('enhet') && units.includes(s('enhet')!)) f.enhet = s('enhet');
  if (s('roll') && (ROLE_IDS as string[]).includes(s('roll')!)) f.roll = s('roll') as Role;
  if (s('status') && (CATEGORIES as string[]).includes(s('status')!)) f.status = s('status') as Category;
  if (s('manad') && /^\d{4}-(0[1-9]|1[0-2])$/.test(s('manad')!)) f.manad = s('manad');
  if (s('sida') && /^[A-Za-z0-9_-]{1,2000}$/.test(s('sida')!)) f.sida = s('sida');
  return f;
}

export function listQuery(user: SignedIn, f: Filters): string {
  const parts = [f.status ? categoryQuery(f.status) : LISTED];
  parts.push(inList('PlanvaktDepartment', f.avdelning ? [f.avdelning] : user.departments));
  if (f.enhet) parts.push(`PlanvaktUnit = ${quote(f.enhet)}`);
  if (f.roll) parts.push(`PlanvaktOwnerRoles = ${quote(f.roll)}`);
  if (f.manad) {
    const [y, m] = f.manad.split('-').map(Number) as [number, number];
    const next = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
    parts.push(`PlanvaktDeadline >= '${f.manad}-01T00:00:00Z' AND PlanvaktDeadline < '${next}-01T00:00:00Z'`);
  }
  return parts.join(' AND ');
}

export function statusLabel(status: string | undefined, overdue: boolean, running = true): string {
  const base = status && status in STATUSES ? STATUSES[status as keyof typeof STATUSES] : 'Ej rapporterad';
  if (overdue && status !== 'done' && running) return `${base} (måldatum passerat)`;
  return base;
}

export function registerDashboard(app: FastifyInstance, ctx: AppContext) {
  app.get<{ Querystring: Record<string, string> }>('/', async (req, reply) => {
    const user = req.user!;
    if (user.departments.length === 0) return reply.redirect('/kalender', 303);
    const org = await ctx.organisation();
    const depts = org.departments.filter((d) => user.departments.includes(d.id));
    const units = depts.flatMap((d) => d.units.map((u) => ({ ...u, department: d.id })));
    const f = cleanFilters(
      req.query,
      user.departments,
      units.map((u) => u.id),
    );
    const query = listQuery(user, f);

    // Everything at once: the counts, and the list page followed by its activities' texts.
    const unfiltered = !f.avdelning && !f.enhet && !f.roll && !f.status && !f.manad;
    const countsP = departmentCounts(ctx, user.departments);
    const pageP = listPage(ctx.client, ctx.namespace, query, PAGE_SIZE, f.sida);
    const textsP = pageP.then((p) =>
      views(
        ctx.client,
        p.rows.map((r) => r.activityId),
      ),
    );
    // Unfiltered, the list is exactly the departments' totals: no extra count query.
    const matchingP = unfiltered
      ? countsP.then((c) => [...c.values()].reduce((sum, x) => sum + x.total, 0))
      : count(ctx.client, query);
    const [counts, page, matching, texts] = await Promise.all([countsP, pageP, matchingP, textsP]);
    const deptName = new Map(org.departments.map((d) => [d.id, d.name]));
    const unitName = new Map(units.map((u) => [u.id, u.name]));
    const frame = pageFor(ctx, req, reply);
    const cols = [...CATEGORIES, 'upcoming'] as const;

    const summary = html`<section aria-labelledby="per-avdelning"><h2 id="per-avdelning">Per avdelning</h2>
<p class="meta">Trafikljus: ${LIGHT_RULE}</p>
<table class="counts"><caption>Aktiviteter per avdelning och status</caption>
<thead><tr><th scope="col">Avdelning</th><th scope="col">Trafikljus</th>${cols.map((c) => html`<th scope="col" class="num">${CATEGORY_LABEL[c]}</th>`)}<th scope="col" class="num">Totalt</th></tr></thead>
<tbody>${depts.map((d) => {
      const c = counts.get(d.id)!;
      return html`<tr data-department="${d.id}"><th scope="row"><a href="/${qs({ avdelning: d.id })}">${d.name}</a></th><td>${c.light ? lightBadge(c.light) : html`<span class="meta">Inga aktiviteter</span>`}</td>${cols.map(
        (k) =>
          html`<td class="num">${k === 'upcoming' ? c[k] : html`<a href="/${qs({ avdelning: d.id, status: k })}" aria-label="${d.name}: ${CATEGORY_LABEL[k]} ${c[k]}">${c[k]}</a>`}</td>`,
      )}<td class="num">${c.total}</td></tr>`;
    })}</tbody></table></section>`;

    const select = (name: string, label: string, options: { value: string; label: string }[], current?: string) =>
      html`<div class="field"><label for="f-${name}">${label}</label><select id="f-${name}" name="${name}"><option value="">Alla</option>${options.map(
        (o) => html`<option value="${o.value}"${o.value === current ? html` selected` : ''}>${o.label}</option>`,
      )}</select></div>`;
    const filters = html`<form method="get" action="/" class="filters" aria-label="Filtrera aktiviteter">
${
  depts.length > 1
    ? select(
        'avdelning',
        'Avdelning',
        depts.map((d) => ({ value: d.id, label: d.name })),
        f.avdelning,
      )
    : ''
}
${select(
  'enhet',
  'Enhet',
  units.map((u) => ({ value: u.id, label: u.name })),
  f.enhet,
)}
${select(
  'roll',
  'Ansvarig roll',
  ROLE_IDS.map((r) => ({ value: r, label: ROLES[r] })),
  f.roll,
)}
${select(
  'status',
  'Status',
  CATEGORIES.map((c) => ({ value: c, label: CATEGORY_LABEL[c] })),
  f.status,
)}
<div class="field"><label for="f-manad">Måldatum (månad)</label><input type="month" id="f-manad" name="manad" value="${f.manad ?? ''}" placeholder="ÅÅÅÅ-MM" pattern="\\d{4}-\\d{2}"></div>
<div class="field"><button type="submit">Filtrera</button> <a href="/">Rensa</a></div></form>`;

    const rows = page.rows.map((r) => {
      const v = texts.get(r.activityId);
      const text = v?.activity.text ?? r.activityId;
      return html`<tr><td><a href="${links.activity(r.activityId)}">${text.length > 140 ? `${text.slice(0, 139)}…` : text}</a></td>
<td>${deptName.get(r.department ?? '') ?? r.department ?? ''}${r.unit ? html`<br><span class="meta">${unitName.get(r.unit) ?? r.unit}</span>` : ''}</td>
<td>${r.ownerRoles.map((x) => ROLES[x as Role] ?? x).join(', ')}</td>
<td class="status">${statusLabel(r.status, r.overdue, r.running)}</td>
<td>${r.deadline ?? v?.activity.deadlineRaw ?? '–'}</td></tr>`;
    });
    const list = html`<section aria-labelledby="aktiviteter"><h2 id="aktiviteter">Aktiviteter</h2>
${filters}
<p role="status">${matching} aktiviteter matchar${f.sida ? ' (fortsättning)' : ''}.</p>
<table><caption>Aktiviteter, högst ${PAGE_SIZE} per sida</caption>
<thead><tr><th scope="col">Aktivitet</th><th scope="col">Avdelning / enhet</th><th scope="col">Ansvariga roller</th><th scope="col">Status</th><th scope="col">Måldatum</th></tr></thead>
<tbody>${rows.length ? rows : html`<tr><td colspan="5">Inga aktiviteter matchar. ${user.admin ? html`<a href="/importera">Importera en plan</a>.` : ''}</td></tr>`}</tbody></table>
<p class="pager">${f.sida ? html`<a href="/${qs({ ...f, sida: undefined })}">Till första sidan</a>` : ''}${page.next ? html`<a href="/${qs({ ...f, sida: page.next })}">Nästa sida</a>` : ''}</p></section>`;

    const ui =
      user.admin && ctx.temporalUiUrl
        ? html`<p class="meta"><a href="${ctx.temporalUiUrl}/namespaces/${encodeURIComponent(ctx.namespace)}/workflows">Temporal UI</a> visar varje aktivitets arbetsflöde.</p>`
        : '';
    return frame.send({ title: 'Översikt', active: '/', body: html`${summary}${list}${ui}` });
  });
}
