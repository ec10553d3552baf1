/**
 * The web app for department heads and HR, on the Planvakt web server (port 3000): Översikt,
 * Aktivitet, Importera, Förhandsvisning, Inställningar, Rapporter, Kalender, and sign-in.
 * `registerApp` is the one call src/web/server.ts makes for it. Its routes are registered in their
 * own encapsulated Fastify context, so its plugins (helmet, cookies, forms, multipart, CSRF) apply
 * to these routes only. Who may use a route is declared on the route and checked by the server's
 * access guard (src/web/access.ts); the app tells the guard who is signed in and how to find the
 * activity or report a route names.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Client, WorkflowNotFoundError, type Connection } from '@temporalio/client';
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import helmet from '@fastify/helmet';
import multipart from '@fastify/multipart';
import { currentUser, registerAuthRoutes } from './auth';
import { createContext, type AppContext } from './context';
import { html, lifecycleWorkflowId, links, readCycleWorkflowId, ROUTES } from '../../domain';
import { stateQuery } from '../../lifecycle';
import { APP_CSS, pageFor, sendPage } from './layout';
import { accessGuard, plainDenial, type AccessPolicy, type Denial } from '../access';
import type { SessionStore } from '../sessions';
import type { Store } from '../../store';
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
  /** Where sessions live; by default files under the data directory. */
  sessions?: SessionStore;
  /** The shared store (production): HR's configuration versions. */
  store?: Store;
}

export async function registerApp(app: FastifyInstance, deps: AppDeps): Promise<AppContext> {
  const ctx = contextFrom(deps);
  accessGuard(app).use(accessPolicy(ctx));
  await app.register(async (scope) => {
    await registerPlugins(scope, ctx.settings);
    csrfOnPosts(scope);
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
    ...(deps.sessions ? { sessions: deps.sessions } : {}),
    ...(deps.store ? { store: deps.store } : {}),
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

/** Activity ids as the activity routes accept them. */
const ACTIVITY_ID = /^[\p{L}\p{N}_.:-]{1,200}$/u;
/** Any cycle id cycleWorkflowId gives. */
const CYCLE_ID = /^cycle-[\p{L}\p{N}_.-]{1,200}$/u;

/** What the server's access guard needs from the app: who is signed in, the resources, the refusal pages. */
function accessPolicy(ctx: AppContext): AccessPolicy {
  const param = (req: FastifyRequest, name: string) => {
    const v = (req.params as Record<string, unknown> | undefined)?.[name];
    return typeof v === 'string' ? v : undefined;
  };
  return {
    identify: (req) => currentUser(ctx, req),
    organisation: () => ctx.organisation(),
    async activity(req) {
      const id = param(req, 'id');
      if (!id || !ACTIVITY_ID.test(id)) return undefined;
      try {
        return (await ctx.client.workflow.getHandle(lifecycleWorkflowId(id)).query(stateQuery)).activity;
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) return undefined;
        throw err;
      }
    },
    async reportDepartment(req) {
      const id = param(req, 'id');
      if (!id || !CYCLE_ID.test(id)) return undefined;
      const org = await ctx.organisation();
      return readCycleWorkflowId(
        id,
        org.departments.map((d) => d.id),
      )?.department;
    },
    deny: (req, reply, denial) => denialPage(ctx, req, reply, denial),
  };
}

/** A refusal in the app's frame where the route is the app's (it has the CSRF plugin); plain elsewhere. */
function denialPage(ctx: AppContext, req: FastifyRequest, reply: FastifyReply, denial: Denial) {
  if (typeof reply.generateCsrf !== 'function') return plainDenial(req, reply, denial);
  if (denial === 'sign-in') {
    if (req.method === 'GET' || req.method === 'HEAD') return reply.redirect(links.signIn(req.url), 303);
    return sendPage(reply, {
      title: 'Logga in först',
      status: 401,
      body: html`<p role="alert">Du är inte inloggad. <a href="${links.signIn()}">Logga in</a> och försök igen.</p>`,
    });
  }
  if (denial === 'not-found')
    return pageFor(ctx, req, reply).send({
      title: 'Sidan finns inte',
      status: 404,
      body: html`<p role="alert">Det du söker finns inte.</p><p><a href="${links.overview()}">Till översikten</a></p>`,
    });
  return pageFor(ctx, req, reply).send({
    title: 'Ingen behörighet',
    status: 403,
    body: html`<p role="alert">Du har inte behörighet till sidan. Inget har ändrats.</p><p><a href="${links.overview()}">Till översikten</a></p>`,
  });
}

/** CSRF on every POST of the app, after the guard has let the request through. */
function csrfOnPosts(scope: FastifyInstance) {
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
  scope.get(ROUTES.stylesheet, { config: { access: 'public' } }, async (_req, reply) =>
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
