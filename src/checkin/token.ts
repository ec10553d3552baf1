/**
 * Signed check-in tokens for the one-click page `/status/<token>`: no login, so the token is the
 * capability. Format: `<payload>.<signature>`, both base64url; the payload is JSON
 * `{v:1, p:<person id>, a?:[activity ids], c?:<cycle id>, exp:<unix seconds>}` and the signature
 * is HMAC-SHA256 over `planvakt-checkin.v1.<payload>` with PLANVAKT_CHECKIN_SECRET, compared in
 * constant time. A token is bound to one person and either to activities or to a cycle.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { absolute, links } from '../domain';

export interface CheckinClaims {
  /** Person id (organisation.yaml). */
  person: string;
  /** The activities the token may report on (from a lifecycle's message). */
  activities?: string[];
  /** The cycle the token belongs to (from a cycle's message): its activities and indicators, until it closes. */
  cycle?: string;
  /** Expiry, ISO instant. */
  expires: string;
}

export type TokenProblem = 'malformed' | 'signature' | 'expired';

export const DEV_CHECKIN_SECRET = 'planvakt-dev-checkin-secret--NOT-FOR-PRODUCTION--change-me';
const DOMAIN = 'planvakt-checkin.v1.';

/**
 * The signing secret from the environment. Development may fall back to the clearly marked dev
 * secret; production refuses to start without a real one (or with the dev one).
 */
export function checkinSecret(env: NodeJS.ProcessEnv = process.env): string {
  const mode = env.PLANVAKT_MODE ?? 'development';
  const secret = env.PLANVAKT_CHECKIN_SECRET;
  if (mode === 'production') {
    if (!secret)
      throw new Error('PLANVAKT_CHECKIN_SECRET must be set in production (a random string of at least 32 characters).');
    if (secret === DEV_CHECKIN_SECRET)
      throw new Error('PLANVAKT_CHECKIN_SECRET is the development default; production needs its own secret.');
    if (secret.length < 32) throw new Error('PLANVAKT_CHECKIN_SECRET must be at least 32 characters.');
    return secret;
  }
  return secret || DEV_CHECKIN_SECRET;
}

const b64 = (data: Buffer | string) => Buffer.from(data).toString('base64url');

function sign(secret: string, payload: string): Buffer {
  return createHmac('sha256', secret)
    .update(DOMAIN + payload)
    .digest();
}

export function signCheckinToken(secret: string, claims: CheckinClaims): string {
  if (!claims.activities?.length && !claims.cycle)
    throw new Error('a check-in token is bound to activities or to a cycle');
  const body = {
    v: 1,
    p: claims.person,
    ...(claims.activities?.length ? { a: claims.activities } : {}),
    ...(claims.cycle ? { c: claims.cycle } : {}),
    exp: Math.floor(Date.parse(claims.expires) / 1000),
  };
  const payload = b64(JSON.stringify(body));
  return `${payload}.${b64(sign(secret, payload))}`;
}

export type VerifyResult = { ok: true; claims: CheckinClaims } | { ok: false; problem: TokenProblem };

export function verifyCheckinToken(secret: string, token: string, now: Date = new Date()): VerifyResult {
  if (typeof token !== 'string' || token.length > 4096) return { ok: false, problem: 'malformed' };
  const parts = token.split('.');
  if (parts.length !== 2 || !/^[A-Za-z0-9_-]+$/.test(parts[0]!) || !/^[A-Za-z0-9_-]+$/.test(parts[1]!))
    return { ok: false, problem: 'malformed' };
  const [payload, signature] = parts as [string, string];
  // Compared as text, not as decoded bytes: the last of 43 base64url characters carries two unused
  // bits, so four spellings decode to the same signature and a changed link would still pass.
  const expected = Buffer.from(b64(sign(secret, payload)));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, problem: 'signature' };
  let body: { v?: unknown; p?: unknown; a?: unknown; c?: unknown; exp?: unknown };
  try {
    body = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, problem: 'malformed' };
  }
  const activities = body.a;
  if (
    body.v !== 1 ||
    typeof body.p !== 'string' ||
    typeof body.exp !== 'number' ||
    (activities !== undefined && !(Array.isArray(activities) && activities.every((x) => typeof x === 'string'))) ||
    (body.c !== undefined && typeof body.c !== 'string') ||
    (activities === undefined && body.c === undefined)
  ) {
    return { ok: false, problem: 'malformed' };
  }
  if (now.getTime() >= body.exp * 1000) return { ok: false, problem: 'expired' };
  return {
    ok: true,
    claims: {
      person: body.p,
      ...(activities ? { activities: activities as string[] } : {}),
      ...(typeof body.c === 'string' ? { cycle: body.c } : {}),
      expires: new Date(body.exp * 1000).toISOString(),
    },
  };
}

/** The link a message carries. */
export function checkinUrl(baseUrl: string, token: string): string {
  return absolute(baseUrl, links.checkin(token));
}
