/**
 * Sign-in. Production: Microsoft Entra ID over OpenID Connect (`openid-client`, authorization code
 * flow with PKCE, state and nonce); the signed-in account is matched to a person of the
 * organisation file by e-mail or Teams UPN, and the roles there decide what the person may see.
 * Development without OIDC settings: a clearly marked "Utvecklingsinloggning" that lists the
 * example organisation's active people. The session cookie is signed, HttpOnly and SameSite=Lax
 * and holds only a random session id; the session itself is in the session store
 * (src/web/sessions.ts), so signing out or HR ending a person's sessions ends it on the server. The
 * person's roles are read from the organisation file on every request, so a change there (or a
 * deactivation) applies at the next request.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { fastifyCookie } from '@fastify/cookie';
import * as oidc from 'openid-client';
import { accessFor, type Organisation, type Person, type SignedIn } from '../../organisation';
import { html, links, listSv, orgNames, ROLES, ROUTES } from '../../domain';
import type { AppContext } from './context';
import { sendPage } from './layout';

const SESSION_COOKIE = 'planvakt_session';
const OIDC_COOKIE = 'planvakt_oidc';
const SESSION_HOURS = 8;

function cookieOptions(ctx: AppContext, maxAgeSeconds: number) {
  return {
    path: '/',
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: ctx.settings.secureCookies,
    signed: true,
    maxAge: maxAgeSeconds,
  };
}

export async function startSession(ctx: AppContext, reply: FastifyReply, person: Person, via: SignedIn['via']) {
  // A new id at every sign-in; the session the browser had before ends.
  const previous = sessionId(ctx, reply.request);
  if (previous) await ctx.sessions.end(previous);
  const session = await ctx.sessions.create(person.id, via, SESSION_HOURS * 3_600_000);
  reply.setCookie(SESSION_COOKIE, session.id, cookieOptions(ctx, SESSION_HOURS * 3600));
  reply.log.warn({ person: person.id, via }, 'signed in');
}

/**
 * The session id of the request's cookie, when its signature holds. Read from the header itself,
 * not through the cookie plugin, so the guard can ask on every route of the server.
 */
function sessionId(ctx: AppContext, req: FastifyRequest): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  let raw: string | undefined;
  try {
    raw = fastifyCookie.parse(header)[SESSION_COOKIE];
  } catch {
    return undefined;
  }
  if (!raw) return undefined;
  const unsigned = fastifyCookie.unsign(raw, ctx.settings.sessionSecret);
  return unsigned.valid && unsigned.value ? unsigned.value : undefined;
}

/** The signed-in person for this request, or undefined (no, forged, ended or expired session, or a deactivated person). */
export async function currentUser(ctx: AppContext, req: FastifyRequest): Promise<SignedIn | undefined> {
  const id = sessionId(ctx, req);
  if (!id) return undefined;
  const session = await ctx.sessions.get(id);
  if (!session) return undefined;
  if (session.via === 'dev' && (ctx.settings.oidc || ctx.settings.mode === 'production')) return undefined;
  const org = await ctx.organisation();
  const person = org.people.find((p) => p.id === session.personId && p.active);
  return person ? accessFor(org, person, session.via) : undefined;
}

/**
 * Only local paths survive as the place to return to after sign-in. Characters outside printable
 * ASCII are percent-encoded: a `Location` header cannot carry them (an "ö" in the path answered 503).
 */
export function safeReturnPath(value: unknown): string {
  if (typeof value !== 'string' || !/^\/(?![/\\])[^\s]*$/.test(value) || value.startsWith(ROUTES.signIn)) return '/';
  try {
    return value.replace(/[^\x21-\x7e]/gu, (c) => encodeURIComponent(c));
  } catch {
    // A lone surrogate cannot be encoded.
    return '/';
  }
}

/** OpenID Connect configuration, discovered once from the issuer. */
function oidcConfig(ctx: AppContext): () => Promise<oidc.Configuration> {
  let config: Promise<oidc.Configuration> | undefined;
  return () => {
    const s = ctx.settings.oidc!;
    config ??= oidc.discovery(new URL(s.issuer), s.clientId, s.clientSecret).catch((err) => {
      config = undefined;
      throw err;
    });
    return config;
  };
}

/** The organisation's person for an Entra ID account: by e-mail, UPN or preferred username, case-insensitive. */
export function personForClaims(org: Organisation, claims: Record<string, unknown>): Person | undefined {
  const names = ['email', 'preferred_username', 'upn']
    .map((k) => claims[k])
    .filter((v): v is string => typeof v === 'string')
    .map((v) => v.toLowerCase());
  const oid = typeof claims.oid === 'string' ? claims.oid : undefined;
  return org.people.find(
    (p) =>
      p.active &&
      (names.includes(p.email.toLowerCase()) ||
        (p.teamsUpn && names.includes(p.teamsUpn.toLowerCase())) ||
        (oid && p.teamsUserId === oid)),
  );
}

