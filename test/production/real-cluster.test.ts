/**
 * Planvakt on a real Temporal cluster (the server production runs, on PostgreSQL), not the CLI's
 * dev server: `planvakt worker` and `planvakt web` as separate OS processes with separate data
 * folders, the way docker-compose.yml runs them. HR imports the kompetensförsörjningsplan through
 * the web app, the lifecycles start on the cluster, and a status Anna reports on the web reaches
 * the cluster's visibility store (PostgreSQL), which Översikt counts from.
 *
 * Needs `node scripts/provision-temporal-server.mjs` and Debian's postgresql (or
 * PLANVAKT_TEST_TEMPORAL_ADDRESS); without them the file is skipped locally and fails in CI.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnPlanvakt, type Spawned } from '../helpers/cli';
import { freePort } from '../helpers/ports';
import { seedPlanPath } from '../helpers/web-app';
import { clusterRoute, startCluster, type ProductionCluster } from './cluster';

const route = clusterRoute();
if (route.kind === 'missing' && process.env.CI)
  throw new Error(`CI must run test/production against a real cluster: ${route.reason}`);

const PLAN = `PlanvaktPlan = 'kompetensforsorjningsplan-2021-2023'`;
const configSource = fileURLToPath(new URL('../../config', import.meta.url));

/** A person's browser over real HTTP: cookies kept, redirects read, not followed. */
class Browser {
  private cookies = new Map<string, string>();
  constructor(private readonly base: string) {}

  private async send(path: string, init: RequestInit = {}) {
    const res = await fetch(this.base + path, {
      ...init,
      redirect: 'manual',
      headers: {
        ...(init.headers as Record<string, string>),
        cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
      },
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      if (value === '' || /max-age=0/i.test(c)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return { status: res.status, location: res.headers.get('location'), body: await res.text() };
  }

  get(path: string) {
    return this.send(path);
  }

  post(path: string, form: Record<string, string>) {
    return this.send(path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
  }

  upload(path: string, fields: Record<string, string>, file: { field: string; name: string; content: string }) {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    form.append(file.field, new Blob([file.content], { type: 'text/plain' }), file.name);
    return this.send(path, { method: 'POST', body: form });
  }

  static csrf(body: string): string {
    const m = /name="_csrf" value="([^"]+)"/.exec(body);
    if (!m) throw new Error('no CSRF token on the page');
    return m[1]!;
  }

  async signIn(personId: string) {
    const page = await this.get('/logga-in');
    const res = await this.post('/logga-in/utveckling', {
      _csrf: Browser.csrf(page.body),
      person: personId,
      till: '/',
    });
    if (res.status !== 303) throw new Error(`sign-in failed: ${res.status} ${res.body.slice(0, 300)}`);
    return this;
  }
}

let cluster: ProductionCluster;
let worker: Spawned;
let web: Spawned;
let base: string;
let workerData: string;
let client: Client;
let connection: Connection;
const folders: string[] = [];
const started = Date.now();

function folder(prefix: string) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  folders.push(dir);
  return dir;
}

describe.skipIf(route.kind === 'missing')('Planvakt on a real Temporal cluster on PostgreSQL', () => {
  beforeAll(async () => {
    cluster = await startCluster();
    const configDir = folder('planvakt-prod-config-');
    cpSync(configSource, configDir, { recursive: true });
    const port = await freePort();
    const common = {
      TEMPORAL_ADDRESS: cluster.address,
      TEMPORAL_NAMESPACE: cluster.namespace,
      // Its own task queue, so an existing shared cluster's other workers never take these tasks.
      TEMPORAL_TASK_QUEUE: `production-${Math.random().toString(36).slice(2, 8)}`,
      PLANVAKT_CONFIG_DIR: configDir,
      PLANVAKT_PORT: String(port),
    };
    // Two processes with two data folders, as on two machines.
    workerData = folder('planvakt-prod-worker-');
    // The worker's delivery ledger in Planvakt's own database on the cluster's PostgreSQL.
    worker = spawnPlanvakt(['worker'], {
      ...common,
      PLANVAKT_DATA_DIR: workerData,
      ...(cluster.databaseUrl ? { DATABASE_URL: cluster.databaseUrl } : {}),
    });
    web = spawnPlanvakt(['web'], { ...common, PLANVAKT_DATA_DIR: folder('planvakt-prod-web-') });
    await Promise.all([worker.waitFor(/\[planvakt\] Ready\./, 180_000), web.waitFor(/\[planvakt\] Ready\./, 180_000)]);
    base = `http://127.0.0.1:${port}`;
    connection = await Connection.connect({ address: cluster.address });
    client = new Client({ connection, namespace: cluster.namespace });
  }, 600_000);

  afterAll(async () => {
    worker?.child.kill('SIGTERM');
    web?.child.kill('SIGTERM');
    await Promise.all([worker?.exited, web?.exited]);
    await connection?.close();
    await cluster?.stop();
    for (const dir of folders) rmSync(dir, { recursive: true, force: true });
    console.log(`[planvakt] test/production: ${cluster?.describe}, ${Math.round((Date.now() - started) / 1000)} s`);
  }, 120_000);

  it('imports the kompetensförsörjningsplan on the web; its 73 lifecycles run on the cluster', async () => {
    const hr = await new Browser(base).signIn('hanna-hrchef');
    const page = await hr.get('/importera');
    const preview = await hr.upload(
      '/importera',
      { _csrf: Browser.csrf(page.body) },
      {
        field: 'plan',
        name: 'kompetensforsorjningsplan-2021-2023.md',
        content: readFileSync(seedPlanPath, 'utf8'),
      },
    );
    expect(preview.status).toBe(200);
    expect(preview.body).toContain('73 nya, 0 ändrade, 0 borttagna');
    const pending = /name="pending" value="([^"]+)"/.exec(preview.body)![1]!;
    const done = await hr.post('/importera/bekrafta', { _csrf: Browser.csrf(preview.body), pending });
    expect(done.status).toBe(200);
    expect(done.body).toContain('Startade 73, uppdaterade 0, avbröt 0');

    // Read from the cluster itself, not through Planvakt: 73 lifecycles, running, in visibility.
    await expect
      .poll(async () => (await client.workflow.count(`${PLAN} AND ExecutionStatus = 'Running'`)).count, {
        timeout: 30_000,
        interval: 500,
      })
      .toBe(73);
    // They ran on the worker process (the SDK's identity is pid@host), not in the web app's.
    const first = await client.workflow.list({ query: PLAN, pageSize: 1 })[Symbol.asyncIterator]().next();
    const handle = client.workflow.getHandle(first.value!.workflowId);
    const identities = async () =>
      (await handle.fetchHistory())
        .events!.map((e) => e.workflowTaskCompletedEventAttributes?.identity)
        .filter((i): i is string => Boolean(i));
    await expect.poll(async () => (await identities()).length, { timeout: 60_000, interval: 500 }).toBeGreaterThan(0);
    for (const identity of await identities()) expect(identity).toMatch(new RegExp(`^${worker.child.pid}@`));
  }, 180_000);

