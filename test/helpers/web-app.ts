/**
 * The web app on a real Temporal dev server with a real worker, for route tests (app.inject) and
 * the browser tests: a temporary copy of config/ (settings pages write to it) and data dir, the
 * plan's time shifted to January 2022 as the seed plans need, and a cookie jar that signs in
 * through the development sign-in page like a person would.
 */
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyInstance, type LightMyRequestResponse } from 'fastify';
import { Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { RecordingDelivery } from '../../src/domain/notice';
import { createActivities } from '../../src/worker/activities';
import { workflowsPath } from '../../src/worker';
import { registerApp } from '../../src/web/app';
import type { AppContext } from '../../src/web/app/context';
import type { AppSettings } from '../../src/web/app/settings-env';
import { registerCheckin } from '../../src/checkin/page';
import { FileOrganisationSource } from '../../src/organisation';
import { DEV_CHECKIN_SECRET } from '../../src/checkin/token';
import { localEnv } from './temporal';

export const seedPlanPath = fileURLToPath(
  new URL('../../../shared/plans/kompetensforsorjningsplan-2021-2023.md', import.meta.url),
);
const configSource = fileURLToPath(new URL('../../config', import.meta.url));

/** Plan time for the tests: 1 June 2022, a month before many of the seed plan's Måldatum. */
export const PLAN_START = Date.parse('2022-06-01T09:00:00+02:00');

export interface WebHarness {
  env: TestWorkflowEnvironment;
  app: FastifyInstance;
  ctx: AppContext;
  configDir: string;
  taskQueue: string;
  stop(): Promise<void>;
}

/** `settings` is laid over the test defaults (production mode with Entra ID, say). */
export async function startWebHarness(
  opts: { checkin?: boolean; settings?: Partial<AppSettings> } = {},
): Promise<WebHarness> {
  const env = await localEnv();
  const taskQueue = `web-${Math.random().toString(36).slice(2, 8)}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    namespace: 'planvakt',
    taskQueue,
    workflowsPath,
    activities: createActivities({ delivery: new RecordingDelivery() }),
  });
  const running = worker.run();
  const configDir = mkdtempSync(join(tmpdir(), 'planvakt-web-config-'));
  cpSync(configSource, configDir, { recursive: true });
  const dataDir = mkdtempSync(join(tmpdir(), 'planvakt-web-data-'));
  const app = Fastify({ logger: { level: 'warn' } });
  if (opts.checkin) {
    await registerCheckin(app, {
      client: env.client,
      organisation: new FileOrganisationSource(join(configDir, 'organisation.yaml')),
      secret: DEV_CHECKIN_SECRET,
    });
  }
  const ctx = await registerApp(app, {
    temporal: { connection: env.connection, namespace: 'planvakt' },
    delivery: true,
    settings: {
      mode: 'development',
      taskQueue,
      configDir,
      dataDir,
      baseUrl: 'http://127.0.0.1:3000',
      sessionSecret: 'web-test-session-secret-0123456789abcdef',
      timeShiftMs: PLAN_START - Date.now(),
      secureCookies: false,
      ...opts.settings,
    },
  });
  await app.ready();
  return {
    env,
    app,
    ctx,
    configDir,
    taskQueue,
    async stop() {
      await app.close();
      worker.shutdown();
      await running;
      await env.teardown();
    },
  };
}

/** A browser's cookies for app.inject, and the page's CSRF token. */
export class Session {
  private cookies = new Map<string, string>();
  constructor(private readonly app: FastifyInstance) {}

  private remember(res: LightMyRequestResponse) {
    for (const c of res.cookies as { name: string; value: string; maxAge?: number; expires?: Date }[]) {
      if (c.value === '' || c.maxAge === 0 || (c.expires && c.expires.getTime() < Date.now()))
        this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
    return res;
  }

  get cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async get(url: string) {
    return this.remember(await this.app.inject({ method: 'GET', url, headers: { cookie: this.cookieHeader } }));
  }

  /** A form post; a field with several values (checkboxes) as an array. */
  async post(url: string, form: Record<string, string | string[]>) {
    const fields = Object.entries(form).flatMap(([k, v]): [string, string][] =>
      Array.isArray(v) ? v.map((x): [string, string] => [k, x]) : [[k, v]],
    );
    return this.remember(
      await this.app.inject({
        method: 'POST',
        url,
        headers: { cookie: this.cookieHeader, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams(fields).toString(),
      }),
    );
  }

  async upload(
    url: string,
    fields: Record<string, string>,
    file: { field: string; name: string; content: string | Buffer },
  ) {
    const boundary = `----planvakt${Math.random().toString(16).slice(2)}`;
    const parts: Buffer[] = [];
    for (const [k, v] of Object.entries(fields))
      parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${file.field}"; filename="${file.name}"\r\nContent-Type: text/plain\r\n\r\n`,
      ),
    );
    parts.push(Buffer.isBuffer(file.content) ? file.content : Buffer.from(file.content));
    parts.push(Buffer.from(`\r\n--${boundary}--\r\n`));
    return this.remember(
      await this.app.inject({
        method: 'POST',
        url,
        headers: { cookie: this.cookieHeader, 'content-type': `multipart/form-data; boundary=${boundary}` },
        payload: Buffer.concat(parts),
      }),
    );
  }

  /** The CSRF token of a page (every signed-in page has one in its sign-out form). */
  static csrf(body: string): string {
    const m = /name="_csrf" value="([^"]+)"/.exec(body);
    if (!m) throw new Error('no CSRF token on the page');
    return m[1]!;
  }

  async signIn(personId: string) {
    const page = await this.get('/logga-in');
    const res = await this.post('/logga-in/utveckling', {
      _csrf: Session.csrf(page.body),
      person: personId,
      till: '/',
    });
    if (res.statusCode !== 303) throw new Error(`sign-in failed: ${res.statusCode} ${res.body.slice(0, 300)}`);
    return this;
  }
}

/** Visibility is eventually consistent: wait until a count query shows n. */
export async function waitForCount(env: TestWorkflowEnvironment, query: string, n: number, timeoutMs = 20_000) {
  const until = Date.now() + timeoutMs;
  let last = -1;
  while (Date.now() < until) {
    last = (await env.client.workflow.count(query)).count;
    if (last === n) return;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`visibility showed ${last}, not ${n}, for ${query}`);
}

/** HR uploads the kompetensförsörjningsplan on Importera and confirms, as in the browser; its 73 lifecycles run. */
export async function importSeedPlan(h: WebHarness, hr: Session): Promise<void> {
  const page = await hr.get('/importera');
  const preview = await hr.upload(
    '/importera',
    { _csrf: Session.csrf(page.body) },
    { field: 'plan', name: 'kompetensforsorjningsplan-2021-2023.md', content: readFileSync(seedPlanPath, 'utf8') },
  );
  const pending = /name="pending" value="([^"]+)"/.exec(preview.body)?.[1];
  if (!pending) throw new Error(`the upload was not read: ${preview.statusCode} ${preview.body.slice(0, 300)}`);
  const done = await hr.post('/importera/bekrafta', { _csrf: Session.csrf(preview.body), pending });
  if (!done.body.includes('Startade 73')) throw new Error(`the import did not start 73: ${done.body.slice(0, 300)}`);
  await waitForCount(h.env, `PlanvaktPlan = 'kompetensforsorjningsplan-2021-2023' AND ExecutionStatus = 'Running'`, 73);
}
