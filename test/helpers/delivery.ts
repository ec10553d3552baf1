/**
 * The real lifecycle and personDigest workflows on a time-skipping server, delivering through the
 * real channels (ChannelDelivery → signalWithStart → sendDigest → sendMessage) to servers the
 * test owns on 127.0.0.1. Nothing of Temporal is faked.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createActivities } from '../../src/worker/activities';
import { ChannelDelivery, type DigestDeps } from '../../src/digest';
import { channelsFromEnv, closeChannels } from '../../src/delivery/channels';
import type { Env } from '../../src/delivery/env';
import { MemoryDeliveryLedger, type DeliveryLedger } from '../../src/delivery/ledger';
import { UndeliverableLog } from '../../src/delivery/undeliverable';
import { parseOrganisation } from '../../src/organisation/load';
import type { OrganisationSource } from '../../src/organisation/source';
import { loadRules, type Delivery, type Rules, type RulesFile } from '../../src/rules';
import type { LifecycleActivity } from '../../src/lifecycle';
import { workflowsPath } from '../../src/worker';
import { launchLifecycle, rulesPath, sleepUntilPlanTime } from './lifecycle';

/** A small organisation: Pia heads unit u1 (email and Teams), Olle u2 (email only), Hugo is HR. */
export const TEST_ORGANISATION = `
forvaltning: { id: testby, name: Testby stadsdelsförvaltning }
departments:
  - id: stadsutveckling
    name: Avdelning stadsutveckling
    units:
      - { id: u1, name: Enhet ett }
      - { id: u2, name: Enhet två }
      - { id: u3, name: Enhet tre }
people:
  - { id: frida-chef, name: Frida Förvaltningschef, email: frida@testby.se, roles: [{ role: forvaltningschef }] }
  - { id: ada-avd, name: Ada Avdelningschef, email: ada@testby.se, teamsUpn: ada@testby.se, roles: [{ role: avdelningschef, department: stadsutveckling }] }
  - { id: hugo-hr, name: Hugo HR, email: hugo@testby.se, roles: [{ role: hr, department: stadsutveckling }] }
  - { id: pia-chef, name: Pia Enhetschef, email: pia@testby.se, teamsUpn: pia@testby.se, roles: [{ role: enhetschef, unit: u1 }] }
  - { id: olle-chef, name: Olle Enhetschef, email: olle@testby.se, roles: [{ role: enhetschef, unit: u2 }] }
  - { id: vera-chef, name: Vera Slutat, email: vera@testby.se, active: false, roles: [{ role: enhetschef, unit: u3 }] }
`;

export const testOrganisation = () => parseOrganisation('test-organisation.yaml', TEST_ORGANISATION);

/** The shipped rules without quiet days, and the delivery settings a test wants, for every department. */
export async function testRulesFile(
  delivery: Partial<Delivery> = {},
  changes: Partial<Rules> = {},
): Promise<RulesFile> {
  const file = await loadRules(rulesPath);
  return { ...file, quietDays: [], ...changes, delivery: { ...file.delivery, ...delivery }, departments: {} };
}

export interface DeliveryHarnessOptions {
  /** Channel settings (SMTP_*, GRAPH_*), as the service reads them from the environment. */
  channelsEnv: Env;
  rules: RulesFile;
  ledger?: DeliveryLedger;
  /** Where people are read at send time; the fixed TEST_ORGANISATION when absent. */
  organisation?: OrganisationSource;
  /** The undeliverable log's file; a temporary one when absent. */
  undeliverablePath?: string;
  taskQueue?: string;
}

export class DeliveryHarness {
  deps!: DigestDeps & { undeliverable: UndeliverableLog };
  dir!: string;
  private worker?: Worker;
  private running?: Promise<void>;
  readonly started: string[] = [];

  constructor(
    readonly env: TestWorkflowEnvironment,
    readonly options: DeliveryHarnessOptions,
  ) {}

