/**
 * Översikt: per department a traffic light and counts, then a list filterable by department,
 * unit, owner role, status and deadline month, searchable over the activities' texts and owners,
 * sortable by every column, in numbered pages of 50, and exportable (every page of the filter) to
 * Excel and CSV. Counts and list come from one shared snapshot of every listed lifecycle's search
 * attributes (overview-snapshot.ts), so neither a page, a search, a sort nor an export makes a
 * visibility call of its own (a real cluster allows 10 a second per namespace); the activities'
 * texts come from their workflows' `state` query, kept for a while (`ActivityTexts`); the owners
 * from the roles in the search attributes and the organisation.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { addDays, stockholmDate, TIME_ZONE } from '../../calendar';
import {
  html,
  LIGHT_RULE,
  links,
  plural,
  qs,
  ROLE_IDS,
  ROLES,
  ROUTES,
  STATUSES,
  type Role,
  type SafeHtml,
} from '../../domain';
import { resolveRecipients, type Organisation, type SignedIn } from '../../organisation';
import type { AppContext } from './context';
import { lightBadge, pageFor } from './layout';
import { CATEGORIES, CATEGORY_LABEL, views, type ListedActivity } from './visibility';
import {
  ActivityTexts,
  countByDepartment,
  readSnapshot,
  SharedSnapshot,
  type ActivityText,
  type DepartmentCounts,
  type OverviewSnapshot,
} from './overview-snapshot';
import {
  cleanFilters,
  filterParams,
  matchesFilters,
  matchesSearch,
  narrows,
  pageNumbers,
  pageOf,
  PAGE_SIZE,
  sortRows,
  type Filters,
  type OverviewRow,
  type SortKey,
} from './overview-list';
import { overviewCsv, overviewXlsx } from './overview-export';

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

const texts = new WeakMap<AppContext, ActivityTexts>();

function textsOf(ctx: AppContext): ActivityTexts {
  let shared = texts.get(ctx);
  if (!shared) {
    shared = new ActivityTexts(async (ids) => {
      const found = await views(ctx.client, ids, 5_000);
      return new Map(
        [...found].map(([id, v]): [string, ActivityText] => [
          id,
          { text: v.activity.text, deadlineRaw: v.activity.deadlineRaw },
        ]),
      );
    });
    texts.set(ctx, shared);
  }
  return shared;
}

/**
 * A change made in the app (a status, an import, new owners, new rules) shows at the next look:
 * the snapshot is read again, and the texts are asked for again (searched as they were meanwhile).
 */
export function invalidateCounts(ctx: AppContext) {
  snapshots.get(ctx)?.clear();
  texts.get(ctx)?.markStale();
}

