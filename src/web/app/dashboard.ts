/**
 * Översikt: per department a traffic light and counts, then a list filterable by department,
 * unit, owner role, status and deadline month. Everything comes from Temporal visibility (the
 * search attributes the lifecycles keep up to date): the counts from one shared snapshot of every
 * listed lifecycle (overview-snapshot.ts), the list as one page of 50 (and one count when filtered);
 * the activities' texts come from their workflows' `state` query, 50 at a time.
 */
import type { FastifyInstance } from 'fastify';
import { addDays, stockholmDate, TIME_ZONE } from '../../calendar';
import { html, LIGHT_RULE, links, plural, qs, ROLE_IDS, ROLES, STATUSES, type Role } from '../../domain';
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
  views,
  type Category,
} from './visibility';
import { countByDepartment, readSnapshot, SharedSnapshot, type DepartmentCounts } from './overview-snapshot';

const PAGE_SIZE = 50;
const SIGNED_IN = { config: { access: 'signed-in' as const } };

/**
 * The counts come from one snapshot of every listed lifecycle (overview-snapshot.ts), shared for a
 * few seconds (`countsCacheMs`, 5 s by default) by everyone who looks and read once however many
 * look at the same moment. Changes made in the app (a status, an import, new rules) clear it at
 * once; a check-in shows within those seconds.
 */
const snapshots = new WeakMap<AppContext, SharedSnapshot>();

function snapshotOf(ctx: AppContext): SharedSnapshot {
  let shared = snapshots.get(ctx);
  if (!shared) snapshots.set(ctx, (shared = new SharedSnapshot(() => readSnapshot(ctx.client, ctx.namespace))));
  return shared;
}

export function invalidateCounts(ctx: AppContext) {
  snapshots.get(ctx)?.clear();
}

export async function departmentCounts(
  ctx: AppContext,
  departments: string[],
): Promise<{ at: number; counts: Map<string, DepartmentCounts> }> {
  const snapshot = await snapshotOf(ctx).get(ctx.settings.countsCacheMs ?? 5_000);
  const today = stockholmDate(ctx.planNow().toISOString());
  return { at: snapshot.at, counts: countByDepartment(snapshot.rows, departments, today, addDays(today, 30)) };
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

/** A real instant as Stockholm's wall clock, to the second (how fresh the numbers are). */
function stockholmClock(ms: number): string {
  return new Intl.DateTimeFormat('sv-SE', { timeZone: TIME_ZONE, timeStyle: 'medium' }).format(ms);
}

export function statusLabel(status: string | undefined, overdue: boolean, running = true): string {
  const base = status && status in STATUSES ? STATUSES[status as keyof typeof STATUSES] : 'Ej rapporterad';
  if (overdue && status !== 'done' && running) return `${base} (måldatum passerat)`;
  return base;
}

export function registerDashboard(app: FastifyInstance, ctx: AppContext) {
  app.get<{ Querystring: Record<string, string> }>('/', SIGNED_IN, async (req, reply) => {
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
      ? countsP.then((c) => [...c.counts.values()].reduce((sum, x) => sum + x.total, 0))
      : count(ctx.client, query);
    const [{ at, counts }, page, matching, texts] = await Promise.all([countsP, pageP, matchingP, textsP]);
    const deptName = new Map(org.departments.map((d) => [d.id, d.name]));
    const unitName = new Map(units.map((u) => [u.id, u.name]));
    const frame = pageFor(ctx, req, reply);
    const cols = [...CATEGORIES, 'upcoming'] as const;

    const summary = html`<section aria-labelledby="per-avdelning"><h2 id="per-avdelning">Per avdelning</h2>
<p class="meta">Trafikljus: ${LIGHT_RULE}</p>
<p class="meta" id="counts-at">Siffrorna gäller kl ${stockholmClock(at)}.</p>
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
<p role="status">${plural(matching, 'aktivitet', 'aktiviteter')} matchar${f.sida ? ' (fortsättning)' : ''}.</p>
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