  get taskQueue(): string {
    return this.options.taskQueue ?? 'delivery-test';
  }

  /** Builds the deps; with `worker: false` a separate process runs the worker (the SIGKILL test). */
  async start({ worker = true } = {}): Promise<void> {
    this.dir = await mkdtemp(join(tmpdir(), 'planvakt-delivery-'));
    const org = testOrganisation();
    this.deps = {
      // A plain client: the time-skipping one locks and unlocks the server's clock around result().
      client: new Client({ connection: this.env.connection }),
      taskQueue: this.taskQueue,
      organisation: this.options.organisation ?? { load: async () => org },
      rules: async () => this.options.rules,
      channels: channelsFromEnv(this.options.channelsEnv),
      ledger: this.options.ledger ?? new MemoryDeliveryLedger(),
      undeliverable: await UndeliverableLog.open(
        this.options.undeliverablePath ?? join(this.dir, 'undeliverable.jsonl'),
      ),
      baseUrl: 'http://planvakt.test',
    };
    if (!worker) return;
    this.worker = await Worker.create({
      connection: this.env.nativeConnection,
      taskQueue: this.taskQueue,
      workflowsPath,
      activities: createActivities({ delivery: new ChannelDelivery(this.deps), digest: this.deps }),
    });
    this.running = this.worker.run();
  }

  async stop(): Promise<void> {
    if (this.worker) {
      this.worker.shutdown();
      await this.running;
    }
    if (this.deps) await closeChannels(this.deps.channels);
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
  }

  async launch(activity: LifecycleActivity, planNow: string, rules: Rules) {
    const launched = await launchLifecycle(this.env, this.taskQueue, activity, planNow, rules);
    this.started.push(launched.handle.workflowId);
    return launched;
  }

  sleepUntil(planInstant: string, timeShiftMs: number): Promise<void> {
    return sleepUntilPlanTime(this.env, planInstant, timeShiftMs);
  }
}

export interface GraphRequest {
  user: string;
  title: string;
  /** The test's own count of requests, in arrival order. */
  n: number;
  status: number;
}

/**
 * Speaks the token endpoint and Graph's sendActivityNotification; `fault` decides each answer
 * from the request's number and user (undefined = 204 accepted), so a test can run a 500 outage
 * or a 429 storm and then recover.
 */
export async function startFaultyGraph() {
  const requests: GraphRequest[] = [];
  const accepted: GraphRequest[] = [];
  const state: {
    fault: (n: number, user: string) => { status: number; headers?: Record<string, string> } | undefined;
  } = { fault: () => undefined };
  const hooks: { onRequest?: () => Promise<void> } = {};
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      if (path !== '/token') await hooks.onRequest?.();
      if (path === '/token') {
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ access_token: 't', expires_in: 3600, token_type: 'Bearer' }));
        return;
      }
      const m = /^\/v1\.0\/users\/([^/]+)\/teamwork\/sendActivityNotification$/.exec(path);
      if (!m) return void res.writeHead(404).end();
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        templateParameters: { name: string; value: string }[];
      };
      const n = requests.length + 1;
      const user = decodeURIComponent(m[1]!);
      const fault = state.fault(n, user);
      const r: GraphRequest = {
        user,
        title: body.templateParameters.find((p) => p.name === 'title')?.value ?? '',
        n,
        status: fault?.status ?? 204,
      };
      requests.push(r);
      if (fault)
        return void res
          .writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers })
          .end('{"error":{"code":"x","message":"injected"}}');
      accepted.push(r);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    accepted,
    state,
    set onRequest(f: (() => Promise<void>) | undefined) {
      hooks.onRequest = f;
    },
    env: {
      GRAPH_TENANT_ID: 't',
      GRAPH_CLIENT_ID: 'c',
      GRAPH_CLIENT_SECRET: 's',
      GRAPH_BASE_URL: url,
      GRAPH_TOKEN_URL: `${url}/token`,
    } as Env,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
