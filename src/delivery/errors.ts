/**
 * Every failure of a channel becomes a DeliveryError that says whether trying again can help.
 * The Temporal activity (written later) maps `retryable: false` to a non-retryable failure, which
 * sends the message to the fallback channel at once, and `retryAfterMs` to `nextRetryDelay`.
 */
import type { Channel } from './message';

export type DeliveryErrorCode =
  /** No address, no Teams id, or the server says the mailbox/user does not exist. */
  | 'invalidRecipient'
  /** The channel is not configured, or the message cannot be rendered (a bad URL). */
  | 'notConfigured'
  | 'invalidMessage'
  /** Credentials or permissions wrong: an administrator must act, retrying will not help. */
  | 'unauthorized'
  | 'rateLimited'
  | 'serverError'
  | 'network'
  /** The server refused the message for good (policy, size, malformed). */
  | 'rejected'
  /** Another worker holds the shared ledger's claim on this send right now: try again later. */
  | 'inFlight'
  /** The relay's limit (SMTP_MAX_PER_MINUTE, …) gives this message a slot later than this attempt can wait. */
  | 'paced';

export class DeliveryError extends Error {
  override name = 'DeliveryError';
  readonly code: DeliveryErrorCode;
  readonly channel: Channel | undefined;
  readonly retryable: boolean;
  /** Set when the server said how long to wait (HTTP Retry-After). */
  readonly retryAfterMs: number | undefined;
  readonly status: number | undefined;

  constructor(
    message: string,
    opts: {
      code: DeliveryErrorCode;
      retryable: boolean;
      channel?: Channel;
      retryAfterMs?: number;
      status?: number;
      cause?: unknown;
    },
  ) {
    super(message, { cause: opts.cause });
    this.code = opts.code;
    this.retryable = opts.retryable;
    this.channel = opts.channel;
    this.retryAfterMs = opts.retryAfterMs;
    this.status = opts.status;
  }
}

export function isDeliveryError(e: unknown): e is DeliveryError {
  return e instanceof DeliveryError;
}

/**
 * Retry-After is either delay-seconds or an HTTP-date (RFC 9110 §10.2.3). Returns undefined for
 * anything else, so a garbled header falls back to Temporal's own backoff instead of a wrong delay.
 */
export function parseRetryAfter(value: string | null | undefined, now: Date = new Date()): number | undefined {
  if (value === null || value === undefined) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  if (!/[a-z]/i.test(v)) return undefined;
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now.getTime());
}

/** Classifies an HTTP answer from Graph or a webhook. */
export function httpDeliveryError(
  channel: Channel,
  status: number,
  retryAfterHeader: string | null | undefined,
  detail: string,
  now: Date = new Date(),
): DeliveryError {
  const retryAfterMs = parseRetryAfter(retryAfterHeader, now);
  const base = { channel, status, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
  const msg = `${channel}: HTTP ${status}${detail ? `: ${detail}` : ''}`;
  if (status === 429) return new DeliveryError(msg, { ...base, code: 'rateLimited', retryable: true });
  // 412: Graph's answer when the app token expires too soon; a new token fixes it.
  if (status === 408 || status === 412 || status === 425)
    return new DeliveryError(msg, { ...base, code: 'network', retryable: true });
  if (status >= 500) return new DeliveryError(msg, { ...base, code: 'serverError', retryable: true });
  // 401 after a fresh token means wrong credentials; 403 a permission the admin has not granted.
  if (status === 401 || status === 403)
    return new DeliveryError(msg, { ...base, code: 'unauthorized', retryable: false });
  // 404 from Graph: the user does not exist or has not got the Teams app installed.
  if (status === 404) return new DeliveryError(msg, { ...base, code: 'invalidRecipient', retryable: false });
  return new DeliveryError(msg, { ...base, code: 'rejected', retryable: false });
}

/** A fetch that never got an answer: connection refused, reset, timeout. */
export function networkDeliveryError(channel: Channel, cause: unknown): DeliveryError {
  const detail = cause instanceof Error ? cause.message : String(cause);
  return new DeliveryError(`${channel}: no answer: ${detail}`, { channel, code: 'network', retryable: true, cause });
}
