/**
 * Production mode keeps nothing that must be shared in a local folder: the web app and a worker
 * (`planvakt web`, `planvakt worker`, PLANVAKT_MODE=production) run on the real cluster with the
 * PostgreSQL store, their data folder and config folder read-only (mode 0555; the processes run
 * as the unprivileged user `nobody` when the test runs as root, since root may write anyway). HR
 * signs in through a local OpenID provider (Entra-shaped), imports a plan, saves a rule change on
 * Inställningar and reads a follow-up report the worker wrote; the session, the rule version and
 * the report are in the store, the folders stay as they were.
 *
 * Needs what real-cluster.test.ts needs; skipped locally without it, fails in CI.
 */
import { chmodSync, cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import pg from 'pg';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnPlanvakt, type Spawned } from '../helpers/cli';
import { CHROMIUM_ARGS, chromiumPath } from '../helpers/chromium';
import { signInAtProvider, startLocalOidc, type LocalOidc } from '../helpers/oidc';
import { freePort } from '../helpers/ports';
import { seedPlanPath } from '../helpers/web-app';
import { clusterRoute, startCluster, type ProductionCluster } from './cluster';
import { followUpCycle } from '../../src/follow-up/workflow';
import { followUpInputs, planCycles } from '../../src/follow-up';
import { parsePlan } from '../../src/plan';
import { loadRules, rulesFor } from '../../src/rules';

const route = clusterRoute();
if (route.kind === 'missing' && process.env.CI)
  throw new Error(`CI must run test/production against a real cluster: ${route.reason}`);

const configSource = fileURLToPath(new URL('../../config', import.meta.url));
/** Root writes to a 0555 folder regardless: the processes then run as `nobody`. */
const AS = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : undefined;

let cluster: ProductionCluster;
let oidc: LocalOidc;
let browser: Browser | undefined;
let db: pg.Client | undefined;
let connection: Connection | undefined;
const processes: Spawned[] = [];
const folders: string[] = [];

function folder(prefix: string) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  folders.push(dir);
  return dir;
}