export function registerAuthRoutes(app: FastifyInstance, ctx: AppContext) {
  const config = ctx.settings.oidc ? oidcConfig(ctx) : undefined;

  app.get<{ Querystring: { till?: string; fel?: string } }>(
    ROUTES.signIn,
    { config: { access: 'public' } },
    async (req, reply) => {
      const back = safeReturnPath(req.query.till);
      const csrf = reply.generateCsrf();
      const problem =
        req.query.fel === 'okand'
          ? html`<p class="error" role="alert">Kontot finns inte som aktiv person i organisationen. Kontakta HR.</p>`
          : req.query.fel === 'oidc'
            ? html`<p class="error" role="alert">Inloggningen med Microsoft misslyckades. Försök igen.</p>`
            : '';
      if (config) {
        return sendPage(reply, {
          title: 'Logga in',
          csrf,
          body: html`${problem}<p>Planvakts sidor för HR och avdelningschefer kräver inloggning med ditt konto i kommunen.</p>
<p><a class="button" href="${links.signInEntra(back)}">Logga in med Microsoft (Entra ID)</a></p>
<p class="meta">Ansvariga för aktiviteter lämnar status direkt via länken i sitt meddelande och behöver inte logga in.</p>`,
        });
      }
      const org = await ctx.organisation();
      const people = org.people.filter((p) => p.active);
      const names = orgNames(org);
      return sendPage(reply, {
        title: 'Logga in',
        csrf,
        body: html`${problem}<section class="devbox" aria-labelledby="dev-title">
<h2 id="dev-title">Utvecklingsinloggning</h2>
<p><strong>Endast för utveckling.</strong> Ingen inloggning med Microsoft (Entra ID) är inställd, så du kan välja vem du vill vara bland exempelorganisationens personer. I produktion (PLANVAKT_MODE=production) finns inte den här sidan; där krävs OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET och OIDC_REDIRECT_URI.</p>
<table class="people"><caption>Exempelorganisationens personer</caption>
<thead><tr><th scope="col">Person</th><th scope="col">Roller</th><th scope="col">Logga in</th></tr></thead>
<tbody>${people.map(
          (
            p,
          ) => html`<tr><th scope="row">${p.name}</th><td>${listSv(p.roles.map((r) => `${ROLES[r.role]}${r.unit ? ` (${names.unit(r.unit)})` : r.department ? ` (${names.department(r.department)})` : ''}`))}</td>
<td><form method="post" action="${links.signInDev()}"><input type="hidden" name="_csrf" value="${csrf}"><input type="hidden" name="till" value="${back}"><input type="hidden" name="person" value="${p.id}"><button type="submit" aria-label="Logga in som ${p.name}">Logga in som ${p.name}</button></form></td></tr>`,
        )}</tbody></table></section>`,
      });
    },
  );

  app.post<{ Body: { person?: string; till?: string } }>(
    ROUTES.signInDev,
    { config: { access: 'public' } },
    async (req, reply) => {
      if (config || ctx.settings.mode === 'production') return reply.code(404).send('Not found');
      const org = await ctx.organisation();
      const person = org.people.find((p) => p.id === req.body?.person && p.active);
      if (!person) return reply.redirect(links.signInProblem('okand'), 303);
      await startSession(ctx, reply, person, 'dev');
      return reply.redirect(safeReturnPath(req.body?.till), 303);
    },
  );

  app.get<{ Querystring: { till?: string } }>(
    ROUTES.signInEntra,
    { config: { access: 'public' } },
    async (req, reply) => {
      if (!config) return reply.redirect(links.signIn(), 303);
      const cfg = await config();
      const verifier = oidc.randomPKCECodeVerifier();
      const state = oidc.randomState();
      const nonce = oidc.randomNonce();
      const url = oidc.buildAuthorizationUrl(cfg, {
        redirect_uri: ctx.settings.oidc!.redirectUri,
        scope: 'openid profile email',
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state,
        nonce,
      });
      const pending = { verifier, state, nonce, till: safeReturnPath(req.query.till) };
      reply.setCookie(OIDC_COOKIE, Buffer.from(JSON.stringify(pending)).toString('base64url'), cookieOptions(ctx, 600));
      return reply.redirect(url.href, 303);
    },
  );

  app.get(ROUTES.signInCallback, { config: { access: 'public' } }, async (req, reply) => {
    if (!config) return reply.redirect(links.signIn(), 303);
    const raw = req.cookies[OIDC_COOKIE];
    const unsigned = raw ? req.unsignCookie(raw) : undefined;
    reply.clearCookie(OIDC_COOKIE, { path: '/' });
    if (!unsigned?.valid || !unsigned.value) return reply.redirect(links.signInProblem('oidc'), 303);
    let pending: { verifier: string; state: string; nonce: string; till: string };
    try {
      pending = JSON.parse(Buffer.from(unsigned.value, 'base64url').toString('utf8')) as typeof pending;
    } catch {
      return reply.redirect(links.signInProblem('oidc'), 303);
    }
    try {
      const current = new URL(req.url, ctx.settings.oidc!.redirectUri);
      const tokens = await oidc.authorizationCodeGrant(await config(), current, {
        pkceCodeVerifier: pending.verifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
      const person = personForClaims(await ctx.organisation(), (tokens.claims() ?? {}) as Record<string, unknown>);
      if (!person) return reply.redirect(links.signInProblem('okand'), 303);
      await startSession(ctx, reply, person, 'entra');
      return reply.redirect(safeReturnPath(pending.till), 303);
    } catch (err) {
      req.log.warn({ err }, 'OIDC sign-in failed');
      return reply.redirect(links.signInProblem('oidc'), 303);
    }
  });

  // Ends the session on the server: the cookie, if kept or copied, no longer signs anyone in.
  app.post(ROUTES.signOut, { config: { access: 'public' } }, async (req, reply) => {
    const id = sessionId(ctx, req);
    if (id) await ctx.sessions.end(id);
    if (req.user) req.log.warn({ person: req.user.person.id }, 'signed out');
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.redirect(links.signIn(), 303);
  });
}
