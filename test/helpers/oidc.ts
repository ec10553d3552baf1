/**
 * A real OpenID provider for the sign-in tests: `oidc-provider` (a certified OpenID Connect
 * implementation) on https://localhost with a certificate made for the run, issuing the claims
 * Microsoft Entra ID puts in an ID token (`oid`, `tid`, `preferred_username`, `name`). Its login
 * page is its development form (any login name, any password); which accounts exist is Planvakt's
 * question, answered from the organisation, not the provider's.
 */
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { Page } from 'playwright-core';
import Provider from 'oidc-provider';
import { freePort } from './ports';

export const TENANT = '9188040d-6c67-4c5b-b112-36a304b66dad';
export const CLIENT_SECRET = 'planvakt-test-client-secret-0123456789';

export interface LocalOidc {
  issuer: string;
  /** The provider's certificate (PEM file): what a Planvakt process must trust (NODE_EXTRA_CA_CERTS). */
  certFile: string;
  /** The OIDC_* variables of a Planvakt whose callback is `redirectUri`. */
  env(redirectUri: string): Record<string, string>;
  stop(): Promise<void>;
}

export async function startLocalOidc(redirectUris: string[], names: Record<string, string> = {}): Promise<LocalOidc> {
  const dir = mkdtempSync(join(tmpdir(), 'planvakt-oidc-'));
  // Readable by a Planvakt process that runs as another user (the read-only test).
  chmodSync(dir, 0o755);
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  execFileSync('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=localhost',
    '-addext',
    'subjectAltName=DNS:localhost,IP:127.0.0.1',
    '-keyout',
    keyFile,
    '-out',
    certFile,
  ]);
  chmodSync(certFile, 0o644);
  const port = await freePort();
  const issuer = `https://localhost:${port}`;
  const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  const oids = new Map<string, string>();
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: 'planvakt',
        client_secret: CLIENT_SECRET,
        redirect_uris: redirectUris,
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    jwks: { keys: [{ ...signingKey, use: 'sig', kid: 'test-key' }] },
    cookies: { keys: ['planvakt-oidc-test-cookie-key-0123456789'] },
    pkce: { required: () => true },
    claims: { openid: ['sub', 'oid', 'tid'], profile: ['name', 'preferred_username'] },
    conformIdTokenClaims: false,
    findAccount: (_ctx, id) => {
      const login = id.toLowerCase();
      if (!oids.has(login)) oids.set(login, randomUUID());
      return {
        accountId: id,
        claims: () => ({
          sub: oids.get(login)!,
          oid: oids.get(login)!,
          tid: TENANT,
          preferred_username: id,
          name: names[login] ?? login,
        }),
      };
    },
  });
  const server = createServer(
    { key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8') },
    provider.callback(),
  );
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    issuer,
    certFile,
    env: (redirectUri) => ({
      OIDC_ISSUER: issuer,
      OIDC_CLIENT_ID: 'planvakt',
      OIDC_CLIENT_SECRET: CLIENT_SECRET,
      OIDC_REDIRECT_URI: redirectUri,
    }),
    async stop() {
      await new Promise((resolve) => server.close(resolve));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** From Planvakt's sign-in page through the provider's login and consent pages. */
export async function signInAtProvider(page: Page, issuer: string, login: string) {
  await page.getByRole('link', { name: 'Logga in med Microsoft (Entra ID)' }).click();
  expect(new URL(page.url()).origin).toBe(issuer);
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill('vad som helst');
  await page.getByRole('button', { name: 'Sign-in' }).click();
  // First sign-in of the account: the provider asks for consent to share the profile.
  const consent = page.getByRole('button', { name: 'Continue' });
  if (new URL(page.url()).origin === issuer && (await consent.count()) > 0) await consent.click();
}
