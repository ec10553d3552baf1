import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DeliveryError, parseRetryAfter } from '../../src/delivery/errors';
import { TeamsGraphChannel, graphSettingsFromEnv } from '../../src/delivery/teams-graph';
import {
  TeamsWebhookChannel,
  webhookEnvName,
  webhookSettingsFromEnv,
  type WebhookPayload,
} from '../../src/delivery/teams-webhook';
import type { TeamsActivityNotification } from '../../src/delivery/templates';
import { unescapeCardMarkdown } from '../../src/delivery/templates';
import { validateCard } from './card-schema';
import { HOSTILE, HOSTILE_JSON, item, message } from './fixtures';
import { startFakeMicrosoft, type TestHttp } from './servers';

const USER = '11111111-2222-3333-4444-555555555555';
const NOTIFY_PATH = `/v1.0/users/${USER}/teamwork/sendActivityNotification`;
let ms: TestHttp;
let graph: TeamsGraphChannel;

function env(): Record<string, string> {
  return {
    GRAPH_TENANT_ID: 'tenant',
    GRAPH_CLIENT_ID: 'client-id',
    GRAPH_CLIENT_SECRET: 'client-secret',
    GRAPH_BASE_URL: ms.url,
    GRAPH_TOKEN_URL: `${ms.url}/tenant/token`,
  };
}

async function failureOf(p: Promise<unknown>): Promise<DeliveryError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(DeliveryError);
  return e as DeliveryError;
}

beforeAll(async () => {
  ms = await startFakeMicrosoft();
});
afterAll(() => ms.close());
beforeEach(() => {
  ms.requests.length = 0;
  graph = new TeamsGraphChannel(graphSettingsFromEnv(env())!);
});

describe('Teams personal: Graph activity feed notification', () => {
  it('gets an app-only token once and posts the notification for the user', async () => {
    await graph.send(message({ channel: 'teams' }));
    await graph.send(message({ channel: 'teams', eventKey: 'other' }));
    const token = ms.requests.filter((r) => r.path === '/tenant/token');
    expect(token).toHaveLength(1);
    expect(Object.fromEntries(new URLSearchParams(token[0]!.body))).toEqual({
      grant_type: 'client_credentials',
      client_id: 'client-id',
      client_secret: 'client-secret',
      scope: 'https://graph.microsoft.com/.default',
    });
    const posts = ms.requests.filter((r) => r.path === NOTIFY_PATH);
    expect(posts).toHaveLength(2);
    expect(posts[0]!.method).toBe('POST');
    expect(posts[0]!.headers.authorization).toBe('Bearer token-1');
    const body = JSON.parse(posts[0]!.body) as TeamsActivityNotification;
    expect(body).toMatchObject({
      activityType: 'reminder',
      topic: { source: 'text' },
      previewText: { content: 'Påminnelse: Måldatum om 14 dagar' },
    });
  });

  it('falls back to the UPN and carries hostile text as inert JSON', async () => {
    const msg = message({
      channel: 'teams',
      recipient: { id: 'p-b', name: 'Bo', upn: 'bo@kommun.se' },
      items: [item({ activityText: HOSTILE_JSON, reason: HOSTILE })],
    });
    await graph.send(msg);
    const post = ms.requests.find((r) => r.path === '/v1.0/users/bo%40kommun.se/teamwork/sendActivityNotification');
    expect(post).toBeDefined();
    const body = JSON.parse(post!.body) as TeamsActivityNotification;
    expect(Object.keys(body).sort()).toEqual(['activityType', 'chainId', 'previewText', 'templateParameters', 'topic']);
    expect(body.templateParameters).toEqual([{ name: 'title', value: HOSTILE_JSON }]);
  });

  it('reports Retry-After of every 429 in a storm, in seconds and as an HTTP date', async () => {
    const soon = new Date(Date.now() + 90_000).toUTCString();
    ms.queue(
      NOTIFY_PATH,
      {
        status: 429,
        headers: { 'retry-after': '7' },
        body: '{"error":{"code":"TooManyRequests","message":"slow down"}}',
      },
      {
        status: 429,
        headers: { 'retry-after': '30', 'content-type': 'application/json' },
        body: '{"error":{"code":"TooManyRequests","message":"slow down"}}',
      },
      { status: 429, headers: { 'retry-after': '120' } },
      { status: 429, headers: { 'retry-after': soon } },
      { status: 429 },
    );
    const delays: (number | undefined)[] = [];
    for (let i = 0; i < 5; i++) {
      const e = await failureOf(graph.send(message({ channel: 'teams' })));
      expect(e).toMatchObject({ code: 'rateLimited', retryable: true, status: 429, channel: 'teams' });
      delays.push(e.retryAfterMs);
    }
    expect(delays.slice(0, 3)).toEqual([7_000, 30_000, 120_000]);
    expect(delays[3]).toBeGreaterThan(80_000);
    expect(delays[3]).toBeLessThanOrEqual(90_000);
    expect(delays[4]).toBeUndefined();
    // The SDK must not have retried on its own: one request per send.
    expect(ms.requests.filter((r) => r.path === NOTIFY_PATH)).toHaveLength(5);
    await graph.send(message({ channel: 'teams' }));
  });

  it('classifies 5xx as retryable and missing users or permissions as permanent', async () => {
    ms.queue(
      NOTIFY_PATH,
      { status: 500 },
      { status: 503, headers: { 'retry-after': '5' } },
      { status: 404 },
      { status: 403 },
      { status: 400 },
    );
    expect(await failureOf(graph.send(message({ channel: 'teams' })))).toMatchObject({
      code: 'serverError',
      retryable: true,
      status: 500,
    });
    expect(await failureOf(graph.send(message({ channel: 'teams' })))).toMatchObject({
      code: 'serverError',
      retryable: true,
      retryAfterMs: 5_000,
    });
    expect(await failureOf(graph.send(message({ channel: 'teams' })))).toMatchObject({
      code: 'invalidRecipient',
      retryable: false,
    });
    expect(await failureOf(graph.send(message({ channel: 'teams' })))).toMatchObject({
      code: 'unauthorized',
      retryable: false,
    });
    expect(await failureOf(graph.send(message({ channel: 'teams' })))).toMatchObject({
      code: 'rejected',
      retryable: false,
    });
  });

  it('asks for a fresh token after a 401, and treats a refused secret as permanent', async () => {
    ms.queue(NOTIFY_PATH, { status: 401 });
    expect(await failureOf(graph.send(message({ channel: 'teams' })))).toMatchObject({
      code: 'unauthorized',
      retryable: true,
    });
    await graph.send(message({ channel: 'teams' }));
    expect(ms.requests.filter((r) => r.path === '/tenant/token')).toHaveLength(2);

    ms.queue('/tenant/token', {
      status: 401,
      headers: { 'content-type': 'application/json' },
      body: '{"error":"invalid_client"}',
    });
    const fresh = new TeamsGraphChannel(graphSettingsFromEnv(env())!);
    expect(await failureOf(fresh.send(message({ channel: 'teams' })))).toMatchObject({
      code: 'unauthorized',
      retryable: false,
    });
  });

  it('refuses a person without a Teams id as permanent, before any request', async () => {
    const e = await failureOf(
      graph.send(message({ channel: 'teams', recipient: { id: 'p', name: 'P', email: 'p@kommun.se' } })),
    );
    expect(e).toMatchObject({ code: 'invalidRecipient', retryable: false });
    expect(ms.requests).toHaveLength(0);
  });
});

