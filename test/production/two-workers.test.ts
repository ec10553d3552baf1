/**
 * Two workers on a real Temporal cluster, one shared store: the web app and two `planvakt worker`
 * processes, each with its own data folder (as on two machines), all with DATABASE_URL to the
 * cluster's `planvakt` database. HR imports the kompetensförsörjningsplan on the web; a morning of
 * reminders falls due (Monday 2022-11-28, the plan's busiest morning: the web app's plan clock is
 * shifted so its 08:00 comes a minute after the import); one worker is killed with SIGKILL while the
 * morning's reminders are being handed to the digests, and started again. Every digest the pure
 * schedule() implies arrives at the SMTP server exactly once, and both workers sent some. Between the
 * import and the morning HR gives every person a new e-mail address in Inställningar: each process
 * has its own copy of the config folder, so only the shared store can carry the change, and every
 * digest must go to the new address.
 *
 * Needs what real-cluster.test.ts needs; skipped locally without it, fails in CI.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stockholmInstant } from '../../src/calendar';
import { digestWorkflowId } from '../../src/domain/workflow-ids';
import { loadOrganisation } from '../../src/organisation';
import { parsePlan } from '../../src/plan';
import { loadRules } from '../../src/rules';
import { spawnPlanvakt, type Spawned } from '../helpers/cli';
import { freePort } from '../helpers/ports';
import { seedPlanPath } from '../helpers/web-app';
import { startHoldingSmtp, type HoldingSmtp } from '../delivery/servers';
import { clusterRoute, startCluster, type ProductionCluster } from './cluster';
import { morningDigests } from './morning';

const route = clusterRoute();
if (route.kind === 'missing' && process.env.CI)
  throw new Error(`CI must run test/production against a real cluster: ${route.reason}`);

const DAY = '2022-11-28';
/** Plan 08:00 comes this long after the web app is started: its start, the import and HR's change fit in it. */
const LEAD_MS = 90_000;
/** How long a worker keeps HR's organisation and rules before it reads them again (src/cli/service.ts, fresh). */
const WORKER_CONFIG_CACHE_MS = 10_000;
/** Messages the SMTP server accepts before it holds the rest; the kill comes while they are held. */
const HOLD_AFTER = 8;
const configSource = fileURLToPath(new URL('../../config', import.meta.url));
const keyOf = (messageId: string) => /^<([^@]+)@/.exec(messageId)?.[1] ?? messageId;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let cluster: ProductionCluster;
let smtp: HoldingSmtp;
let connection: Connection;
let client: Client;
let db: pg.Client | undefined;
const processes: Spawned[] = [];
const folders: string[] = [];
const started = Date.now();

function folder(prefix: string) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  folders.push(dir);
  return dir;
}

