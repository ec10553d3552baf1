/**
 * Översikt's list without Temporal: which of the shared snapshot's activities a filter and a search
 * keep, in which order, and which page of them is shown. The page, the page numbers and the export
 * all come from here, so the export holds exactly the rows the pages show, in their order. Pure.
 */
import { ROLE_IDS, type Role } from '../../domain';
import { categoryOf } from './overview-snapshot';
import { CATEGORIES, type Category, type ListedActivity } from './visibility';

/** Rows per page on Översikt. */
export const PAGE_SIZE = 50;

export const SORT_KEYS = ['aktivitet', 'avdelning', 'ansvariga', 'status', 'maldatum'] as const;
export type SortKey = (typeof SORT_KEYS)[number];
export type SortOrder = 'stigande' | 'fallande';

/** Only values from fixed sets (or a date pattern, a page number, a bounded search text) pass. */
export interface Filters {
  avdelning?: string;
  enhet?: string;
  roll?: Role;
  status?: Category;
  manad?: string;
  /** Free text, matched against the activity's text and its owners (roles and the people holding them). */
  sok?: string;
  sortera?: SortKey;
  ordning?: SortOrder;
  /** 1-based; absent is the first page. */
  sida?: number;
}

/** The longest search text kept (a sentence of an activity is enough to find it). */
const MAX_SEARCH = 200;

/** Anything else in the query string is dropped; a department outside `allowedDepartments` too. */
export function cleanFilters(q: Record<string, unknown>, allowedDepartments: string[], units: string[]): Filters {
  const s = (k: string) => (typeof q[k] === 'string' ? (q[k] as string) : undefined);
  const f: Filters = {};
  if (s('avdelning') && allowedDepartments.includes(s('avdelning')!)) f.avdelning = s('avdelning');
  if (s('enhet') && units.includes(s('enhet')!)) f.enhet = s('enhet');
  if (s('roll') && (ROLE_IDS as string[]).includes(s('roll')!)) f.roll = s('roll') as Role;
  if (s('status') && (CATEGORIES as string[]).includes(s('status')!)) f.status = s('status') as Category;
  if (s('manad') && /^\d{4}-(0[1-9]|1[0-2])$/.test(s('manad')!)) f.manad = s('manad');
  const sok = s('sok')
    ?.replace(/[\p{Cc}\p{Cf}]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, MAX_SEARCH);
  if (sok) f.sok = sok;
  if (s('sortera') && (SORT_KEYS as readonly string[]).includes(s('sortera')!)) f.sortera = s('sortera') as SortKey;
  if (s('ordning') === 'fallande' || s('ordning') === 'stigande') f.ordning = s('ordning') as SortOrder;
  if (s('sida') && /^[1-9]\d{0,5}$/.test(s('sida')!)) f.sida = Number(s('sida'));
  return f;
}

/** The filters as a query string's values, for links that keep them (`qs`). */
export function filterParams(f: Filters): Record<string, string | number | undefined> {
  return {
    avdelning: f.avdelning,
    enhet: f.enhet,
    roll: f.roll,
    status: f.status,
    manad: f.manad,
    sok: f.sok,
    sortera: f.sortera,
    ordning: f.ordning,
    sida: f.sida && f.sida > 1 ? f.sida : undefined,
  };
}

/** Whether a filter narrows the list (search included); sorting and paging do not. */
export function narrows(f: Filters): boolean {
  return Boolean(f.avdelning || f.enhet || f.roll || f.status || f.manad || f.sok);
}

/**
 * Text for searching. Case never matters, nor do accents such as é or ü ("ide" finds "idé"); å, ä
 * and ö are letters of their own in Swedish, so a search that types them finds only them ("för"
 * does not find "for"), while one without them finds both ("forskola" finds "förskola", for a
 * keyboard without them).
 */
export function searchForm(text: string, keepSwedishLetters: boolean): string {
  let t = text.normalize('NFC').toLocaleLowerCase('sv');
  if (keepSwedishLetters) t = t.replace(/[åäö]/g, (c) => SWEDISH_MARK[c]!);
  t = t.normalize('NFD').replace(/\p{M}/gu, '');
  if (keepSwedishLetters) t = t.replace(/[\u0001-\u0003]/g, (c) => SWEDISH_UNMARK[c]!);
  return t;
}
const SWEDISH_MARK: Record<string, string> = { å: '\u0001', ä: '\u0002', ö: '\u0003' };
const SWEDISH_UNMARK: Record<string, string> = { '\u0001': 'å', '\u0002': 'ä', '\u0003': 'ö' };

/** One row of the list as shown: the snapshot's attributes with the names and texts looked up. */
export interface OverviewRow {
  listed: ListedActivity;
  /** The activity's text; undefined when its lifecycle did not answer (the page shows its id). */
  text?: string;
  department: string;
  unit?: string;
  /** The owners' roles in words, in the plan's order. */
  ownerRoles: string[];
  /** The people the organisation gives those roles for the activity, by name. */
  ownerNames: string[];
  status: string;
  /** ISO date, or the plan's own words when it has no date. */
  deadline?: string;
}