/** Every file under `dir` with its content: what "stayed as it was" is compared on. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true }))
    if (entry.isFile())
      out[join(entry.parentPath, entry.name)] = readFileSync(join(entry.parentPath, entry.name), 'utf8');
  return out;
}

describe.skipIf(route.kind === 'missing')('production mode with a read-only data folder', () => {
  let port: number;
  let base: string;
  beforeAll(async () => {
    port = await freePort();
    base = `http://localhost:${port}`;
    [cluster, oidc] = await Promise.all([
      startCluster(),
      startLocalOidc([`${base}/logga-in/callback`], { 'hanna.hrchef@example.se': 'Hanna HR-chef' }),
    ]);
  }, 600_000);

  afterAll(async () => {
    for (const p of processes) if (p.child.exitCode === null) p.child.kill('SIGTERM');
    await Promise.all(processes.map((p) => p.exited));
    await browser?.close();
    await db?.end().catch(() => undefined);
    await connection?.close();
    await oidc?.stop();
    await cluster?.stop();
    for (const dir of folders) {
      chmodSync(dir, 0o700);
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('HR signs in, imports a plan, saves a rule change and reads a report the worker wrote; nothing is written to the data or config folder', async () => {
    if (!cluster.databaseUrl) return; // an existing cluster without PLANVAKT_TEST_DATABASE_URL
    const dataDir = folder('planvakt-ro-data-');
    const configDir = folder('planvakt-ro-config-');
    cpSync(configSource, configDir, { recursive: true });
    for (const dir of [dataDir, configDir]) chmodSync(dir, 0o555);
    for (const f of readdirSync(configDir)) chmodSync(join(configDir, f), 0o444);
    const before = { data: snapshot(dataDir), config: snapshot(configDir) };
    expect(Object.keys(before.config).length).toBeGreaterThan(1);

    const env = {
      PLANVAKT_MODE: 'production',
      TEMPORAL_ADDRESS: cluster.address,
      TEMPORAL_NAMESPACE: cluster.namespace,
      TEMPORAL_TASK_QUEUE: `read-only-${Math.random().toString(36).slice(2, 8)}`,
      PLANVAKT_DATA_DIR: dataDir,
      PLANVAKT_CONFIG_DIR: configDir,
      PLANVAKT_PORT: String(port),
      PLANVAKT_BASE_URL: base,
      DATABASE_URL: cluster.databaseUrl,
      PLANVAKT_SESSION_SECRET: 'read-only-test-session-secret-0123456789abcdef',
      PLANVAKT_CHECKIN_SECRET: 'read-only-test-checkin-secret-0123456789abcdef',
      NODE_EXTRA_CA_CERTS: oidc.certFile,
      HOME: tmpdir(),
      ...oidc.env(`${base}/logga-in/callback`),
    };
    const worker = spawnPlanvakt(['worker'], env, AS);
    const web = spawnPlanvakt(['web'], env, AS);
    processes.push(worker, web);
    await Promise.all([worker.waitFor(/\[planvakt\] Ready\./, 180_000), web.waitFor(/\[planvakt\] Ready\./, 60_000)]);

    browser = await chromium.launch({
      executablePath: chromiumPath(),
      headless: true,
      // The provider's certificate was made by the test; the app trusts it through NODE_EXTRA_CA_CERTS.
      args: [...CHROMIUM_ARGS, '--ignore-certificate-errors'],
    });
    const page = await (await browser.newContext({ locale: 'sv-SE' })).newPage();

    // Sign-in: the session is the store's.
    await page.goto(`${base}/`);
    expect(new URL(page.url()).pathname).toBe('/logga-in');
    await signInAtProvider(page, oidc.issuer, 'hanna.hrchef@example.se');
    expect(page.url()).toBe(`${base}/`);
    expect(await page.locator('h1').textContent()).toContain('Översikt');
    db = new pg.Client({ connectionString: cluster.databaseUrl });
    db.on('error', () => undefined);
    await db.connect();
    const sessions = await db.query<{ person_id: string }>('SELECT person_id FROM web_sessions');
    expect(sessions.rows.map((r) => r.person_id)).toContain('hanna-hrchef');

    // Import.
    await page.getByRole('navigation').getByRole('link', { name: 'Importera', exact: true }).click();
    await page.getByLabel('Planfil').setInputFiles(seedPlanPath);
    await page.getByRole('button', { name: 'Läs in och jämför' }).click();
    await page.getByRole('button', { name: 'Bekräfta och starta uppföljningen' }).click();
    expect(await page.locator('#import-result').textContent()).toContain('Startade 73');

    // A rule change on Inställningar: saved as version 2 in the store, rolled out to what runs.
    await page.goto(`${base}/installningar`);
    await page.getByLabel('Utskickstid (svensk tid)').fill('07:45');
    await page.getByRole('button', { name: 'Förhandsgranska ändringen' }).first().click();
    await page.getByRole('button', { name: 'Spara och tillämpa' }).click();
    expect(await page.getByRole('status').first().textContent()).toContain('Reglerna är nu version 2, sparad');
    expect(await page.locator('#rollout').textContent()).toMatch(/^\d+ aktiviteter fick de nya reglerna/);
    const versions = await db.query<{ version: number; text: string }>(
      `SELECT version, text FROM config_versions WHERE name = 'rules' ORDER BY version`,
    );
    expect(versions.rows.map((r) => r.version)).toEqual([1, 2]);
    expect(versions.rows[1]!.text).toContain('sendTime: "07:45"');
    // The page shows the saved rule again (read from the store, not the read-only file).
    await page.goto(`${base}/installningar`);
    expect(await page.getByLabel('Utskickstid (svensk tid)').inputValue()).toBe('07:45');

    // A report the worker writes (a follow-up cycle of 2022, long closed, started on the worker's
    // task queue: it closes at once) is read by the web app from the store: its folder is read-only.
    const plan = parsePlan('kompetensforsorjningsplan-2021-2023.md', readFileSync(seedPlanPath, 'utf8')).plan;
    const rulesFile = await loadRules(join(configSource, 'rules.yaml'));
    const input = followUpInputs(plan, rulesFile, new Date('2022-02-01T09:00:00Z'), 0)[0]!;
    const { activities, indicators } = Object.values(input.plans)[0]!;
    const cycle = planCycles({
      department: input.department,
      year: 2022,
      activities,
      indicators,
      rules: rulesFor(rulesFile, input.department),
    })[0]!;
    expect(Date.parse(cycle.occasion.closeAt)).toBeLessThan(Date.now());
    connection = await Connection.connect({ address: cluster.address });
    const client = new Client({ connection, namespace: cluster.namespace });
    await client.workflow.execute(followUpCycle, {
      workflowId: cycle.cycleId,
      taskQueue: env.TEMPORAL_TASK_QUEUE,
      args: [cycle],
    });
    const stored = await db.query<{ cycle_id: string }>('SELECT cycle_id FROM follow_up_reports');
    expect(stored.rows.map((r) => r.cycle_id)).toEqual([cycle.cycleId]);
    await page.goto(`${base}/rapporter`);
    await expect
      .poll(
        async () => {
          await page.reload();
          return page.getByRole('link', { name: `Visa rapporten ${cycle.cycleId}` }).count();
        },
        { timeout: 30_000 },
      )
      .toBe(1);
    await page.getByRole('link', { name: `Visa rapporten ${cycle.cycleId}` }).click();
    expect(await page.locator('h1').textContent()).toContain(`Uppföljning ${cycle.occasion.label}`);

    // Still signed in after all that, and both processes still running.
    await page.goto(`${base}/`);
    expect(await page.locator('body').textContent()).toContain('Hanna HR-chef');
    expect([worker.child.exitCode, web.child.exitCode]).toEqual([null, null]);
    expect({ data: snapshot(dataDir), config: snapshot(configDir) }).toEqual(before);
  }, 420_000);
});