const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", '#x27': "'" };
const unescape = (text: string) => text.replace(/&(amp|lt|gt|quot|#39|#x27);/g, (_, e: string) => entities[e]!);

/** The fields a browser would post from a form: inputs with their values, checked checkboxes as "on". */
function formFields(form: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [, attrs] of form.matchAll(/<input ([^>]*)>/g)) {
    const attr = (n: string) => new RegExp(`\\b${n}="([^"]*)"`).exec(attrs!)?.[1];
    const name = attr('name');
    if (!name) continue;
    if (attr('type') === 'checkbox') {
      if (/\bchecked\b/.test(attrs!)) fields[name] = 'on';
    } else fields[name] = unescape(attr('value') ?? '');
  }
  return fields;
}

function csrf(body: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(body);
  if (!m) throw new Error('no CSRF token on the page');
  return m[1]!;
}

describe.skipIf(route.kind === 'missing')(
  "two workers on a real cluster share one delivery ledger and HR's settings",
  () => {
    beforeAll(async () => {
      [cluster, smtp] = await Promise.all([startCluster(), startHoldingSmtp()]);
      connection = await Connection.connect({ address: cluster.address });
      client = new Client({ connection, namespace: cluster.namespace });
    }, 600_000);

    afterAll(async () => {
      for (const p of processes) if (p.child.exitCode === null) p.child.kill('SIGTERM');
      await Promise.all(processes.map((p) => p.exited));
      await db?.end().catch(() => undefined);
      await connection?.close();
      await smtp?.close();
      await cluster?.stop();
      for (const dir of folders) rmSync(dir, { recursive: true, force: true });
      console.log(`[planvakt] two workers: ${cluster?.describe}, ${Math.round((Date.now() - started) / 1000)} s`);
    }, 120_000);

    it("a morning of reminders after HR's change on the web app, one worker SIGKILLed: every digest exactly once, to the new addresses, both workers sent", async () => {
      if (!cluster.databaseUrl) return; // an existing cluster without PLANVAKT_TEST_DATABASE_URL
      // The shipped rules, but by email (the test has an SMTP server, no Teams), a one-minute
      // gathering window instead of five and a 20-second attempt (an operator's settings in
      // rules.yaml), so the morning and the dead worker's retries fit in CI's time.
      const configDir = folder('planvakt-two-config-');
      cpSync(configSource, configDir, { recursive: true });
      const rulesPath = join(configDir, 'rules.yaml');
      const shipped = readFileSync(rulesPath, 'utf8');
      const edited = shipped
        .replace('preferredChannel: teams', 'preferredChannel: email')
        .replace('# gatherMinutes: 5', 'gatherMinutes: 1')
        .replace(
          '# retry: { maxAttempts: 12, initialIntervalSeconds: 30, fallbackAfterMinutes: 60 }',
          'retry: { initialIntervalSeconds: 5, attemptTimeoutSeconds: 20 }',
        );
      expect(edited).not.toBe(shipped);
      writeFileSync(rulesPath, edited);
      // Each process has its own copy of the config folder, as on its own machine: HR's change on the
      // web app can reach the workers only through the shared store.
      const configOf = (prefix: string) => {
        const dir = folder(prefix);
        cpSync(configDir, dir, { recursive: true });
        return dir;
      };

      const port = await freePort();
      const common = {
        TEMPORAL_ADDRESS: cluster.address,
        TEMPORAL_NAMESPACE: cluster.namespace,
        TEMPORAL_TASK_QUEUE: `two-workers-${Math.random().toString(36).slice(2, 8)}`,
        PLANVAKT_PORT: String(port),
        DATABASE_URL: cluster.databaseUrl,
        SMTP_HOST: '127.0.0.1',
        SMTP_PORT: String(smtp.port),
        MAIL_FROM: 'Planvakt <planvakt@testby.se>',
      };
      const startWorker = (dataDir: string, config: string) => {
        const w = spawnPlanvakt(['worker'], { ...common, PLANVAKT_DATA_DIR: dataDir, PLANVAKT_CONFIG_DIR: config });
        processes.push(w);
        return w;
      };
      const dataA = folder('planvakt-two-a-');
      const configA = configOf('planvakt-two-config-a-');
      const configB = configOf('planvakt-two-config-b-');
      const workerA = startWorker(dataA, configA);
      const workerB = startWorker(folder('planvakt-two-b-'), configB);
      await Promise.all([
        workerA.waitFor(/\[planvakt\] Ready\./, 180_000),
        workerB.waitFor(/\[planvakt\] Ready\./, 180_000),
      ]);

      // Plan 08:00 on DAY is LEAD_MS from now on the real clock.
      const eight = Date.parse(stockholmInstant(DAY, '08:00'));
      const shift = eight - (Date.now() + LEAD_MS);
      const configWeb = configOf('planvakt-two-config-web-');
      const web = spawnPlanvakt(['web'], {
        ...common,
        PLANVAKT_DATA_DIR: folder('planvakt-two-web-'),
        PLANVAKT_CONFIG_DIR: configWeb,
        PLANVAKT_TIME_SHIFT_MS: String(shift),
      });
      processes.push(web);
      await web.waitFor(/\[planvakt\] Ready\./, 60_000);
      const base = `http://127.0.0.1:${port}`;

      // HR signs in and imports the plan through the web app.
      const cookies = new Map<string, string>();
      const send = async (path: string, init: RequestInit = {}) => {
        const res = await fetch(base + path, {
          ...init,
          redirect: 'manual',
          headers: {
            ...(init.headers as Record<string, string>),
            cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; '),
          },
        });
        for (const c of res.headers.getSetCookie()) {
          const [pair] = c.split(';');
          const eq = pair!.indexOf('=');
          cookies.set(pair!.slice(0, eq), pair!.slice(eq + 1));
        }
        return { status: res.status, body: await res.text() };
      };
      const form = (fields: Record<string, string>) => ({
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(fields).toString(),
      });
      const signIn = await send('/logga-in');
      expect(
        (await send('/logga-in/utveckling', form({ _csrf: csrf(signIn.body), person: 'hanna-hrchef', till: '/' })))
          .status,
      ).toBe(303);
      const page = await send('/importera');
      const upload = new FormData();
      upload.append('_csrf', csrf(page.body));
      const planText = readFileSync(seedPlanPath, 'utf8');
      upload.append('plan', new Blob([planText], { type: 'text/plain' }), 'kompetensforsorjningsplan-2021-2023.md');
      const preview = await send('/importera', { method: 'POST', body: upload });
      expect(preview.body).toContain('73 nya, 0 ändrade, 0 borttagna');
      const pending = /name="pending" value="([^"]+)"/.exec(preview.body)![1]!;
      const importedAt = new Date(Date.now() + shift).toISOString();
      const done = await send('/importera/bekrafta', form({ _csrf: csrf(preview.body), pending }));
      expect(done.body).toContain('Startade 73, uppdaterade 0, avbröt 0');

      // HR gives every person a new e-mail address in Inställningar (the organisation form, its
      // preview, Spara). The version goes to the shared store; no process's config folder changes.
      const settings = await send('/installningar');
      const orgForm = /<form method="post" action="\/installningar\/organisation"[\s\S]*?<\/form>/.exec(
        settings.body,
      )?.[0];
      expect(orgForm, 'the organisation form on Inställningar').toBeDefined();
      const fields = formFields(orgForm!);
      let changed = 0;
      for (const [name, value] of Object.entries(fields))
        if (/^p\d+-email$/.test(name) && value.endsWith('@example.se')) {
          fields[name] = value.replace(/@example\.se$/, '@ny.example.se');
          changed++;
        }
      expect(changed).toBeGreaterThan(10);
      const orgPreview = await send('/installningar/organisation', form(fields));
      expect(orgPreview.status).toBe(200);
      const orgPending = /name="pending" value="([^"]+)"/.exec(orgPreview.body)?.[1];
      expect(orgPending, 'the preview offers Spara').toBeDefined();
      const saved = await send('/installningar/spara', form({ _csrf: csrf(orgPreview.body), pending: orgPending! }));
      expect(saved.body).toContain('Organisationen är nu version 2, sparad');
      const untouched = readFileSync(join(configDir, 'organisation.yaml'), 'utf8');
      for (const dir of [configWeb, configA, configB])
        expect(readFileSync(join(dir, 'organisation.yaml'), 'utf8'), dir).toBe(untouched);
      expect(
        Date.now() + shift,
        "the import and HR's change must end before the workers' first read of the morning (raise LEAD_MS)",
      ).toBeLessThan(eight - WORKER_CONFIG_CACHE_MS);

      // What the morning must send, from the plan, the rules and the organisation alone: every
      // digest to the person's new address.
      const before = await loadOrganisation(join(configDir, 'organisation.yaml'));
      const organisation = {
        ...before,
        people: before.people.map((p) =>
          p.email ? { ...p, email: p.email.replace('@example.se', '@ny.example.se') } : p,
        ),
      };
      const expected = morningDigests(
        parsePlan('kompetensforsorjningsplan-2021-2023.md', planText).plan,
        await loadRules(rulesPath),
        organisation,
        importedAt,
        DAY,
      );
      expect(expected.size).toBeGreaterThan(10);
      for (const d of expected.values()) expect(d.email).toMatch(/@ny\.example\.se$/);

      // At 08:01 (the gathering window's end) both workers send the morning's digests. The SMTP
      // server accepts the first HOLD_AFTER and then holds every DATA unanswered; once all the rest
      // are held and the accepted ones are in the ledger, worker A is killed in the middle of its
      // sends: its held messages die with it (never accepted), their claims stay in the ledger. The
      // held ones of worker B are then answered. A's sends are retried when their attempts time out
      // (Temporal), and the retry takes the dead attempt's claim over.
      smtp.state.holdAfter = HOLD_AFTER;
      const ledgerDb = new pg.Client({ connectionString: cluster.databaseUrl });
      db = ledgerDb;
      // The cluster's PostgreSQL stops in afterAll; a failed test must not turn that into an uncaught error.
      ledgerDb.on('error', () => undefined);
      await ledgerDb.connect();
      const sentInLedger = async () =>
        Number(
          (await ledgerDb.query<{ n: string }>(`SELECT count(*) AS n FROM delivery_ledger WHERE state = 'sent'`))
            .rows[0]!.n,
        );
      const t0 = Date.now();
      const seen: string[] = [];
      await expect
        .poll(
          () => {
            const n = smtp.accepted.length + smtp.held.length;
            if (seen.at(-1)?.startsWith(`${n} `) !== true)
              seen.push(`${n} at plan ${new Date(Date.now() + shift).toISOString()} (+${Date.now() - t0} ms)`);
            return n;
          },
          { timeout: 150_000, interval: 100 },
        )
        .toBe(expected.size)
        .catch((err: unknown) => {
          console.log(
            `[planvakt] two workers, messages seen: ${seen.join('; ')}\n${smtp.accepted.map((m) => `${keyOf(m.messageId)} ${m.to}`).join('\n')}`,
          );
          throw err;
        });
      await expect.poll(sentInLedger, { timeout: 10_000, interval: 100 }).toBe(HOLD_AFTER);
      const killedAt = new Date(Date.now() + shift).toISOString();
      const heldAtKill = smtp.held.length;
      workerA.child.kill('SIGKILL');
      await workerA.exited;
      await sleep(1_000); // its SMTP sessions close
      const cutWithA = smtp.discarded.length;
      smtp.release();
      const workerA2 = startWorker(dataA, configA);
      await workerA2.waitFor(/\[planvakt\] Ready\./, 60_000);
      const readyAgainAt = new Date(Date.now() + shift).toISOString();

      // Every expected digest arrives; then a while longer for a duplicate to show.
      await expect
        .poll(() => smtp.accepted.length, { timeout: 150_000, interval: 500 })
        .toBeGreaterThanOrEqual(expected.size);
      await sleep(10_000);

      const arrivals = new Map<string, string[]>();
      for (const m of smtp.accepted)
        arrivals.set(keyOf(m.messageId), [...(arrivals.get(keyOf(m.messageId)) ?? []), m.to]);
      const missing = [...expected.keys()].filter((k) => !arrivals.has(k));
      const duplicates = [...arrivals].filter(([, to]) => to.length > 1).map(([k]) => k);
      const unexpected = [...arrivals.keys()].filter((k) => !expected.has(k));
      expect({ missing, duplicates, unexpected }).toEqual({ missing: [], duplicates: [], unexpected: [] });
      for (const [key, to] of arrivals) expect(to, key).toEqual([expected.get(key)!.email]);

      // The shared ledger holds each as sent, once.
      const ledger = await ledgerDb.query<{ key: string }>(`SELECT key FROM delivery_ledger WHERE state = 'sent'`);
      expect(ledger.rows.map((r) => r.key).sort()).toEqual([...expected.keys()].sort());

      // Who sent each digest: the identity (pid@host) of the worker that completed its sendDigest.
      const senders = new Map<string, number>();
      for (const d of expected.values()) {
        const events = (await client.workflow.getHandle(digestWorkflowId(d.personId, d.date)).fetchHistory()).events!;
        const sendScheduled = new Set(
          events
            .filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'sendDigest')
            .map((e) => String(e.eventId)),
        );
        const completed = events.filter(
          (e) =>
            e.activityTaskCompletedEventAttributes &&
            sendScheduled.has(String(e.activityTaskCompletedEventAttributes.scheduledEventId)),
        );
        expect(completed, d.key).toHaveLength(1);
        const pid = Number(completed[0]!.activityTaskCompletedEventAttributes!.identity!.split('@')[0]);
        senders.set(String(pid), (senders.get(String(pid)) ?? 0) + 1);
      }
      const byB = senders.get(String(workerB.child.pid)) ?? 0;
      const byA2 = senders.get(String(workerA2.child.pid)) ?? 0;
      const byA = senders.get(String(workerA.child.pid)) ?? 0;
      console.log(
        `[planvakt] two workers: ${expected.size} digests expected (${DAY}), ${smtp.accepted.length} arrived; ` +
          `${missing.length} lost, ${duplicates.length} duplicate; sent by worker B ${byB}, restarted worker A ${byA2}, ` +
          `killed worker A ${byA}; at the kill (plan ${killedAt}) ${HOLD_AFTER} accepted and ${heldAtKill} held, ` +
          `${cutWithA} of them cut with worker A; A ready again ${readyAgainAt}`,
      );
      expect(byA + byA2 + byB).toBe(expected.size);
      // Both workers sent, each to the new addresses HR saved on the web app (checked per digest above).
      expect(byB).toBeGreaterThan(0);
      // A was killed in the middle of sending: messages of its own died unanswered with it.
      expect(cutWithA).toBeGreaterThan(0);
      expect(byA + byA2).toBeGreaterThan(0);
    }, 420_000);
  },
);
