import Fastify, { type FastifyInstance } from 'fastify';
import type { Connection } from '@temporalio/client';
// CommonJS package: Node's ESM loader cannot see its named exports, so take the default.
import proto from '@temporalio/proto';
import { registerApp, type AppDeps } from './app';
import { renderOutboxPage, type OutboxPageOptions } from './outbox-page';
import { registerCheckin, registerCheckinFromEnv, type CheckinOptions } from '../checkin';
import { ROUTES } from '../domain';
import { installAccess } from './access';
import { assertProductionWebEnvironment } from '../config';
import type { Store } from '../store';

export interface WebOptions {
  temporal: { connection: Connection; address: string; namespace: string; uiUrl?: string };
  /** The worker's state as the health page reports it ('RUNNING', 'STOPPING' …). */
  workerState: () => string;
  /** The delivery side's files: the Utkorg page lists the dev outbox and undeliverable messages. */
  delivery?: OutboxPageOptions;
  /** Tests: the web app's settings instead of (or on top of) the environment. */
  app?: Pick<AppDeps, 'settings' | 'sessions'>;
  /** The shared store (production, `DATABASE_URL`): HR's configuration versions for the app and the check-in pages. */
  store?: Store;
  /** Tests: the check-in pages' options instead of the environment's. */
  checkin?: CheckinOptions;
  /** Tests: quieter than the default `warn`, at which refused requests and sign-ins are logged. */
  logLevel?: 'warn' | 'error' | 'silent';
}

/**
 * Routing is exact on purpose: a path is one of ROUTES, percent-decoded, or no route at all (404).
 * Other spellings (another case, `//`, a trailing `/`, `;parameters`) are not folded onto a route,
 * so what a route's access declaration guards is exactly what reaches its handler.
 */
export const ROUTER_OPTIONS = {
  caseSensitive: true,
  ignoreTrailingSlash: false,
  ignoreDuplicateSlashes: false,
  useSemicolonDelimiter: false,
} as const;

/**
 * The HTTP side of Planvakt on PLANVAKT_PORT (3000 unless set): the health check, Utkorg (when
 * the delivery side's files are given), the one-click check-in pages (src/checkin, no sign-in) and
 * the web app behind the sign-in (src/web/app).
 */
export async function createWebServer(opts: WebOptions): Promise<FastifyInstance> {
  // The check-in secret is read before the app's sign-in settings: name every missing variable first.
  assertProductionWebEnvironment();
  const app = Fastify({ logger: { level: opts.logLevel ?? 'warn' }, routerOptions: ROUTER_OPTIONS });
  // First, so that it sees every route the server gets.
  installAccess(app);

  // Public: whether the service is up, for the load balancer. Nothing about where Temporal is.
  app.get(ROUTES.health, { config: { access: 'public' } }, async (req, reply) => {
    const { connection, address, namespace } = opts.temporal;
    const temporal = await probeTemporal(connection, namespace);
    if (!temporal.reachable) req.log.warn({ address, namespace, error: temporal.error }, 'Temporal unreachable');
    const worker = opts.workerState();
    const healthy = temporal.reachable && worker === 'RUNNING';
    return reply.code(healthy ? 200 : 503).send({
      status: healthy ? 'ok' : 'unavailable',
      temporal: {
        reachable: temporal.reachable,
        namespace,
        ...(temporal.reachable ? { namespaceState: temporal.namespaceState } : {}),
      },
      worker: { state: worker },
    });
  });

  if (opts.delivery) {
    const delivery = opts.delivery;
    // HR only: the page shows people's messages, and their check-in links are credentials.
    app.get(ROUTES.outbox, { config: { access: 'hr' } }, async (_req, reply) =>
      reply
        .type('text/html; charset=utf-8')
        .header(
          'content-security-policy',
          "default-src 'none'; style-src 'unsafe-inline'; frame-src 'self'; img-src data:",
        )
        .send(await renderOutboxPage(delivery)),
    );
  }

  if (opts.checkin) await registerCheckin(app, opts.checkin);
  else await registerCheckinFromEnv(app, opts.temporal, opts.store);
  await registerApp(app, {
    temporal: opts.temporal,
    delivery: opts.delivery,
    ...(opts.store ? { store: opts.store } : {}),
    ...opts.app,
  });
  return app;
}

async function probeTemporal(connection: Connection, namespace: string) {
  try {
    // A short deadline: a health check that hangs is worse than one that says "no".
    const info = await connection.withDeadline(Date.now() + 2_000, () =>
      connection.workflowService.describeNamespace({ namespace }),
    );
    return { reachable: true as const, namespaceState: namespaceStateName(info.namespaceInfo?.state) };
  } catch (err) {
    return { reachable: false as const, error: (err as Error).message };
  }
}

function namespaceStateName(state: number | null | undefined): string {
  return (
    proto.temporal.api.enums.v1.NamespaceState[state ?? 0]?.replace('NAMESPACE_STATE_', '').toLowerCase() ?? 'unknown'
  );
}
