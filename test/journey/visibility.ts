/**
 * Query-based visibility for the web app on Temporal's time-skipping test server.
 *
 * The test server keeps every execution and its search attributes, and answers the old list
 * calls (ListOpen/ListClosedWorkflowExecutions) and DescribeWorkflowExecution, but it has no
 * SQL-like visibility: ListWorkflowExecutions and CountWorkflowExecutions with a query fail
 * ("Failed to list workflows"). The web app (Översikt, Importera's diff, Rapporter) reads only
 * through those two calls. This wraps the web app's Connection so that exactly these two are
 * answered from the test server's own executions (listed, then described for their search
 * attributes), filtered by the query the app sends. Everything else goes to the server untouched.
 *
 * It evaluates the subset of Temporal's visibility language the app uses: AND, OR, NOT,
 * parentheses, =, !=, <, <=, >, >=, IN (...), keyword lists (`=` means "contains"), datetimes,
 * booleans, `GROUP BY ExecutionStatus`, and ignores `ORDER BY`.
 */
import type { Connection } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import proto from '@temporalio/proto';

type WorkflowService = Connection['workflowService'];
type ExecutionInfo = proto.temporal.api.workflow.v1.IWorkflowExecutionInfo;

const STATUS_NAME: Record<number, string> = {
  1: 'Running',
  2: 'Completed',
  3: 'Failed',
  4: 'Canceled',
  5: 'Terminated',
  6: 'ContinuedAsNew',
  7: 'TimedOut',
};

type Value = string | number | boolean | string[] | undefined;
type Row = { info: ExecutionInfo; fields: Record<string, Value> };

// ---- the query language --------------------------------------------------------------------

type Token = { t: 'id' | 'str' | 'num' | 'op' | 'punct'; v: string };

function tokenize(q: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < q.length) {
    const c = q[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '(' || c === ')' || c === ',') {
      out.push({ t: 'punct', v: c });
      i++;
      continue;
    }
    const two = q.slice(i, i + 2);
    if (two === '>=' || two === '<=' || two === '!=' || two === '<>') {
      out.push({ t: 'op', v: two === '<>' ? '!=' : two });
      i += 2;
      continue;
    }
    if (c === '=' || c === '<' || c === '>') {
      out.push({ t: 'op', v: c });
      i++;
      continue;
    }
    if (c === "'" || c === '"') {
      const end = q.indexOf(c, i + 1);
      if (end < 0) throw new Error(`unterminated string in visibility query: ${q}`);
      out.push({ t: 'str', v: q.slice(i + 1, end) });
      i = end + 1;
      continue;
    }
    const m = /^[A-Za-z_][A-Za-z0-9_.]*|^-?\d+(\.\d+)?/.exec(q.slice(i));
    if (!m) throw new Error(`unexpected '${c}' in visibility query: ${q}`);
    out.push({ t: /^[-\d]/.test(m[0]) ? 'num' : 'id', v: m[0] });
    i += m[0].length;
  }
  return out;
}

type Pred = (r: Row) => boolean;

export interface ParsedQuery {
  where: Pred;
  groupBy?: string;
}