describe('Teams channel: Workflows webhook', () => {
  const department = { id: 'forskola', name: 'Förskola' };
  const webhook = () =>
    new TeamsWebhookChannel(
      webhookSettingsFromEnv({
        TEAMS_WEBHOOK_URL: `${ms.url}/webhook/alla`,
        [webhookEnvName('forskola')]: `${ms.url}/webhook/forskola`,
      })!,
    );

  it('posts a schema-valid Adaptive Card attachment to the department’s URL', async () => {
    await webhook().send(
      message({
        channel: 'teamsChannel',
        recipient: department,
        items: [item({ activityText: HOSTILE, goal: HOSTILE_JSON })],
      }),
    );
    const post = ms.requests.find((r) => r.path === '/webhook/forskola');
    expect(post?.headers['content-type']).toBe('application/json');
    const payload = JSON.parse(post!.body) as WebhookPayload;
    expect(payload.type).toBe('message');
    expect(payload.attachments).toHaveLength(1);
    expect(payload.attachments[0]).toMatchObject({
      contentType: 'application/vnd.microsoft.card.adaptive',
      contentUrl: null,
    });
    const card = payload.attachments[0]!.content;
    expect(validateCard(card)).toEqual([]);
    const title = card.body.flatMap((b) => (b.type === 'Container' ? b.items : [])).find((b) => b.type === 'TextBlock');
    expect(title?.type === 'TextBlock' && unescapeCardMarkdown(title.text)).toBe(HOSTILE);
  });

  it('uses the default URL for other departments and says which variable is missing without one', async () => {
    await webhook().send(message({ channel: 'teamsChannel', recipient: { id: 'aldreomsorg', name: 'Äldreomsorg' } }));
    expect(ms.requests.map((r) => r.path)).toEqual(['/webhook/alla']);
    const none = new TeamsWebhookChannel({ urlsByDepartment: {} });
    const e = await failureOf(none.send(message({ channel: 'teamsChannel', recipient: department })));
    expect(e).toMatchObject({ code: 'notConfigured', retryable: false });
    expect(e.message).toContain('TEAMS_WEBHOOK_URL_FORSKOLA');
  });

  it('classifies 429 with Retry-After, 500 as retryable and 400 as permanent', async () => {
    ms.queue(
      '/webhook/forskola',
      { status: 429, headers: { 'retry-after': '12' } },
      { status: 500 },
      { status: 400, body: 'bad card' },
    );
    const msg = message({ channel: 'teamsChannel', recipient: department });
    expect(await failureOf(webhook().send(msg))).toMatchObject({
      code: 'rateLimited',
      retryable: true,
      retryAfterMs: 12_000,
    });
    expect(await failureOf(webhook().send(msg))).toMatchObject({ code: 'serverError', retryable: true });
    const bad = await failureOf(webhook().send(msg));
    expect(bad).toMatchObject({ code: 'rejected', retryable: false });
    expect(bad.message).toContain('bad card');
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates and ignores garbage', () => {
    const now = new Date('2025-12-17T08:00:00Z');
    expect(parseRetryAfter('0', now)).toBe(0);
    expect(parseRetryAfter(' 45 ', now)).toBe(45_000);
    expect(parseRetryAfter('Wed, 17 Dec 2025 08:01:00 GMT', now)).toBe(60_000);
    expect(parseRetryAfter('Wed, 17 Dec 2025 07:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('-5', now)).toBeUndefined();
    expect(parseRetryAfter('1.5', now)).toBeUndefined();
    expect(parseRetryAfter('snart', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});
