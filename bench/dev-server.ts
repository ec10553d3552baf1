/**
 * The benchmarks' Temporal: the CLI dev server on SQLite in a fresh temporary folder, on a port
 * picked at random above `basePort` so benchmarks can run side by side. The folder is returned for
 * the benchmark's own files (ledger, bundle).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { temporalCliPath } from '../src/temporal/binaries';
import { startDevServer, type DevServer } from '../src/temporal/dev-server';

export async function startBenchServer(
  name: string,
  basePort: number,
): Promise<{ server: DevServer; dir: string; port: number }> {
  const dir = mkdtempSync(join(tmpdir(), `planvakt-${name}-`));
  const port = basePort + Math.floor(Math.random() * 300);
  const server = await startDevServer({
    cliPath: temporalCliPath(),
    dbFile: join(dir, 'temporal.sqlite'),
    logFile: join(dir, 'temporal.log'),
    namespace: 'planvakt',
    port,
    uiPort: port + 1000,
  });
  return { server, dir, port };
}