/** Every word of the search is somewhere in the activity's text or its owners (roles or names). */
export function matchesSearch(row: OverviewRow, search: string | undefined): boolean {
  if (!search) return true;
  const words = search.split(' ').filter(Boolean);
  const haystack = [row.text ?? '', ...row.ownerRoles, ...row.ownerNames].join('\n');
  const folded = searchForm(haystack, false);
  const swedish = searchForm(haystack, true);
  return words.every((w) =>
    /[åäöÅÄÖ]/.test(w) ? swedish.includes(searchForm(w, true)) : folded.includes(searchForm(w, false)),
  );
}

/**
 * The same selection as the list's visibility query was: listed (followed up, or Klar), in the
 * avdelningar the person sees (or the one chosen), and the chosen enhet, role, category and month.
 * The category is the one the counts use (`categoryOf`), so the list and the numbers agree.
 */
export function matchesFilters(row: ListedActivity, f: Filters, departments: readonly string[]): boolean {
  const category = categoryOf(row);
  if (!category) return false;
  if (!row.department || !(f.avdelning ? [f.avdelning] : departments).includes(row.department)) return false;
  if (f.enhet && row.unit !== f.enhet) return false;
  if (f.roll && !row.ownerRoles.includes(f.roll)) return false;
  if (f.status && category !== f.status) return false;
  if (f.manad && !row.deadline?.startsWith(`${f.manad}-`)) return false;
  return true;
}

const collator = new Intl.Collator('sv', { numeric: true, sensitivity: 'base' });

/** Compares by the chosen column; ties by Måldatum, then text, then id, so the order never depends on chance. */
export function compareRows(key: SortKey): (a: OverviewRow, b: OverviewRow) => number {
  const byDeadline = (a: OverviewRow, b: OverviewRow) => {
    // Rows without a date come last in ascending order.
    if (!a.listed.deadline || !b.listed.deadline) return (a.listed.deadline ? 0 : 1) - (b.listed.deadline ? 0 : 1);
    return a.listed.deadline < b.listed.deadline ? -1 : a.listed.deadline > b.listed.deadline ? 1 : 0;
  };
  const primary: Record<SortKey, (a: OverviewRow, b: OverviewRow) => number> = {
    aktivitet: (a, b) => collator.compare(a.text ?? '', b.text ?? ''),
    avdelning: (a, b) => collator.compare(a.department, b.department) || collator.compare(a.unit ?? '', b.unit ?? ''),
    ansvariga: (a, b) => collator.compare(a.ownerRoles.join(', '), b.ownerRoles.join(', ')),
    status: (a, b) => collator.compare(a.status, b.status),
    maldatum: byDeadline,
  };
  return (a, b) =>
    primary[key](a, b) ||
    byDeadline(a, b) ||
    collator.compare(a.text ?? '', b.text ?? '') ||
    (a.listed.activityId < b.listed.activityId ? -1 : a.listed.activityId > b.listed.activityId ? 1 : 0);
}

/** Sorted as chosen; by Måldatum, earliest first, when nothing is chosen. */
export function sortRows(rows: readonly OverviewRow[], f: Pick<Filters, 'sortera' | 'ordning'>): OverviewRow[] {
  const compare = compareRows(f.sortera ?? 'maldatum');
  const sign = f.ordning === 'fallande' ? -1 : 1;
  return [...rows].sort((a, b) => sign * compare(a, b));
}

export interface Paged<T> {
  rows: T[];
  /** 1-based, clamped to the pages there are. */
  page: number;
  pages: number;
  /** The first row's place in the whole list (1-based; 0 when empty) and the last's. */
  from: number;
  to: number;
}

export function pageOf<T>(rows: readonly T[], page = 1, size = PAGE_SIZE): Paged<T> {
  const pages = Math.max(1, Math.ceil(rows.length / size));
  const current = Math.min(Math.max(1, page), pages);
  const start = (current - 1) * size;
  const shown = rows.slice(start, start + size);
  return { rows: shown, page: current, pages, from: shown.length ? start + 1 : 0, to: start + shown.length };
}

/**
 * The page numbers to offer: all of them up to nine pages; beyond that the first, the last, and
 * two on each side of the current one, with `null` where numbers are left out.
 */
export function pageNumbers(page: number, pages: number): (number | null)[] {
  if (pages <= 9) return Array.from({ length: pages }, (_, i) => i + 1);
  const wanted = new Set([1, pages, ...[-2, -1, 0, 1, 2].map((d) => page + d)].filter((n) => n >= 1 && n <= pages));
  const sorted = [...wanted].sort((a, b) => a - b);
  const out: (number | null)[] = [];
  sorted.forEach((n, i) => {
    if (i > 0 && n - sorted[i - 1]! > 1) out.push(null);
    out.push(n);
  });
  return out;
}
