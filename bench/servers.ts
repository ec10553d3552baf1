/**
 * The Temporal servers a benchmark runs against, one after the other in one run, so their numbers
 * can be printed side by side: the CLI dev server on SQLite (bench/dev-server.ts) and the real
 * cluster production runs (Temporal server v1.29.1 on Debian's PostgreSQL, default dynamic config,
 * test/production/cluster.ts). BENCH_SERVERS=dev or =cluster runs one; the cluster needs the
 * provisioned binaries (scripts/provision-production-test.sh).
 */
import { readFileSync } from 'node:fs';
import { startCluster } from '../test/production/cluster';
import { startBenchServer } from './dev-server';

export interface BenchServer {
  name: 'dev' | 'cluster';
  /** What it is, for the printed table. */
  describe: string;
  address: string;
  namespace: string;
  /** A folder for the benchmark's own files. */
  dir: string;
  /** How often the server's log says a rate limit refused a call so far. */
  rateLimited(): number;
  stop(): Promise<void>;
}

export function benchServerNames(): ('dev' | 'cluster')[] {
  const names = (process.env.BENCH_SERVERS ?? 'dev,cluster').split(',').map((s) => s.trim());
  for (const n of names) if (n !== 'dev' && n !== 'cluster') throw new Error(`BENCH_SERVERS: unknown server ${n}`);
  return names as ('dev' | 'cluster')[];
}

const countRateLimited = (file: string | undefined) => () => {
  if (!file) return 0;
  try {
    return readFileSync(file, 'utf8').match(/rate limit exceeded/gi)?.length ?? 0;
  } catch {
    return 0;
  }
};

export async function startBenchTarget(name: 'dev' | 'cluster', basePort: number): Promise<BenchServer> {
  if (name === 'dev') {
    const { server, dir } = await startBenchServer(`bench-${basePort}`, basePort);
    return {
      name,
      describe: 'CLI dev server (SQLite)',
      address: server.address,
      namespace: 'planvakt',
      dir,
      rateLimited: countRateLimited(`${dir}/temporal.log`),
      stop: () => server.stop(),
    };
  }
  const cluster = await startCluster();
  const { mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  return {
    name,
    describe: cluster.describe,
    address: cluster.address,
    namespace: cluster.namespace,
    dir: mkdtempSync(join(tmpdir(), 'planvakt-bench-cluster-')),
    rateLimited: countRateLimited(cluster.logFile),
    stop: () => cluster.stop(),
  };
}

/** Rows of label → value per server, as a plain text table. */
export function sideBySide(columns: string[], rows: [string, ...string[]][]): string {
  const table = [['', ...columns], ...rows];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => (r[i] ?? '').length)));
  return table.map((r) => r.map((c, i) => (c ?? '').padEnd(widths[i]!)).join('  ')).join('\n');
}