export function parseQuery(query: string): ParsedQuery {
  const tokens = tokenize(query);
  let p = 0;
  const peek = () => tokens[p];
  const kw = (word: string) => peek()?.t === 'id' && peek()!.v.toUpperCase() === word;
  const expect = (v: string) => {
    const t = tokens[p++];
    if (!t || t.v.toUpperCase() !== v) throw new Error(`expected ${v} in visibility query: ${query}`);
  };
  const literal = (): Value => {
    const t = tokens[p++];
    if (!t) throw new Error(`missing value in visibility query: ${query}`);
    if (t.t === 'str') return t.v;
    if (t.t === 'num') return Number(t.v);
    if (t.t === 'id' && /^(true|false)$/i.test(t.v)) return t.v.toLowerCase() === 'true';
    throw new Error(`unexpected ${t.v} as a value in visibility query: ${query}`);
  };

  const comparison = (): Pred => {
    const field = tokens[p++];
    if (!field || field.t !== 'id') throw new Error(`expected a field in visibility query: ${query}`);
    if (kw('IN')) {
      p++;
      expect('(');
      const values: Value[] = [literal()];
      while (peek()?.v === ',') {
        p++;
        values.push(literal());
      }
      expect(')');
      return (r) => values.some((v) => compare(r.fields[field.v], '=', v));
    }
    if (kw('NOT') && tokens[p + 1]?.v.toUpperCase() === 'IN') {
      p += 2;
      expect('(');
      const values: Value[] = [literal()];
      while (peek()?.v === ',') {
        p++;
        values.push(literal());
      }
      expect(')');
      return (r) => !values.some((v) => compare(r.fields[field.v], '=', v));
    }
    const op = tokens[p++];
    if (!op || op.t !== 'op') throw new Error(`expected an operator after ${field.v} in visibility query: ${query}`);
    const value = literal();
    return (r) => compare(r.fields[field.v], op.v, value);
  };
  const unary = (): Pred => {
    if (kw('NOT')) {
      p++;
      const inner = unary();
      return (r) => !inner(r);
    }
    if (peek()?.v === '(') {
      p++;
      const inner = or();
      expect(')');
      return inner;
    }
    return comparison();
  };
  const and = (): Pred => {
    const parts = [unary()];
    while (kw('AND')) {
      p++;
      parts.push(unary());
    }
    return (r) => parts.every((f) => f(r));
  };
  const or = (): Pred => {
    const parts = [and()];
    while (kw('OR')) {
      p++;
      parts.push(and());
    }
    return (r) => parts.some((f) => f(r));
  };

  const where: Pred = tokens.length === 0 || kw('ORDER') || kw('GROUP') ? () => true : or();
  let groupBy: string | undefined;
  if (kw('GROUP')) {
    p++;
    expect('BY');
    groupBy = tokens[p++]?.v;
  }
  if (kw('ORDER')) p = tokens.length;
  if (p !== tokens.length) throw new Error(`unexpected ${tokens[p]!.v} in visibility query: ${query}`);
  return { where, ...(groupBy ? { groupBy } : {}) };
}

function compare(actual: Value, op: string, expected: Value): boolean {
  if (actual === undefined) return op === '!=';
  if (Array.isArray(actual)) {
    if (op === '=') return actual.some((a) => compare(a, '=', expected));
    if (op === '!=') return !actual.some((a) => compare(a, '=', expected));
    return false;
  }
  let a: string | number | boolean = actual;
  let b = expected as string | number | boolean;
  if (
    typeof a === 'string' &&
    typeof b === 'string' &&
    /^\d{4}-\d{2}-\d{2}T/.test(a) &&
    /^\d{4}-\d{2}-\d{2}T/.test(b)
  ) {
    a = Date.parse(a);
    b = Date.parse(b);
  }
  switch (op) {
    case '=':
      return a === b;
    case '!=':
      return a !== b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
    default:
      throw new Error(`operator ${op}`);
  }
}

// ---- the executions ------------------------------------------------------------------------

function decodePayload(p: proto.temporal.api.common.v1.IPayload | null | undefined): Value {
  if (!p?.data || p.data.length === 0) return undefined;
  try {
    const v = JSON.parse(Buffer.from(p.data).toString('utf8')) as unknown;
    if (Array.isArray(v)) return v.map(String);
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
    return undefined;
  } catch {
    return undefined;
  }
}

const ms = (t: { seconds?: unknown; nanos?: number | null } | null | undefined) =>
  t?.seconds == null ? undefined : new Date(Number(t.seconds) * 1000 + Math.floor((t.nanos ?? 0) / 1e6)).toISOString();

function rowOf(info: ExecutionInfo): Row {
  const fields: Record<string, Value> = {
    WorkflowId: info.execution?.workflowId ?? undefined,
    RunId: info.execution?.runId ?? undefined,
    WorkflowType: info.type?.name ?? undefined,
    ExecutionStatus: STATUS_NAME[info.status ?? 0],
    StartTime: ms(info.startTime),
    CloseTime: ms(info.closeTime),
    TaskQueue: info.taskQueue ?? undefined,
  };
  for (const [k, v] of Object.entries(info.searchAttributes?.indexedFields ?? {})) fields[k] = decodePayload(v);
  return { info, fields };
}

/**
 * The connection the web app gets: the test server's, with ListWorkflowExecutions and
 * CountWorkflowExecutions answered as described above.
 */
