/**
 * App-only access token for Microsoft Graph (OAuth 2.0 client credentials). A plain fetch: the
 * flow is one POST, and @azure/identity would bring a large dependency tree for it.
 */
import { DeliveryError, httpDeliveryError, networkDeliveryError } from './errors';

export interface ClientCredentials {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  /** Overridable for tests and the dev outbox; defaults to the Entra ID v2 endpoint of the tenant. */
  tokenUrl?: string;
  /** Defaults to Graph's `.default` scope: the application permissions the admin consented to. */
  scope?: string;
}

// Refresh early so no request leaves with a token that expires in flight.
const REFRESH_MARGIN_MS = 5 * 60_000;

export class GraphTokenProvider {
  private cached: { token: string; expiresAt: number } | undefined;
  private pending: Promise<string> | undefined;

  constructor(
    private readonly credentials: ClientCredentials,
    private readonly now: () => number = Date.now,
  ) {}

  async token(): Promise<string> {
    if (this.cached && this.cached.expiresAt - REFRESH_MARGIN_MS > this.now()) return this.cached.token;
    // Concurrent sends share one token request instead of stampeding the token endpoint.
    this.pending ??= this.fetchToken().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  /** After a 401 from Graph: the next send asks for a fresh token. */
  invalidate(): void {
    this.cached = undefined;
  }

  private async fetchToken(): Promise<string> {
    const c = this.credentials;
    const url = c.tokenUrl ?? `https://login.microsoftonline.com/${encodeURIComponent(c.tenantId)}/oauth2/v2.0/token`;
    const body = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: c.clientId,
      client_secret: c.clientSecret,
      scope: c.scope ?? 'https://graph.microsoft.com/.default',
    });
    let res: Response;
    try {
      res = await fetch(url, { method: 'POST', body, signal: AbortSignal.timeout(15_000) });
    } catch (e) {
      throw networkDeliveryError('teams', e);
    }
    const json = (await res.json().catch(() => ({}))) as {
      access_token?: unknown;
      expires_in?: unknown;
      error?: unknown;
    };
    if (!res.ok) {
      const err = httpDeliveryError(
        'teams',
        res.status,
        res.headers.get('retry-after'),
        `token: ${String(json.error ?? '')}`,
      );
      // 400/401 from the token endpoint is a wrong tenant, client id or secret: no retry will fix it.
      if (res.status === 400 || res.status === 401) {
        throw new DeliveryError(err.message, {
          code: 'unauthorized',
          retryable: false,
          channel: 'teams',
          status: res.status,
        });
      }
      throw err;
    }
    if (typeof json.access_token !== 'string') {
      throw new DeliveryError('teams: token endpoint answered without access_token', {
        code: 'serverError',
        retryable: true,
        channel: 'teams',
      });
    }
    const expiresIn = typeof json.expires_in === 'number' ? json.expires_in : Number(json.expires_in ?? 3600);
    this.cached = { token: json.access_token, expiresAt: this.now() + expiresIn * 1000 };
    return json.access_token;
  }
}
