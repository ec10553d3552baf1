/**
 * The journey harness: Planvakt wired as `src/cli/service.ts` wires it in production, on
 * Temporal's time-skipping test server, with everything a person touches real:
 *
 * - a worker with the production activities and delivery: ChannelDelivery → personDigest →
 *   sendDigest → the email channel (nodemailer) to a real SMTP server on 127.0.0.1 that keeps and
 *   parses (mailparser) every message it accepts, and the Teams channels (Graph activity feed and
 *   the Workflows webhook) to a local HTTP stand-in that records every request;
 * - the web app (`registerApp`) and the check-in routes (`registerCheckin`) on a loopback port,
 *   a real HTTP server that Chromium opens; the development sign-in; HR's config copied to a
 *   temporary directory; the links in messages use that server's address as PLANVAKT_BASE_URL;
 * - Chromium (Debian's, through playwright-core), one fresh context per person;
 * - time: the seed plan is dated 2021–2023 and the server's clock cannot go back, so the plan's
 *   time is the server's time plus a fixed shift (as `planvakt simulate` and the web tests do),
 *   and `skipTo` skips the server's clock with time-skipping (never a sleep, never a shortened
 *   duration). The web app's and the check-in page's clock follow the server's clock, as they
 *   follow the cluster's in production.
 *
 * One stand-in: the time-skipping server has no query-based visibility, which Översikt, Importera
 * and Rapporter read; `withVisibility` (./visibility.ts) answers those two calls from the test
 * server's own executions and search attributes.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyInstance } from 'fastify';
import { Client } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { ParsedMail } from 'mailparser';
import { createWorker } from '../../src/worker';
import { registerApp } from '../../src/web/app';
import type { AppContext } from '../../src/web/app/context';
import { registerCheckin } from '../../src/checkin/page';
import { checkinSecret } from '../../src/checkin/token';
import { ChannelDelivery, type DigestDeps } from '../../src/digest';
import { channelsFromEnv, closeChannels } from '../../src/delivery/channels';
import { deliveryFiles } from '../../src/delivery/files';
import { FileDeliveryLedger } from '../../src/delivery/ledger';
import { UndeliverableLog } from '../../src/delivery/undeliverable';
import { FileOrganisationSource, loadOrganisation, type Organisation } from '../../src/organisation';
import { loadRules } from '../../src/rules';
import { timeSkippingEnv } from '../helpers/temporal';
import { freePort } from '../helpers/ports';
import { startFakeMicrosoft, startSmtp, type RecordedRequest, type TestHttp, type TestSmtp } from '../delivery/servers';
import { withVisibility } from './visibility';
import { CHROMIUM_ARGS, CHROMIUM_ENV, chromiumPath } from '../helpers/chromium';

const root = fileURLToPath(new URL('../../', import.meta.url));
/** The plans HR holds, beside the project (../shared/plans/). */
export const plansDir = fileURLToPath(new URL('../../../shared/plans/', import.meta.url));
export const seedPlanPath = join(plansDir, 'kompetensforsorjningsplan-2021-2023.md');
const configSource = join(root, 'config');

/** The time-skipping server's namespace. */
const NAMESPACE = 'default';

/** One email as the SMTP server received it, with every link of each part. */
export interface ReceivedEmail {
  /** Arrival order over the whole run (see `Journey.mark`). */
  seq: number;
  to: string[];
  subject: string;
  text: string;
  html: string;
  /** X-Planvakt-Kind: the message's kind (reminder, statusRequest, escalation …). */
  kind: string;
  textLinks: string[];
  htmlLinks: string[];
  /** Both parts' links, each once. */
  links: string[];
  /** The text part cut into one block per activity (the lines from "■ title" to the next blank line). */
  blocks: string[];
}

/** A Teams activity-feed notification as Graph received it. */
export interface FeedNotification {
  seq: number;
  user: string;
  title: string;
  preview: string;
  activityType: string;
  webUrl: string;
}

