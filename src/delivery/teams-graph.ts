/**
 * Teams, personal: an activity feed notification through Microsoft Graph
 * (`POST /users/{id}/teamwork/sendActivityNotification`), sent app-only. Why this route and what
 * an administrator must grant: docs/teams.md.
 */
import {
  Client,
  HTTPMessageHandler,
  ResponseType,
  type Context,
  type Middleware,
} from '@microsoft/microsoft-graph-client';
import { z } from 'zod';
import type { DeliveryChannel, SendReceipt } from './channel';
import { envOptional, envString, parseEnv, type Env } from './env';
import { DeliveryError, httpDeliveryError, networkDeliveryError } from './errors';
import { GraphTokenProvider, type ClientCredentials } from './graph-token';
import type { Message } from './message';
import { renderTeamsActivityNotification, type TeamsNotificationOptions } from './templates/teams-notification';

export interface GraphSettings extends ClientCredentials, TeamsNotificationOptions {
  /** `https://graph.microsoft.com` unless overridden (tests, dev outbox). */
  baseUrl?: string;
}

const graphEnvSchema = z.object({
  GRAPH_TENANT_ID: envString,
  GRAPH_CLIENT_ID: envString,
  GRAPH_CLIENT_SECRET: envString,
  GRAPH_BASE_URL: envOptional,
  GRAPH_TOKEN_URL: envOptional,
  TEAMS_APP_ID: envOptional,
  TEAMS_TAB_ENTITY_ID: envOptional,
});

/** Undefined when GRAPH_CLIENT_ID is unset: Teams personal delivery is then off (or the dev outbox). */
export function graphSettingsFromEnv(env: Env = process.env): GraphSettings | undefined {
  if (!env.GRAPH_CLIENT_ID?.trim()) return undefined;
  const e = parseEnv('teams', graphEnvSchema, env);
  return {
    tenantId: e.GRAPH_TENANT_ID,
    clientId: e.GRAPH_CLIENT_ID,
    clientSecret: e.GRAPH_CLIENT_SECRET,
    ...(e.GRAPH_BASE_URL ? { baseUrl: e.GRAPH_BASE_URL } : {}),
    ...(e.GRAPH_TOKEN_URL ? { tokenUrl: e.GRAPH_TOKEN_URL } : {}),
    ...(e.TEAMS_APP_ID ? { teamsAppId: e.TEAMS_APP_ID } : {}),
    ...(e.TEAMS_TAB_ENTITY_ID ? { tabEntityId: e.TEAMS_TAB_ENTITY_ID } : {}),
  };
}

export class TeamsGraphChannel implements DeliveryChannel {
  readonly channel = 'teams' as const;
  private readonly tokens: GraphTokenProvider;
  private readonly client: Client;

  constructor(private readonly settings: GraphSettings) {
    this.tokens = new GraphTokenProvider(settings);
    const baseUrl = (settings.baseUrl ?? 'https://graph.microsoft.com').replace(/\/+$/, '');
    // No RetryHandler in the chain: a 429 must reach us with its Retry-After so that Temporal,
    // not the SDK inside one activity attempt, does the waiting. Our own bearer middleware instead
    // of the SDK's AuthenticationHandler, which attaches tokens to https Graph hosts only and so
    // could not be tested against a local server.
    const bearer = new BearerTokenMiddleware(() => this.tokens.token());
    bearer.setNext(new HTTPMessageHandler());
    this.client = Client.initWithMiddleware({ baseUrl: `${baseUrl}/`, defaultVersion: 'v1.0', middleware: bearer });
  }

  async send(message: Message): Promise<SendReceipt> {
    const userId = message.recipient.teamsUserId?.trim() || message.recipient.upn?.trim();
    if (!userId) {
      throw new DeliveryError(`teams: recipient ${message.recipient.id} has neither a Teams user id nor a UPN`, {
        code: 'invalidRecipient',
        retryable: false,
        channel: 'teams',
      });
    }
    const body = renderTeamsActivityNotification(message, this.settings);
    // Fetched up front so a token failure surfaces as our own classified error, not the SDK's.
    await this.tokens.token();
    let res: Response;
    try {
      // RAW: the SDK's GraphError drops the response headers when the body is not JSON, and
      // Retry-After is exactly what a 429 must not lose.
      res = (await this.client
        .api(`/users/${encodeURIComponent(userId)}/teamwork/sendActivityNotification`)
        .responseType(ResponseType.RAW)
        .post(body)) as Response;
    } catch (e) {
      throw e instanceof DeliveryError ? e : networkDeliveryError('teams', e);
    }
    if (res.ok) {
      await res.body?.cancel();
      return {};
    }
    const detail = graphErrorDetail(await res.text().catch(() => ''));
    const err = httpDeliveryError('teams', res.status, res.headers.get('retry-after'), detail);
    if (res.status === 401) {
      // A token revoked or expired early: a retry with a fresh one may well succeed.
      this.tokens.invalidate();
      throw new DeliveryError(err.message, { code: 'unauthorized', retryable: true, channel: 'teams', status: 401 });
    }
    throw err;
  }
}

class BearerTokenMiddleware implements Middleware {
  private next: Middleware | undefined;

  constructor(private readonly token: () => Promise<string>) {}

  async execute(context: Context): Promise<void> {
    const headers = new Headers(context.options?.headers as ConstructorParameters<typeof Headers>[0]);
    headers.set('Authorization', `Bearer ${await this.token()}`);
    context.options = { ...context.options, headers };
    await this.next?.execute(context);
  }

  setNext(next: Middleware): void {
    this.next = next;
  }
}

/** Graph's `{"error":{"code","message"}}`, or the first characters of whatever else came back. */
function graphErrorDetail(body: string): string {
  try {
    const e = (JSON.parse(body) as { error?: { code?: string; message?: string } }).error;
    if (e) return [e.code, e.message].filter(Boolean).join(': ');
  } catch {
    /* not JSON */
  }
  return body.slice(0, 300);
}