export async function departmentCounts(
  ctx: AppContext,
  departments: string[],
): Promise<{ at: number; counts: Map<string, DepartmentCounts>; snapshot: OverviewSnapshot }> {
  const snapshot = await snapshotOf(ctx).get(ctx.settings.countsCacheMs ?? 5_000);
  const today = stockholmDate(ctx.planNow().toISOString());
  return {
    at: snapshot.at,
    counts: countByDepartment(snapshot.rows, departments, today, addDays(today, 30)),
    snapshot,
  };
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

/** "1 aktivitet", "2 aktiviteter". */
const activities = (n: number) => `${n} ${n === 1 ? 'aktivitet' : 'aktiviteter'}`;

const COLUMNS: { key: SortKey; label: string }[] = [
  { key: 'aktivitet', label: 'Aktivitet' },
  { key: 'avdelning', label: 'Avdelning / enhet' },
  { key: 'ansvariga', label: 'Ansvariga' },
  { key: 'status', label: 'Status' },
  { key: 'maldatum', label: 'Måldatum' },
];

interface OverviewList {
  at: number;
  counts: Map<string, DepartmentCounts>;
  filters: Filters;
  /** Every row of the filter and search, in the chosen order (what the export holds). */
  rows: OverviewRow[];
  depts: Organisation['departments'];
  units: { id: string; name: string; department: string }[];
  /** Activities of the filter whose text is still being read (a search or sort by text leaves them out or first). */
  textsMissing: number;
}

/** How long a page waits for texts before it shows what it has; an export waits longer. */
const PAGE_WAIT_MS = 4_000;
const EXPORT_WAIT_MS = 120_000;

/**
 * The list for one person: the snapshot's rows in her avdelningar through the filter, the search
 * and the order. `every`: the texts of every row of the filter are fetched (to export), as they
 * are for a search or a sort by text; otherwise only those of the page shown.
 */
async function overviewList(
  ctx: AppContext,
  user: SignedIn,
  query: Record<string, unknown>,
  every: boolean,
): Promise<OverviewList> {
  const org = await ctx.organisation();
  const depts = org.departments.filter((d) => user.departments.includes(d.id));
  const units = depts.flatMap((d) => d.units.map((u) => ({ id: u.id, name: u.name, department: d.id })));
  const f = cleanFilters(
    query,
    user.departments,
    units.map((u) => u.id),
  );
  const { at, counts, snapshot } = await departmentCounts(ctx, user.departments);
  const deptName = new Map(org.departments.map((d) => [d.id, d.name]));
  const unitName = new Map(units.map((u) => [u.id, u.name]));
  const toRow = (listed: ListedActivity, t?: ActivityText): OverviewRow => {
    const department = listed.department ?? '';
    return {
      listed,
      ...(t ? { text: t.text } : {}),
      department: deptName.get(department) ?? department,
      ...(listed.unit ? { unit: unitName.get(listed.unit) ?? listed.unit } : {}),
      ownerRoles: listed.ownerRoles.map((r) => ROLES[r as Role] ?? r),
      ownerNames: holders(org, listed),
      status: statusLabel(listed.status, listed.overdue, listed.running),
      ...(listed.deadline || t?.deadlineRaw ? { deadline: listed.deadline ?? t?.deadlineRaw } : {}),
    };
  };
  const chosen = snapshot.rows.filter((r) => matchesFilters(r, f, user.departments));
  // A search or a sort by text needs every text of the filter; an export waits for them all.
  const wholeList = every || Boolean(f.sok) || f.sortera === 'aktivitet';
  const known = wholeList
    ? await textsOf(ctx).get(
        chosen.map((r) => r.activityId),
        every ? EXPORT_WAIT_MS : PAGE_WAIT_MS,
      )
    : { texts: new Map<string, ActivityText>(), missing: 0 };
  let rows = sortRows(
    chosen.map((r) => toRow(r, known.texts.get(r.activityId))).filter((r) => matchesSearch(r, f.sok)),
    f,
  );
  if (!wholeList) {
    // The rows shown with their texts as they are now (50 questions at the most); a search has
    // just asked for them with the rest, within the same wait.
    const shown = pageOf(rows, f.sida);
    const found = await textsOf(ctx).get(
      shown.rows.map((r) => r.listed.activityId),
      PAGE_WAIT_MS,
    );
    const start = shown.from - 1;
    rows = rows.map((r, i) =>
      i >= start && i < start + shown.rows.length ? toRow(r.listed, found.texts.get(r.listed.activityId)) : r,
    );
  }
  return { at, counts, filters: f, rows, depts, units, textsMissing: known.missing };
}

/**
 * The people who hold an activity's roles in its avdelning and enhet, found as messages find them;
 * where nobody holds a role, nobody (not the avdelningschef a message would go to instead).
 */
function holders(org: Organisation, listed: ListedActivity): string[] {
  const scope = { department: listed.department ?? '', ...(listed.unit ? { unit: listed.unit } : {}) };
  const names = listed.ownerRoles
    .filter((r): r is Role => r in ROLES)
    .flatMap((role) => {
      const found = resolveRecipients(org, { role, raw: ROLES[role] }, scope);
      return found.gaps.some((g) => g.kind === 'unheld') ? [] : found.people.map((p) => p.name);
    });
  return [...new Set(names)];
}

/** The filter in words, for the export's "Om exporten" sheet. */
function selectionInWords(list: OverviewList): string {
  const f = list.filters;
  const parts = [
    f.avdelning && `avdelning ${list.depts.find((d) => d.id === f.avdelning)?.name ?? f.avdelning}`,
    f.enhet && `enhet ${list.units.find((u) => u.id === f.enhet)?.name ?? f.enhet}`,
    f.roll && `ansvarig roll ${ROLES[f.roll]}`,
    f.status && `status ${CATEGORY_LABEL[f.status]}`,
    f.manad && `måldatum i ${f.manad}`,
    f.sok && `sökning ”${f.sok}”`,
  ].filter(Boolean);
  const scope = list.depts.map((d) => d.name).join(', ');
  return `${parts.length ? parts.join(', ') : 'alla aktiviteter'} (i ${scope}), ${activities(list.rows.length)}`;
}

export function registerDashboard(app: FastifyInstance, ctx: AppContext) {
  app.get<{ Querystring: Record<string, string> }>(ROUTES.overview, SIGNED_IN, async (req, reply) => {
    const user = req.user!;
    if (user.departments.length === 0) return reply.redirect('/kalender', 303);
    const list = await overviewList(ctx, user, req.query, false);
    const { at, counts, depts, units, filters: f, textsMissing } = list;
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
    const filters = html`<form method="get" action="/" class="filters" role="search" aria-label="Sök och filtrera aktiviteter">
<div class="field"><label for="f-sok">Sök i aktivitet och ansvariga</label><input type="search" id="f-sok" name="sok" value="${f.sok ?? ''}" maxlength="200"></div>
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
${f.sortera ? html`<input type="hidden" name="sortera" value="${f.sortera}">` : ''}${f.ordning ? html`<input type="hidden" name="ordning" value="${f.ordning}">` : ''}
<div class="field"><button type="submit">Sök och filtrera</button> <a href="/">Rensa</a></div></form>`;

    const shown = pageOf(list.rows, f.sida);
    const here = filterParams(f);
    const link = (over: Partial<Filters>) => `/${qs(filterParams({ ...f, ...over }))}`;
    const rows = shown.rows.map(
      (
        r,
      ) => html`<tr><td><a href="${links.activity(r.listed.activityId)}">${shortText(r.text ?? r.listed.activityId)}</a></td>
<td>${r.department}${r.unit ? html`<br><span class="meta">${r.unit}</span>` : ''}</td>
<td>${r.ownerRoles.join(', ')}${r.ownerNames.length ? html`<br><span class="meta">${r.ownerNames.join(', ')}</span>` : ''}</td>
<td class="status">${r.status}</td>
<td>${r.deadline ?? '–'}</td></tr>`,
    );
    const sortKey = f.sortera ?? 'maldatum';
    const header = COLUMNS.map((c) => {
      const current = c.key === sortKey;
      const descending = current && f.ordning === 'fallande';
      const next = current && !descending ? 'fallande' : 'stigande';
      return html`<th scope="col"${current ? html` aria-sort="${descending ? 'descending' : 'ascending'}"` : ''}><a href="${link({ sortera: c.key, ordning: next, sida: undefined })}" aria-label="${c.label}, sortera ${next}">${c.label}${current ? html`<span aria-hidden="true"> ${descending ? '▼' : '▲'}</span>` : ''}</a></th>`;
    });
    const pager: SafeHtml | string =
      shown.pages > 1
        ? html`<nav class="pages" aria-label="Sidor">${
            shown.page > 1 ? html`<a href="${link({ sida: shown.page - 1 })}" rel="prev">Föregående</a> ` : ''
          }${pageNumbers(shown.page, shown.pages).map((n) =>
            n === null
              ? html`<span aria-hidden="true">…</span> `
              : n === shown.page
                ? html`<a aria-current="page" href="${link({ sida: n })}">${n}</a> `
                : html`<a href="${link({ sida: n })}" aria-label="Sida ${n}">${n}</a> `,
          )}${shown.page < shown.pages ? html`<a href="${link({ sida: shown.page + 1 })}" rel="next">Nästa</a>` : ''}</nav>`
        : '';
    const exportQuery = qs({ ...here, sida: undefined });
    const n = list.rows.length;
    const exports = n
      ? html`<p class="export"><a href="${links.overviewExport('xlsx', exportQuery)}" download>Exportera till Excel</a> <a href="${links.overviewExport('csv', exportQuery)}" download>Exportera till CSV</a><br><span class="meta">${n === 1 ? 'Exporten innehåller den aktivitet som matchar.' : `Exporten innehåller alla ${n} aktiviteter som matchar, från alla sidor, i samma ordning som listan.`}</span></p>`
      : '';
    const list_ = html`<section aria-labelledby="aktiviteter"><h2 id="aktiviteter">Aktiviteter</h2>
${filters}
<p role="status" id="list-status">${plural(n, 'aktivitet', 'aktiviteter')} matchar${f.sok ? ` sökningen ”${f.sok}”` : ''}.${shown.pages > 1 ? ` Visar ${shown.from}–${shown.to}, sida ${shown.page} av ${shown.pages}.` : ''}</p>
${
  textsMissing
    ? html`<p class="meta" id="texts-pending">Texterna för ${activities(textsMissing)} läses ännu från arbetsflödena; sökningen och sorteringen på aktivitet omfattar dem inte förrän de är lästa. Ladda om sidan om en stund.</p>`
    : ''
}${exports}
<table id="activity-list"><caption>Aktiviteter, högst ${PAGE_SIZE} per sida</caption>
<thead><tr>${header}</tr></thead>
<tbody>${rows.length ? rows : html`<tr><td colspan="5">Inga aktiviteter matchar. ${user.admin && !narrows(f) ? html`<a href="/importera">Importera en plan</a>.` : ''}</td></tr>`}</tbody></table>
${pager}</section>`;

    const ui =
      user.admin && ctx.temporalUiUrl
        ? html`<p class="meta"><a href="${ctx.temporalUiUrl}/namespaces/${encodeURIComponent(ctx.namespace)}/workflows">Temporal UI</a> visar varje aktivitets arbetsflöde.</p>`
        : '';
    return frame.send({ title: 'Översikt', active: '/', body: html`${summary}${list_}${ui}` });
  });

  /** Every row of the page's filter, search and order (all pages), in the person's avdelningar only. */
  const exportAs =
    (format: 'xlsx' | 'csv') =>
    async (req: FastifyRequest<{ Querystring: Record<string, string> }>, reply: FastifyReply) => {
      const user = req.user!;
      if (user.departments.length === 0) return reply.redirect('/kalender', 303);
      const list = await overviewList(ctx, user, req.query, true);
      const today = stockholmDate(ctx.planNow().toISOString());
      const name = `oversikt-${today}.${format}`;
      reply.header('content-disposition', `attachment; filename="${name}"`).header('cache-control', 'no-store');
      if (format === 'csv') return reply.type('text/csv; charset=utf-8').send(overviewCsv(list.rows));
      const about = { selection: selectionInWords(list), readAt: `${today} kl ${stockholmClock(list.at)}` };
      return reply
        .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .send(await overviewXlsx(list.rows, about));
    };
  app.get<{ Querystring: Record<string, string> }>(ROUTES.overviewXlsx, SIGNED_IN, exportAs('xlsx'));
  app.get<{ Querystring: Record<string, string> }>(ROUTES.overviewCsv, SIGNED_IN, exportAs('csv'));
}

/** The list shows the first 140 characters of an activity's text; the export has all of it. */
export function shortText(text: string): string {
  return text.length > 140 ? `${text.slice(0, 139)}…` : text;
}