/** An Adaptive Card posted to a channel's Workflows webhook. */
export interface ChannelCard {
  seq: number;
  path: string;
  texts: string[];
  /** Every Action.OpenUrl: title and url. */
  actions: { title: string; url: string }[];
}

const unique = <T>(xs: T[]) => [...new Set(xs)];
const decodeEntities = (s: string) =>
  s
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&#x2F;/gi, '/');

export function linksInText(text: string): string[] {
  return unique((text.match(/https?:\/\/[^\s<>"')\]]+/g) ?? []).map((u) => u.replace(/[.,;:]+$/, '')));
}

export function linksInHtml(html: string): string[] {
  return unique(
    [...html.matchAll(/href\s*=\s*"([^"]*)"/gi), ...html.matchAll(/href\s*=\s*'([^']*)'/gi)].map((m) =>
      decodeEntities(m[1]!),
    ),
  );
}

function received(mail: ParsedMail, seq: number, envelope: string[]): ReceivedEmail {
  const text = mail.text ?? '';
  const html = typeof mail.html === 'string' ? mail.html : '';
  const textLinks = linksInText(text);
  const htmlLinks = linksInHtml(html);
  const kindHeader = mail.headers.get('x-planvakt-kind');
  return {
    seq,
    to: envelope,
    subject: mail.subject ?? '',
    text,
    html,
    kind: typeof kindHeader === 'string' ? kindHeader : '',
    textLinks,
    htmlLinks,
    links: unique([...textLinks, ...htmlLinks]),
    blocks: text.split(/\n\s*\n/).filter((b) => b.trimStart().startsWith('■')),
  };
}

function openUrlActions(node: unknown, out: { title: string; url: string }[] = [], texts: string[] = []) {
  if (Array.isArray(node)) for (const n of node) openUrlActions(n, out, texts);
  else if (node && typeof node === 'object') {
    const o = node as Record<string, unknown>;
    if (o.type === 'Action.OpenUrl' && typeof o.url === 'string')
      out.push({ title: String(o.title ?? ''), url: o.url });
    if (o.type === 'TextBlock' && typeof o.text === 'string') texts.push(o.text);
    for (const v of Object.values(o)) openUrlActions(v, out, texts);
  }
  return { actions: out, texts };
}

/** How much had arrived at a moment: emails at the SMTP server, requests at the Microsoft stand-in. */
export interface Mark {
  mails: number;
  requests: number;
}
const START: Mark = { mails: 0, requests: 0 };

export interface Journey {
  env: TestWorkflowEnvironment;
  /** A plain client (queries do not move the clock). */
  client: Client;
  /** The web app's address, e.g. http://127.0.0.1:41234; also the base URL of every link. */
  web: string;
  ctx: AppContext;
  configDir: string;
  dataDir: string;
  smtp: TestSmtp;
  microsoft: TestHttp;
  organisation: Organisation;
  /** Plan time = server time + shiftMs (fixed for every workflow the import starts). */
  shiftMs: number;
  /** The plan's time now. */
  planNow(): Promise<Date>;
  /** Skips the server's clock to the plan instant (time-skipping; timers fire, messages go out on the way). */
  skipTo(planInstant: string): Promise<void>;
  /** A position in everything received so far: pass it as `since` to see only what came after. */
  mark(): Mark;
  inbox(personIdOrEmail: string, since?: Mark): ReceivedEmail[];
  allEmails(since?: Mark): ReceivedEmail[];
  teamsMessages(personIdOrUpn: string, since?: Mark): FeedNotification[];
  channelCards(since?: Mark): ChannelCard[];
  /** A new Chromium context (no cookies: a person who has not signed in) with one page. */
  browser(): Promise<Page>;
  /** Signs in on the development sign-in page as the person named, coming back to `till`. */
  signIn(page: Page, personName: string, till?: string): Promise<void>;
  stop(): Promise<void>;
}

export async function startJourney(opts: { planStart: string }): Promise<Journey> {
  const stops: (() => Promise<unknown>)[] = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch(() => undefined);
  };
  try {
    const env = await timeSkippingEnv();
    stops.push(() => env.teardown());
    const client = new Client({ connection: env.connection, namespace: NAMESPACE });

    // HR's config and a data dir of its own.
    const configDir = mkdtempSync(join(tmpdir(), 'planvakt-journey-config-'));
    cpSync(configSource, configDir, { recursive: true });
    const dataDir = mkdtempSync(join(tmpdir(), 'planvakt-journey-data-'));
    stops.push(async () => {
      rmSync(configDir, { recursive: true, force: true });
      rmSync(dataDir, { recursive: true, force: true });
    });
    const organisationPath = join(configDir, 'organisation.yaml');
    const rulesPath = join(configDir, 'rules.yaml');
    const organisation = await loadOrganisation(organisationPath);

    // The mail server and the Microsoft stand-in (token, Graph activity feed, Workflows webhook).
    const smtp = await startSmtp();
    stops.push(() => smtp.close());
    const microsoft = await startFakeMicrosoft();
    stops.push(() => microsoft.close());

    const port = await freePort();
    const web = `http://127.0.0.1:${port}`;
    const taskQueue = 'planvakt-journey';

    // The clock: plan time = server time + shift; the web side follows the server's clock.
    const serverStart = await env.currentTimeMs();
    const shiftMs = Date.parse(opts.planStart) - serverStart;
    let serverOffset = serverStart - Date.now();
    const serverNow = () => new Date(Date.now() + serverOffset);

    // Delivery as production wires it (src/cli/service.ts), channels from the environment it reads.
    const channels = channelsFromEnv({
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(smtp.port),
      MAIL_FROM: 'Planvakt <planvakt@example.se>',
      GRAPH_TENANT_ID: 'tenant',
      GRAPH_CLIENT_ID: 'planvakt',
      GRAPH_CLIENT_SECRET: 'journey-secret',
      GRAPH_BASE_URL: `${microsoft.url}/v1.0`,
      GRAPH_TOKEN_URL: `${microsoft.url}/tenant/token`,
      TEAMS_WEBHOOK_URL: `${microsoft.url}/webhook/planvakt`,
    });
    stops.push(() => closeChannels(channels));
    const files = deliveryFiles(dataDir);
    const ledger = await FileDeliveryLedger.open(files.ledger);
    stops.push(() => ledger.close());
    const digest: DigestDeps = {
      client,
      taskQueue,
      organisation: new FileOrganisationSource(organisationPath),
      rules: () => loadRules(rulesPath),
      channels,
      ledger,
      undeliverable: await UndeliverableLog.open(files.undeliverable),
      baseUrl: web,
    };
    const worker: Worker = await createWorker({
      connection: env.nativeConnection,
      namespace: NAMESPACE,
      taskQueue,
      deps: {
        delivery: new ChannelDelivery(digest),
        digest,
        followUp: { client, dataDir, organisation: new FileOrganisationSource(organisationPath) },
      },
    });
    const running = worker.run();
    stops.push(async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running.catch(() => undefined);
    });

    // The web app and the check-in page on a real port.
    const app: FastifyInstance = Fastify({ logger: { level: 'error' } });
    await registerCheckin(app, {
      client: new Client({ connection: env.connection, namespace: NAMESPACE }),
      organisation: new FileOrganisationSource(organisationPath),
      secret: checkinSecret({ PLANVAKT_MODE: 'development' }),
      now: serverNow,
    });
    const ctx = await registerApp(app, {
      temporal: { connection: withVisibility(env.connection, NAMESPACE), namespace: NAMESPACE },
      settings: {
        mode: 'development',
        taskQueue,
        configDir,
        dataDir,
        baseUrl: web,
        sessionSecret: 'journey-session-secret-0123456789abcdef',
        // Importera starts the lifecycles with this shift; afterwards it follows the server's clock.
        timeShiftMs: shiftMs,
        secureCookies: false,
        countsCacheMs: 0,
      },
    });
    await app.listen({ host: '127.0.0.1', port });
    stops.push(() => app.close());

    // Chromium.
    const executablePath = chromiumPath();
    const browser: Browser = await chromium.launch({
      executablePath,
      headless: true,
      args: CHROMIUM_ARGS,
      env: CHROMIUM_ENV,
    });
    stops.push(() => browser.close());
    const contexts: BrowserContext[] = [];

    const personOf = (idOrAddress: string) =>
      organisation.people.find(
        (p) =>
          p.id === idOrAddress ||
          p.email.toLowerCase() === idOrAddress.toLowerCase() ||
          p.teamsUpn?.toLowerCase() === idOrAddress.toLowerCase(),
      );

    const emails = (): ReceivedEmail[] => smtp.mails.map((m, i) => received(m, i, smtp.envelopes[i] ?? []));
    const requestSeq = (r: RecordedRequest) => microsoft.requests.indexOf(r);

    const journey: Journey = {
      env,
      client,
      web,
      ctx,
      configDir,
      dataDir,
      smtp,
      microsoft,
      organisation,
      shiftMs,
      async planNow() {
        return new Date((await env.currentTimeMs()) + shiftMs);
      },
      async skipTo(planInstant: string) {
        const target = Date.parse(planInstant) - shiftMs;
        if (Number.isNaN(target)) throw new Error(`not an instant: ${planInstant}`);
        const now = await env.currentTimeMs();
        if (target > now) await env.sleep(target - now);
        const after = await env.currentTimeMs();
        serverOffset = after - Date.now();
        ctx.settings.timeShiftMs = shiftMs + serverOffset;
      },
      mark() {
        return { mails: smtp.mails.length, requests: microsoft.requests.length };
      },
      inbox(personIdOrEmail, since = START) {
        const address = (personOf(personIdOrEmail)?.email ?? personIdOrEmail).toLowerCase();
        return emails().filter((m) => m.seq >= since.mails && m.to.some((t) => t.toLowerCase() === address));
      },
      allEmails(since = START) {
        return emails().filter((m) => m.seq >= since.mails);
      },
      teamsMessages(personIdOrUpn, since = START) {
        const p = personOf(personIdOrUpn);
        const ids = [p?.teamsUpn, p?.teamsUserId, personIdOrUpn]
          .filter((x): x is string => Boolean(x))
          .map((x) => x.toLowerCase());
        return microsoft.requests
          .filter((r) => requestSeq(r) >= since.requests)
          .flatMap((r) => {
            const m = /\/users\/([^/]+)\/teamwork\/sendActivityNotification$/.exec(r.path);
            if (!m || !ids.includes(decodeURIComponent(m[1]!).toLowerCase())) return [];
            const body = JSON.parse(r.body) as {
              topic?: { webUrl?: string };
              previewText?: { content?: string };
              activityType?: string;
              templateParameters?: { name: string; value: string }[];
            };
            return [
              {
                seq: requestSeq(r),
                user: decodeURIComponent(m[1]!),
                title: body.templateParameters?.find((x) => x.name === 'title')?.value ?? '',
                preview: body.previewText?.content ?? '',
                activityType: body.activityType ?? '',
                webUrl: body.topic?.webUrl ?? '',
              },
            ];
          });
      },
      channelCards(since = START) {
        return microsoft.requests
          .filter((r) => r.path.startsWith('/webhook') && requestSeq(r) >= since.requests)
          .map((r) => {
            const { actions, texts } = openUrlActions(JSON.parse(r.body));
            return { seq: requestSeq(r), path: r.path, texts, actions };
          });
      },
      async browser() {
        const context = await browser.newContext({ locale: 'sv-SE', viewport: { width: 1280, height: 900 } });
        contexts.push(context);
        return context.newPage();
      },
      async signIn(page, personName, till = '/') {
        await page.goto(`${web}/logga-in?till=${encodeURIComponent(till)}`);
        await page.getByRole('button', { name: `Logga in som ${personName}`, exact: true }).click();
      },
      stop,
    };
    return journey;
  } catch (err) {
    await stop();
    throw err;
  }
}
