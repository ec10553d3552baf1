/**
 * Who may use which route, decided by the route and not by the URL. Every route declares its
 * access where it is registered:
 *
 *     app.get(ROUTES.settings, { config: { access: 'hr' } }, handler)
 *
 * and one hook on the whole server checks it after routing and before the body is read: the router has already
 * decoded the path (`/%69nstallningar` is the route `/installningar`, with its declaration) and
 * matched it exactly (no case folding, duplicate or trailing slashes, `;` parameters or `..`
 * segments: such a path is no route at all and answers 404). A resource-scoped declaration
 * ('activity', 'report' …) is checked against the resource the route's parameters name, resolved
 * before the handler runs. A route without a declaration is refused (403) at every request, and
 * {@link AccessGuard.undeclared} lists it, so a test names it.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  departmentOfUnit,
  mayAcknowledgeActivity,
  mayOpenActivity,
  mayReportOnActivity,
  maySeeDepartment,
  type ActivityAccess,
  type Organisation,
  type SignedIn,
} from '../organisation';
import { links } from '../domain';

/** The declarations a route may make, and what each means (the README's table says the same per role). */
export const ACCESS = {
  public: 'anyone, signed in or not (sign-in pages, the stylesheet, the health check)',
  token: 'anyone holding a valid signed link; the handler checks the token (check-in, calendar feeds)',
  'signed-in': 'any active person of the organisation who is signed in',
  hr: 'HR for the whole förvaltning and the förvaltningschef',
  activity: "whoever may open the activity: those who see its avdelning, its owners, the line's managers",
  'activity-report': "the activity's owners and the managers up the line in its avdelning",
  'activity-acknowledge': 'a manager up the line who sees the activity’s avdelning',
  'activity-manage':
    "HR for the whole förvaltning, the förvaltningschef and the avdelningschef of the activity's avdelning (its Måldatum, owners, pause, closing, reopening, adding one beside it)",
  report: "whoever sees the report's avdelning",
} as const;

export type Access = keyof typeof ACCESS;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may use the route (src/web/access.ts). A route without it is refused. */
    access?: Access;
  }
  interface FastifyRequest {
    /** The signed-in person, set for every routed request before its handler runs. */
    user?: SignedIn;
  }
  interface FastifyInstance {
    access: AccessGuard;
  }
}

export type Denial = 'sign-in' | 'forbidden' | 'not-found';

/** What the guard needs from the web app: who is signed in, and the resources the routes name. */
export interface AccessPolicy {
  identify(req: FastifyRequest): Promise<SignedIn | undefined>;
  organisation(): Promise<Organisation>;
  /** The activity `req.params.id` names; undefined when there is none. */
  activity(req: FastifyRequest): Promise<ActivityAccess | undefined>;
  /** The avdelning of the report `req.params.id` names; undefined when there is none. */
  reportDepartment(req: FastifyRequest): Promise<string | undefined>;
  /** The refusal as a page; by default a short text. */
  deny?(req: FastifyRequest, reply: FastifyReply, denial: Denial): FastifyReply | Promise<FastifyReply>;
}

export interface DeclaredRoute {
  method: string;
  url: string;
  access?: Access;
}

export interface AccessGuard {
  /** Every route registered after the guard, with its declaration. */
  routes(): DeclaredRoute[];
  /** `METHOD /path` of each route registered without a valid declaration: refused until it has one. */
  undeclared(): string[];
  /** The web app hands over who is signed in and how to find resources; until then only public and token routes answer. */
  use(policy: AccessPolicy): void;
}

/**
 * Installs the guard on the server: call it first, before any route, so that every route is
 * seen. The web app (registerApp) installs it itself when the server has none.
 */
