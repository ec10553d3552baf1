import { createServer } from 'node:net';

export class PortInUse extends Error {
  override name = 'PortInUse';
}

/**
 * Fails early, with the fix, when a port Planvakt wants is taken — instead of a dev server or web
 * server dying later with EADDRINUSE somewhere in a log.
 */
export function assertPortFree(port: number, host: string, what: string, envVar: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') {
        reject(
          new PortInUse(
            `Port ${port} on ${host} is already in use, so ${what} cannot start.\n` +
              `Fix: stop the program that holds it (find it with \`lsof -i :${port}\` or \`ss -ltnp | grep ${port}\`), ` +
              `or choose another port with ${envVar}=<port>` +
              (envVar === 'TEMPORAL_PORT'
                ? `, or, if that is a Temporal server you run yourself, use it with TEMPORAL_ADDRESS=${host}:${port}.`
                : '.'),
          ),
        );
      } else {
        reject(err);
      }
    });
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}
