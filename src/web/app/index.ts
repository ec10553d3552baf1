/**
 * The web app for department heads and HR, on the Planvakt web server (port 3000): Översikt,
 * Aktivitet, Importera, Förhandsvisning, Inställningar, Rapporter, Kalender, and sign-in.
 * `registerApp` is the one call src/web/server.ts makes for it. Everything is registered in its own
 * encapsulated Fastify context, so its plugins (helmet, cookies, forms, multipart, CSRF) and hooks
 * (sign-in, CSRF) apply to these routes only, not to the health check, Utkorg or the check-in
 * pages others own.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Client, type Connection } from '@temporalio/client';
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import helmet from '@fastify/helmet';
import multipart from '@fastify/multipart';
import { currentUser, isPublic, registerAuthRoutes } from './auth';
import { createContext, type AppContext } from './context';
import { html, links } from '../../domain';
import { APP_CSS, pageFor, sendPage } from './layout';
import { settingsFromEnv, type AppSettings } from './settings-env';
import { registerDashboard } from './dashboard';
import { registerActivity } from './activity';
import { registerImport } from './import';
import { registerSettings } from './settings';
import { registerPreview } from './preview';
import { registerReports } from './reports';
import { registerCalendar } from './calendar';

export interface AppDeps {
  temporal: { connection: Connection; namespace: string; uiUrl?: string };
  /** Present when the server has the Utkorg page (the delivery side's files). */
  delivery?: unknown;
  /** Tests and benchmarks: instead of (or on top of) the environment. */
  settings?: Partial<AppSettings>;
}

/** Pages only HR for the whole förvaltning (and the förvaltningschef) may use. */
const ADMIN_PATHS = [/^\/importera(\/|$|\?)/, /^\/installningar(\/|$|\?)/, /^\/forhandsvisning(\/|$|\?)/];

export async function registerApp(app: FastifyInstance, deps: AppDeps): Promise<AppContext> {
  const ctx = contextFrom(deps);
  await app.register(async (scope) => {
    await registerPlugins(scope, ctx.settings);
    guardPages(scope, ctx);
    scope.setErrorHandler(errorPage(ctx));
    registerRoutes(scope, ctx);
  });
  return ctx;
}

function contextFrom(deps: AppDeps): AppContext {
  const settings: AppSettings = { ...settingsFromEnv(), ...deps.settings };
  return createContext({
    client: new Client({ connection: deps.temporal.connection, namespace: deps.temporal.namespace }),
    namespace: deps.temporal.namespace,
    settings,
    outbox: Boolean(deps.delivery),
    ...(deps.temporal.uiUrl ? { temporalUiUrl: deps.temporal.uiUrl } : {}),
  });
}

/** Cookies, security headers (a CSP without scripts or inline styles), forms, uploads and CSRF. */
async function registerPlugins(scope: FastifyInstance, settings: AppSettings) {
  await scope.register(cookie, { secret: settings.sessionSecret });
  await scope.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'none'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        ...(settings.secureCookies ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    hsts: settings.secureCookies ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    referrerPolicy: { policy: 'same-origin' },
    crossOriginEmbedderPolicy: false,
  });
  await scope.register(formbody, { bodyLimit: 256 * 1024 });
  await scope.register(multipart, {
    attachFieldsToBody: true,
    limits: { fileSize: 5 * 1024 * 1024, files: 1, fields: 20 },
  });
  await scope.register(csrf, {
    sessionPlugin: '@fastify/cookie',
    cookieKey: 'planvakt_csrf',
    cookieOpts: { path: '/', sameSite: 'strict', httpOnly: true, signed: true, secure: settings.secureCookies },
    // Forms post `_csrf` (urlencoded: a string; multipart: a field object).
    getToken: (req) => {
      const t = (req.body as Record<string, unknown> | undefined)?._csrf;
      if (typeof t === 'string') return t;
      if (t && typeof t === 'object' && typeof (t as { value?: unknown }).value === 'string')
        return (t as { value: string }).value;
      return (req.headers['x-csrf-token'] as string | undefined) ?? undefined;
    },
  });
}

/** Who is signed in, on every request; sign-in for every page but the public ones, HR for the admin pages; CSRF on every POST. */
function guardPages(scope: FastifyInstance, ctx: AppContext) {
  scope.addHook('onRequest', async (req, reply) => {
    req.user = await currentUser(ctx, req);
    if (isPublic(req.url)) return;
    if (!req.user) {
      if (req.method === 'GET' || req.method === 'HEAD') return reply.redirect(links.signIn(req.url), 303);
      return sendPage(reply, {
        title: 'Logga in först',
        status: 401,
        body: html`<p role="alert">Du är inte inloggad. <a href="${links.signIn()}">Logga in</a> och försök igen.</p>`,
      });
    }
    if (ADMIN_PATHS.some((re) => re.test(req.url)) && !req.user.admin) {
      return pageFor(ctx, req, reply).send({
        title: 'Ingen behörighet',
        status: 403,
        body: html`<p role="alert">Sidan är för HR. Du har inte behörighet till den.</p><p><a href="/">Till översikten</a></p>`,
      });
    }
  });
  scope.addHook('preHandler', (req, reply, done) => {
    if (req.method === 'POST') return scope.csrfProtection(req, reply, done);
    done();
  });
}

/** Every error as a page in the frame: a failed CSRF check, a too large file, a bad request, or the service down. */
function errorPage(ctx: AppContext) {
  return (err: FastifyError, req: FastifyRequest, reply: FastifyReply) => {
    const page = pageFor(ctx, req, reply);
    if (err.code === 'FST_CSRF_INVALID_TOKEN' || err.code === 'FST_CSRF_MISSING_SECRET') {
      return page.send({
        title: 'Formuläret kunde inte verifieras',
        status: 403,
        body: html`<p role="alert">Formuläret saknar en giltig säkerhetskod (CSRF). Inget har ändrats. Ladda om sidan och försök igen.</p>`,
      });
    }
    if (err.code === 'FST_REQ_FILE_TOO_LARGE' || err.statusCode === 413) {
      return page.send({
        title: 'Filen är för stor',
        status: 413,
        body: html`<p role="alert">Filen får vara högst 5 MB.</p>`,
      });
    }
    if (err.statusCode && err.statusCode < 500) {
      return page.send({
        title: 'Felaktig begäran',
        status: err.statusCode,
        body: html`<p role="alert">${err.message}</p>`,
      });
    }
    req.log.error(err);
    return page.send({
      title: 'Tjänsten svarar inte just nu',
      status: 503,
      body: html`<p role="alert">Något gick fel när sidan skulle visas (Temporal eller en fil gick inte att läsa). Försök igen om en stund.</p>`,
    });
  };
}

function registerRoutes(scope: FastifyInstance, ctx: AppContext) {
  scope.get('/app.css', async (_req, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=300').send(APP_CSS),
  );
  registerAuthRoutes(scope, ctx);
  registerDashboard(scope, ctx);
  registerActivity(scope, ctx);
  registerImport(scope, ctx);
  registerSettings(scope, ctx);
  registerPreview(scope, ctx);
  registerReports(scope, ctx);
  registerCalendar(scope, ctx);
}