export function installAccess(app: FastifyInstance): AccessGuard {
  const routes: DeclaredRoute[] = [];
  let policy: AccessPolicy | undefined;
  const guard: AccessGuard = {
    routes: () => [...routes],
    undeclared: () => routes.filter((r) => !isAccess(r.access)).map((r) => `${r.method} ${r.url}`),
    use: (p) => {
      policy = p;
    },
  };
  app.decorate('access', guard);
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) routes.push({ method, url: route.url, access: route.config?.access });
  });
  // preParsing: after every onRequest hook (the web app's cookie parsing, which its refusal
  // pages need), before the body is read (an upload of someone refused is never parsed).
  app.addHook('preParsing', async (req, reply) => {
    // No route matched: the not-found handler answers, and it shows nothing.
    if (req.routeOptions.url === undefined) return;
    const access = req.routeOptions.config.access;
    if (!isAccess(access)) {
      req.log.error({ route: `${req.method} ${req.routeOptions.url}` }, 'route without an access declaration refused');
      return refuse(req, reply, 'forbidden');
    }
    if (!policy) {
      if (access === 'public' || access === 'token') return;
      return refuse(req, reply, 'forbidden');
    }
    const user = await policy.identify(req);
    if (user) req.user = user;
    const denial = await decide(policy, access, user, req);
    if (denial) {
      req.log.warn(
        {
          route: `${req.method} ${req.routeOptions.url}`,
          url: req.url,
          access,
          person: user?.person.id ?? null,
          denial,
        },
        'access denied',
      );
      return refuse(req, reply, denial);
    }
  });

  function refuse(req: FastifyRequest, reply: FastifyReply, denial: Denial) {
    if (policy?.deny) return policy.deny(req, reply, denial);
    return plainDenial(req, reply, denial);
  }
  return guard;
}

function isAccess(value: unknown): value is Access {
  return typeof value === 'string' && Object.hasOwn(ACCESS, value);
}

/** The decision for one request: undefined = allowed. */
async function decide(
  policy: AccessPolicy,
  access: Access,
  user: SignedIn | undefined,
  req: FastifyRequest,
): Promise<Denial | undefined> {
  if (access === 'public' || access === 'token') return undefined;
  if (!user) return 'sign-in';
  switch (access) {
    case 'signed-in':
      return undefined;
    case 'hr':
      return user.admin ? undefined : 'forbidden';
    case 'report': {
      const department = await policy.reportDepartment(req);
      if (!department) return 'not-found';
      return maySeeDepartment(user, department) ? undefined : 'forbidden';
    }
    case 'activity':
    case 'activity-report':
    case 'activity-acknowledge':
    case 'activity-manage': {
      const activity = await policy.activity(req);
      if (!activity) return 'not-found';
      const org = await policy.organisation();
      const ok =
        access === 'activity'
          ? mayOpenActivity(org, user, activity)
          : access === 'activity-report'
            ? mayOpenActivity(org, user, activity) && mayReportOnActivity(org, user.person, activity)
            : access === 'activity-acknowledge'
              ? mayAcknowledgeActivity(org, user, activity)
              : mayManageActivity(org, user, activity);
      return ok ? undefined : 'forbidden';
    }
  }
}

/**
 * Who may change an activity itself in Planvakt (Måldatum, owners, pause, close, reopen, add one beside it): whoever administers the plans
 * (HR for the whole förvaltning, the förvaltningschef) and the avdelningschef of the activity's
 * avdelning, who answers for it; not förvaltningsledning, not an owner, not another avdelning's head.
 */
export function mayManageActivity(org: Organisation, user: SignedIn, activity: ActivityAccess): boolean {
  if (user.admin) return true;
  return user.person.roles.some(
    (a) =>
      a.role === 'avdelningschef' &&
      (a.department ?? (a.unit ? departmentOfUnit(org, a.unit) : undefined)) === activity.department,
  );
}

/** A refusal without the app's page frame (the routes outside the web app). */
export function plainDenial(req: FastifyRequest, reply: FastifyReply, denial: Denial): FastifyReply {
  reply.header('cache-control', 'no-store').type('text/plain; charset=utf-8');
  if (denial === 'sign-in') {
    if (req.method === 'GET' || req.method === 'HEAD') return reply.redirect(links.signIn(req.url), 303);
    return reply.code(401).send('Logga in först.');
  }
  if (denial === 'not-found') return reply.code(404).send('Finns inte.');
  return reply.code(403).send('Ingen behörighet.');
}

/** The guard of the server, installed now if the server has none yet. */
export function accessGuard(app: FastifyInstance): AccessGuard {
  return app.hasDecorator('access') ? app.access : installAccess(app);
}
