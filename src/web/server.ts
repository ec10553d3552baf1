import Fastify, { type FastifyInstance } from 'fastify';
import type { Connection } from '@temporalio/client';
// CommonJS package: Node's ESM loader cannot see its named exports, so take the default.
import proto from '@temporalio/proto';
import { registerApp } from './app';
import { renderOutboxPage, type OutboxPageOptions } from './outbox-page';
import { registerCheckinFromEnv } from '../checkin';

export interface WebOptions {
  temporal: { connection: Connection; address: string; namespace: string; uiUrl?: string };
  /** The worker's state as the health page reports it ('RUNNING', 'STOPPING' …). */
  workerState: () => string;
  /** The delivery side's files: the Utkorg page lists the dev outbox and undeliverable messages. */
  delivery?: OutboxPageOptions;
}

/**
 * The HTTP side of Planvakt on PLANVAKT_PORT (3000 unless set): the health check, Utkorg (when
 * the delivery side's files are given), the one-click check-in pages (src/checkin, no sign-in) and
 * the web app behind the sign-in (src/web/app).
 */
export async function createWebServer(opts: WebOptions): Promise<FastifyInstance> {
  const app = Fastify({ logger: { level: 'warn' } });

  app.get('/health', async (_req, reply) => {
    const { connection, address, namespace } = opts.temporal;
    const temporal = await probeTemporal(connection, namespace);
    const worker = opts.workerState();
    const healthy = temporal.reachable && worker === 'RUNNING';
    return reply.code(healthy ? 200 : 503).send({
      status: healthy ? 'ok' : 'unavailable',
      temporal: { ...temporal, address, namespace },
      worker: { state: worker },
    });
  });

  if (opts.delivery) {
    const delivery = opts.delivery;
    app.get('/utkorg', async (_req, reply) =>
      reply
        .type('text/html; charset=utf-8')
        .header(
          'content-security-policy',
          "default-src 'none'; style-src 'unsafe-inline'; frame-src 'self'; img-src data:",
        )
        .send(await renderOutboxPage(delivery)),
    );
  }

  await registerCheckinFromEnv(app, opts.temporal);
  await registerApp(app, { temporal: opts.temporal, delivery: opts.delivery });
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
