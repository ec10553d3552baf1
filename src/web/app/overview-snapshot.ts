/**
 * Översikt's numbers from one snapshot of every listed lifecycle's search attributes, shared by
 * everyone who looks. A real Temporal cluster allows 10 visibility calls per second per namespace
 * by default (`frontend.namespaceRPS.visibility`); counting per avdelning and category cost five
 * calls per avdelning and page view (27 for the seed plans), so a handful of viewers at once were
 * throttled for seconds. The snapshot costs one list call per 1,000 activities, made at most once
 * per `countsCacheMs` however many look, and its calls are paced under the namespace's limit.
 */
import type { Client } from '@temporalio/client';
import { lightFor } from '../../domain';
import { LISTED, listPage, type Category, type ListedActivity } from './visibility';

export interface OverviewSnapshot {
  /** When the snapshot was read (real time, ms): the page says how fresh its numbers are. */
  at: number;
  rows: ListedActivity[];
}

export type DepartmentCounts = Record<Category | 'upcoming' | 'total', number> & {
  light?: ReturnType<typeof lightFor>;
};

/**
 * Where a listed activity counts, by the same rules as `categoryQuery`: Klar whether or not its
 * lifecycle is still open (it stays open a while after Klar so the owner can undo); among the open
 * ones, Försenad when reported so or past its Måldatum, then Pågår and Ej påbörjad as reported, and
 * Ej rapporterad for the rest. A finished lifecycle that is not Klar (removed) is not listed.
 */
export function categoryOf(row: ListedActivity): Category | undefined {
  if (row.status === 'done') return 'done';
  if (!row.running) return undefined;
  if (row.status === 'late' || row.overdue) return 'late';
  if (row.status === 'inProgress') return 'inProgress';
  if (row.status === 'notStarted') return 'notStarted';
  return 'notReported';
}

/** Per avdelning: the categories, the open ones due from `today` to `until` (inclusive), the total, the light. */
export function countByDepartment(
  rows: readonly ListedActivity[],
  departments: readonly string[],
  today: string,
  until: string,
): Map<string, DepartmentCounts> {
  const empty = (): DepartmentCounts => ({
    done: 0,
    inProgress: 0,
    notStarted: 0,
    late: 0,
    notReported: 0,
    upcoming: 0,
    total: 0,
  });
  const out = new Map(departments.map((d) => [d, empty()]));
  for (const row of rows) {
    const counts = out.get(row.department ?? '');
    const category = categoryOf(row);
    if (!counts || !category) continue;
    counts[category] += 1;
    counts.total += 1;
    if (row.running && row.deadline && row.deadline >= today && row.deadline <= until) counts.upcoming += 1;
  }
  for (const counts of out.values()) {
    if (counts.total > 0) counts.light = lightFor((counts.done + counts.inProgress) / counts.total);
  }
  return out;
}

/** The largest page a Temporal frontend serves by default (`frontend.visibilityMaxPageSize`). */
const PAGE = 1_000;
/** Half the default per-namespace visibility limit: the calendar feeds and reports need the rest. */
const CALLS_PER_SECOND = 5;

/** Every listed lifecycle, page by page, no faster than CALLS_PER_SECOND. */
export async function readSnapshot(client: Client, namespace: string): Promise<OverviewSnapshot> {
  const at = Date.now();
  const rows: ListedActivity[] = [];
  let token: string | undefined;
  let calls = 0;
  do {
    if (calls > 0) await new Promise((r) => setTimeout(r, 1_000 / CALLS_PER_SECOND));
    const page = await listPage(client, namespace, LISTED, PAGE, token);
    calls += 1;
    rows.push(...page.rows);
    token = page.next;
  } while (token);
  return { at, rows };
}

/**
 * One snapshot per app, read again when older than `maxAgeMs` (0: at every look), and read once
 * however many ask at the same moment. Changes made in the app clear it at once.
 */
export class SharedSnapshot {
  private current?: { at: number; value: Promise<OverviewSnapshot> };

  constructor(private readonly read: () => Promise<OverviewSnapshot>) {}

  get(maxAgeMs: number): Promise<OverviewSnapshot> {
    if (this.current && Date.now() - this.current.at < maxAgeMs) return this.current.value;
    const entry = { at: Date.now(), value: this.read() };
    this.current = entry;
    entry.value.catch(() => {
      if (this.current === entry) this.current = undefined;
    });
    return entry.value;
  }

  clear() {
    this.current = undefined;
  }
}

/** What the list needs of an activity beyond its search attributes: its text, and its Måldatum as the plan words it. */
export interface ActivityText {
  text: string;
  deadlineRaw: string;
}

/** What `ActivityTexts.get` found: a text for each id it could, and how many it has none for yet. */
export interface KnownTexts {
  texts: Map<string, ActivityText>;
  missing: number;
}

/**
 * The activities' texts, which visibility does not hold, by each lifecycle's `state` query (a
 * workflow query to the worker, not a visibility call: it does not count against the namespace's
 * visibility limit, but each costs the worker a replay when the workflow is not in its cache:
 * about 1.5 s per 25 on this loaded 2-core machine, README "Performance"). So they are kept:
 * for `maxAgeMs` (10 minutes) and, when the app changes something (`markStale`), still used for a
 * search while they are asked for again in the background. A call waits at most its budget: the
 * page then searches the texts it has and says how many are still being read; the questions go on
 * and the next look has them. The same id is never asked for twice at once.
 */
export class ActivityTexts {
  private readonly known = new Map<string, { at: number; value: ActivityText; stale: boolean }>();
  private readonly asking = new Map<string, Promise<void>>();

  constructor(
    private readonly query: (ids: string[]) => Promise<Map<string, ActivityText>>,
    private readonly maxAgeMs = 10 * 60_000,
    /** Queries at once: the worker answers each from its cache or by replaying the history. */
    private readonly batch = 25,
  ) {}

  async get(ids: readonly string[], budgetMs: number): Promise<KnownTexts> {
    const now = Date.now();
    const needed = ids.filter((id) => {
      const hit = this.known.get(id);
      return !hit || hit.stale || now - hit.at >= this.maxAgeMs;
    });
    const waits = needed.map((id) => this.asking.get(id)).filter((p): p is Promise<void> => p !== undefined);
    const toAsk = needed.filter((id) => !this.asking.has(id));
    // Batches one after the other: the worker answers 25 at a time, whatever else it does.
    let chain: Promise<void> = Promise.resolve();
    for (let i = 0; i < toAsk.length; i += this.batch) {
      const chunk = toAsk.slice(i, i + this.batch);
      const done: Promise<void> = chain
        .then(() => this.query(chunk))
        .then((found) => {
          for (const [id, value] of found) this.known.set(id, { at: Date.now(), value, stale: false });
        })
        .catch(() => undefined)
        .finally(() => chunk.forEach((id) => this.asking.get(id) === done && this.asking.delete(id)));
      chunk.forEach((id) => this.asking.set(id, done));
      waits.push(done);
      chain = done;
    }
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(waits),
      new Promise((r) => {
        timer = setTimeout(r, budgetMs);
        timer.unref();
      }),
    ]);
    clearTimeout(timer);
    const texts = new Map<string, ActivityText>();
    for (const id of ids) {
      const hit = this.known.get(id);
      if (hit) texts.set(id, hit.value);
    }
    return { texts, missing: ids.length - texts.size };
  }

  /** Something changed in the app: ask again, meanwhile searching what is known. */
  markStale() {
    for (const entry of this.known.values()) entry.stale = true;
  }
}
