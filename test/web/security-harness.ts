/**
 * The whole Planvakt web server (createWebServer: health, Utkorg, check-in pages and the web app)
 * listening on a port, on a real Temporal dev server with a real worker, and a raw HTTP client
 * that sends paths exactly as written (`/x/../installningar`, `//installningar`), as an attacker's
 * client would; fetch would tidy them first. The organisation gets one person with no role.
 */
import { appendFileSync, cpSync, mkdtempSync } from 'node:fs';
import { request, Agent } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { RecordingDelivery } from '../../src/domain/notice';
import { createActivities } from '../../src/worker/activities';
import { workflowsPath } from '../../src/worker';
import { createWebServer } from '../../src/web/server';
import { FileOrganisationSource } from '../../src/organisation';
import { DEV_CHECKIN_SECRET } from '../../src/checkin/token';
import { localEnv } from '../helpers/temporal';
import { PLAN_START } from '../helpers/web-app';
import { fileURLToPath } from 'node:url';

export const SESSION_SECRET = 'security-test-session-secret-0123456789abcdef';
/** What /health must not show. */
export const TEMPORAL_ADDRESS = 'temporal.internal.example:7233';

export interface SecurityHarness {
  env: TestWorkflowEnvironment;
  app: FastifyInstance;
  base: string;
  configDir: string;
  dataDir: string;
  taskQueue: string;
  stop(): Promise<void>;
}

export async function startSecurityHarness(): Promise<SecurityHarness> {
  const env = await localEnv();
  const taskQueue = `security-${Math.random().toString(36).slice(2, 8)}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    namespace: 'planvakt',
    taskQueue,
    workflowsPath,
    activities: createActivities({ delivery: new RecordingDelivery() }),
  });
  const running = worker.run();
  const configDir = mkdtempSync(join(tmpdir(), 'planvakt-security-config-'));
  cpSync(fileURLToPath(new URL('../../config', import.meta.url)), configDir, { recursive: true });
  // A person of the organisation who holds no role: she may sign in, and see her calendar.
  appendFileSync(
    join(configDir, 'organisation.yaml'),
    '  - id: nils-ingen\n    name: Nils Ingen\n    email: nils.ingen@example.se\n    manager: frida-forvaltare\n',
  );
  const dataDir = mkdtempSync(join(tmpdir(), 'planvakt-security-data-'));
  const app = await createWebServer({
    temporal: { connection: env.connection, address: TEMPORAL_ADDRESS, namespace: 'planvakt' },
    workerState: () => 'RUNNING',
    logLevel: 'error',
    delivery: {
      outbox: join(dataDir, 'outbox.jsonl'),
      undeliverable: join(dataDir, 'undeliverable.jsonl'),
      devOutbox: true,
    },
    app: {
      settings: {
        mode: 'development',
        taskQueue,
        configDir,
        dataDir,
        baseUrl: 'http://127.0.0.1:3000',
        sessionSecret: SESSION_SECRET,
        timeShiftMs: PLAN_START - Date.now(),
        secureCookies: false,
        countsCacheMs: 0,
      },
    },
    checkin: {
      client: env.client,
      organisation: new FileOrganisationSource(join(configDir, 'organisation.yaml')),
      secret: DEV_CHECKIN_SECRET,
      planNow: () => new Date(PLAN_START),
    },
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  return {
    env,
    app,
    base,
    configDir,
    dataDir,
    taskQueue,
    async stop() {
      await app.close();
      worker.shutdown();
      await running;
      await env.teardown();
    },
  };
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  setCookies: string[];
}

const agent = new Agent({ keepAlive: true, maxSockets: 8 });

/** One request with the path sent byte for byte. */
export function raw(
  base: string,
  method: string,
  path: string,
  opts: { cookie?: string; form?: Record<string, string> } = {},
): Promise<RawResponse> {
  const url = new URL(base);
  const body = opts.form ? new URLSearchParams(opts.form).toString() : undefined;
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method,
        path,
        agent,
        headers: {
          ...(opts.cookie ? { cookie: opts.cookie } : {}),
          ...(body !== undefined
            ? { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) }
            : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
            setCookies: res.headers['set-cookie'] ?? [],
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** A browser's cookies over raw HTTP, and its CSRF token. */
export class Browser {
  private cookies = new Map<string, string>();
  csrf = '';
  constructor(private readonly base: string) {}

  get cookie(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private remember(res: RawResponse) {
    for (const c of res.setCookies) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      const name = pair!.slice(0, i);
      const value = pair!.slice(i + 1);
      if (value === '' || /max-age=0/i.test(c) || /expires=Thu, 01 Jan 1970/i.test(c)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const m = /name="_csrf" value="([^"]+)"/.exec(res.body);
    if (m) this.csrf = m[1]!;
    return res;
  }

  async get(path: string) {
    return this.remember(await raw(this.base, 'GET', path, { cookie: this.cookie }));
  }

  async post(path: string, form: Record<string, string>) {
    return this.remember(
      await raw(this.base, 'POST', path, { cookie: this.cookie, form: { _csrf: this.csrf, ...form } }),
    );
  }

  /** The development sign-in, as a person uses it. */
  async signIn(personId: string) {
    await this.get('/logga-in');
    const res = await this.post('/logga-in/utveckling', { person: personId, till: '/kalender' });
    if (res.status !== 303 || res.headers.location !== '/kalender')
      throw new Error(`sign-in as ${personId} failed: ${res.status} ${res.body.slice(0, 200)}`);
    await this.get('/kalender');
    return this;
  }
}