export function withVisibility(connection: Connection, namespace: string): Connection {
  const service = connection.workflowService;
  // A closed run never changes: described once. Open runs are described on every query.
  const closed = new Map<string, Row>();

  async function listAll(kind: 'open' | 'closed'): Promise<ExecutionInfo[]> {
    const out: ExecutionInfo[] = [];
    let token: Uint8Array | undefined;
    do {
      const res =
        kind === 'open'
          ? await service.listOpenWorkflowExecutions({
              namespace,
              maximumPageSize: 1000,
              ...(token ? { nextPageToken: token } : {}),
            })
          : await service.listClosedWorkflowExecutions({
              namespace,
              maximumPageSize: 1000,
              ...(token ? { nextPageToken: token } : {}),
            });
      out.push(...(res.executions ?? []));
      token = res.nextPageToken && res.nextPageToken.length > 0 ? res.nextPageToken : undefined;
    } while (token);
    return out;
  }

  async function describe(info: ExecutionInfo): Promise<Row> {
    try {
      const d = await service.describeWorkflowExecution({ namespace, execution: info.execution! });
      return rowOf({ ...info, ...(d.workflowExecutionInfo ?? {}) });
    } catch {
      return rowOf(info);
    }
  }

  async function rows(): Promise<Row[]> {
    const [open, done] = await Promise.all([listAll('open'), listAll('closed')]);
    const key = (i: ExecutionInfo) => `${i.execution?.workflowId}/${i.execution?.runId}`;
    const fresh = done.filter((i) => !closed.has(key(i)));
    for (let i = 0; i < fresh.length; i += 50) {
      const described = await Promise.all(fresh.slice(i, i + 50).map(describe));
      described.forEach((r, j) => closed.set(key(fresh[i + j]!), r));
    }
    const openRows: Row[] = [];
    for (let i = 0; i < open.length; i += 50)
      openRows.push(...(await Promise.all(open.slice(i, i + 50).map(describe))));
    // A run listed as open and, a moment later, closed: the closed one wins.
    return [...openRows.filter((r) => !closed.has(key(r.info))), ...done.map((i) => closed.get(key(i))!)];
  }

  const listWorkflowExecutions = async (req: proto.temporal.api.workflowservice.v1.IListWorkflowExecutionsRequest) => {
    const { where } = parseQuery(req.query ?? '');
    const matching = (await rows()).filter(where);
    const offset =
      req.nextPageToken && req.nextPageToken.length > 0 ? Number(Buffer.from(req.nextPageToken).toString('utf8')) : 0;
    const size = req.pageSize && req.pageSize > 0 ? req.pageSize : 1000;
    const page = matching.slice(offset, offset + size);
    const next = offset + size < matching.length ? Buffer.from(String(offset + size)) : Buffer.alloc(0);
    return proto.temporal.api.workflowservice.v1.ListWorkflowExecutionsResponse.create({
      executions: page.map((r) => r.info),
      nextPageToken: next,
    });
  };

  const countWorkflowExecutions = async (
    req: proto.temporal.api.workflowservice.v1.ICountWorkflowExecutionsRequest,
  ) => {
    const { where, groupBy } = parseQuery(req.query ?? '');
    const matching = (await rows()).filter(where);
    const groups = new Map<string, number>();
    if (groupBy)
      for (const r of matching) groups.set(String(r.fields[groupBy]), (groups.get(String(r.fields[groupBy])) ?? 0) + 1);
    // The client reads the Long counts with toNumber().
    const long = (n: number) => ({ toNumber: () => n });
    return {
      count: long(matching.length),
      groups: [...groups].map(([value, count]) => ({
        groupValues: [defaultPayloadConverter.toPayload(value)],
        count: long(count),
      })),
    } as unknown as proto.temporal.api.workflowservice.v1.CountWorkflowExecutionsResponse;
  };

  const wrappedService = new Proxy(service, {
    get(target, prop) {
      if (prop === 'listWorkflowExecutions') return listWorkflowExecutions;
      if (prop === 'countWorkflowExecutions') return countWorkflowExecutions;
      const v = Reflect.get(target, prop, target) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  }) as WorkflowService;

  return new Proxy(connection, {
    get(target, prop) {
      if (prop === 'workflowService') return wrappedService;
      const v = Reflect.get(target, prop, target) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}
