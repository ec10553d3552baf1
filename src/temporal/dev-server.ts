import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Connection } from '@temporalio/client';
import { searchAttributeCliArgs } from './search-attributes';
import { setNamespaceRetention } from './retention';
import { assertPortFree } from './ports';

/**
 * The embedded default: the Temporal CLI's dev server on a SQLite file, so workflows survive a
 * restart of `npm start`. Production points TEMPORAL_ADDRESS at a real cluster instead.
 */
export interface DevServerOptions {
  cliPath: string;
  dbFile: string;
  logFile: string;
  namespace: string;
  port: number;
  uiPort: number;
  /** Bind address; loopback by default so a laptop's dev server is not reachable from the network. */
  ip?: string;
  /** Days a closed workflow's history is kept (PLANVAKT_RETENTION_DAYS); `start-dev` has no flag for it. */
  retentionDays?: number;
}

export interface DevServer {
  address: string;
  uiUrl: string;
  stop(): Promise<void>;
  /** SIGKILL, as a crash or a pulled plug would stop it (the reliability tests). */
  kill(): Promise<void>;
}

export async function startDevServer(opts: DevServerOptions): Promise<DevServer> {
  const ip = opts.ip ?? '127.0.0.1';
  await assertPortFree(opts.port, ip, 'the Temporal dev server', 'TEMPORAL_PORT');
  await assertPortFree(opts.uiPort, ip, 'the Temporal UI', 'TEMPORAL_UI_PORT');
  mkdirSync(dirname(opts.dbFile), { recursive: true });
  mkdirSync(dirname(opts.logFile), { recursive: true });
  const log = createWriteStream(opts.logFile, { flags: 'a' });
  const args = [
    'server',
    'start-dev',
    '--db-filename',
    opts.dbFile,
    '--namespace',
    opts.namespace,
    '--ip',
    ip,
    '--port',
    String(opts.port),
    '--ui-port',
    String(opts.uiPort),
    '--log-level',
    'warn',
    ...searchAttributeCliArgs(),
  ];
  const child = spawn(opts.cliPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const address = `${ip}:${opts.port}`;
  try {
    await waitForNamespace(address, opts.namespace, exited);
    if (opts.retentionDays !== undefined)
      await withConnection(address, (c) => setNamespaceRetention(c, opts.namespace, opts.retentionDays!));
  } catch (err) {
    child.kill('SIGKILL');
    const tail = safeTail(opts.logFile);
    throw new Error(`${(err as Error).message}\nLast lines of ${opts.logFile}:\n${tail}`);
  }
  return {
    address,
    uiUrl: `http://${ip === '0.0.0.0' ? 'localhost' : ip}:${opts.uiPort}`,
    stop: () => stopChild(child, exited),
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Ready means the namespace answers, not merely that the port is open. */
async function waitForNamespace(address: string, namespace: string, exited: Promise<number | null>): Promise<void> {
  const deadline = Date.now() + 60_000;
  let died: number | null | undefined;
  void exited.then((code) => (died = code));
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (died !== undefined) throw new Error(`The Temporal dev server exited at start (code ${died}).`);
    try {
      await withConnection(address, (c) => c.workflowService.describeNamespace({ namespace }), 1_000);
      return;
    } catch (err) {
      lastError = err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new Error(
    `The Temporal dev server did not answer on ${address} within 60 s (${(lastError as Error)?.message}).`,
  );
}

async function withConnection<T>(
  address: string,
  use: (c: Connection) => Promise<T>,
  connectTimeout?: number,
): Promise<T> {
  const connection = await Connection.connect({ address, ...(connectTimeout ? { connectTimeout } : {}) });
  try {
    return await use(connection);
  } finally {
    await connection.close();
  }
}

async function stopChild(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null) return;
  // SIGTERM lets the CLI close SQLite cleanly; SIGKILL only if it hangs.
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

function safeTail(file: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-15).join('\n');
  } catch {
    return '(no log)';
  }
}