  it("keeps the worker's delivery ledger in PostgreSQL, not in its data folder", async () => {
    if (!cluster.databaseUrl) return; // an existing cluster without PLANVAKT_TEST_DATABASE_URL
    expect(worker.output()).toContain('Delad lagring: PostgreSQL');
    const db = new pg.Client({ connectionString: cluster.databaseUrl });
    await db.connect();
    try {
      const migrations = await db.query('SELECT version FROM planvakt_migrations ORDER BY version');
      // Every migration file, once (src/store/migrations: 0001 … 0004).
      expect(migrations.rows).toEqual([{ version: 1 }, { version: 2 }, { version: 3 }, { version: 4 }]);
    } finally {
      await db.end();
    }
    expect(existsSync(join(workerData, 'delivery-ledger.jsonl'))).toBe(false);
  }, 180_000);

  it('a status Anna reports on the web reaches visibility: Översikt counts it', async () => {
    const anna = await new Browser(base).signIn('anna-avdelning');
    const before = await anna.get('/');
    expect(before.status).toBe(200);
    expect(before.body).toContain('aria-label="Avdelning förskola: Klar 0"');
    const open = (body: string) =>
      ['Pågår', 'Ej påbörjad', 'Försenad', 'Ej rapporterad']
        .map((label) => Number(new RegExp(`aria-label="Avdelning förskola: ${label} (\\d+)"`).exec(body)![1]))
        .reduce((a, b) => a + b, 0);
    const openBefore = open(before.body);
    expect(openBefore).toBeGreaterThan(0);
    const id = /href="\/aktivitet\/([A-Za-z0-9_.-]+)"/.exec(before.body)![1]!;
    const page = await anna.get(`/aktivitet/${id}`);
    const saved = await anna.post(`/aktivitet/${id}/status`, { _csrf: Browser.csrf(page.body), status: 'done' });
    expect(saved.status).toBe(303);
    // Översikt counts from the cluster's visibility store (PostgreSQL), which follows the workflow
    // a moment later.
    await expect
      .poll(async () => (await anna.get('/')).body, { timeout: 30_000, interval: 1_000 })
      .toContain('aria-label="Avdelning förskola: Klar 1"');
    expect(open((await anna.get('/')).body)).toBe(openBefore - 1);
    // Klar can be undone for a while (checkin.undoKlarMinutes), so the lifecycle is still open, Klar.
    const klar = await client.workflow.count(`${PLAN} AND PlanvaktStatus = 'done' AND ExecutionStatus = 'Running'`);
    expect(klar.count).toBe(1);
  }, 180_000);
});
