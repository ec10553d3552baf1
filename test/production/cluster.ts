/**
 * A real Temporal cluster for test/production/: the server production runs (the version of
 * docker-compose.yml, built by scripts/provision-temporal-server.mjs) on Debian's PostgreSQL,
 * started on loopback ports in a temporary folder and removed afterwards. Persistence on the
 * postgres12 driver, visibility on PostgreSQL (SQL advanced visibility), the schema set up with
 * temporal-sql-tool as production's auto-setup does, Planvakt's namespace and search attributes
 * registered over the API like the compose file's temporal-setup step.
 *
 * PLANVAKT_TEST_TEMPORAL_ADDRESS=host:port uses an existing cluster instead (its namespace from
 * PLANVAKT_TEST_TEMPORAL_NAMESPACE, default a new `planvakt-test-…` per run, registered here); nothing
 * is started then.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import {
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import proto from '@temporalio/proto';
import { msToTs } from '@temporalio/common/lib/time';
import { Client, Connection } from '@temporalio/client';
import pg from 'pg';
import { SEARCH_ATTRIBUTES } from '../../src/temporal/search-attributes';
import { createServer } from 'node:net';

const toolsDir = process.env.PLANVAKT_TOOLS_DIR ?? fileURLToPath(new URL('../../.tools', import.meta.url));
const manifestPath = join(toolsDir, 'temporal-server.json');

interface Manifest {
  version: string;
  server: string;
  sqlTool: string;
  schema: string;
}

export type ClusterRoute =
  | { kind: 'existing'; address: string; namespace: string }
  | { kind: 'local'; manifest: Manifest; pgBin: string }
  | { kind: 'missing'; reason: string };

/** The PostgreSQL server binaries of the newest Debian postgresql installed. */
export function postgresBin(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin') : undefined;
}

/** How this machine gets a cluster: an existing one, the provisioned server on local PostgreSQL, or not at all (why). */
export function clusterRoute(): ClusterRoute {
  const address = process.env.PLANVAKT_TEST_TEMPORAL_ADDRESS;
  if (address)
    return {
      kind: 'existing',
      address,
      // A namespace of its own per run: the plan's workflow ids would meet the last run's otherwise.
      namespace: process.env.PLANVAKT_TEST_TEMPORAL_NAMESPACE ?? `planvakt-test-${Date.now().toString(36)}`,
    };
  let manifest: Manifest;
  try {
    manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
  } catch {
    return { kind: 'missing', reason: `no ${manifestPath}: run node scripts/provision-temporal-server.mjs` };
  }
  if (!existsSync(manifest.server) || !existsSync(manifest.sqlTool))
    return { kind: 'missing', reason: `${manifestPath} names binaries that are gone: provision again` };
  const pgBin = postgresBin();
  if (!pgBin)
    return { kind: 'missing', reason: 'no PostgreSQL server (/usr/lib/postgresql/*/bin): apt-get install postgresql' };
  return { kind: 'local', manifest, pgBin };
}

export interface ProductionCluster {
  address: string;
  namespace: string;
  /** The server version and PostgreSQL version, for the report. */
  describe: string;
  /** Planvakt's own database (src/store) on the cluster's PostgreSQL server, as in docker-compose.yml. */
  databaseUrl?: string;
  /** The Temporal server's log, while the cluster runs (a started cluster only; removed by `stop`). */
  logFile?: string;
  stop(): Promise<void>;
}

const { IndexedValueType } = proto.temporal.api.enums.v1;
const INDEXED_TYPE: Record<string, number> = {
  KEYWORD: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  KEYWORD_LIST: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
  DATETIME: IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
  BOOL: IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
};

/**
 * A free loopback port below 32768: Temporal stores each service's membership port in a smallint
 * column (cluster_membership.rpc_port), so the kernel's ephemeral ports (32768 and up) fail there.
 */
async function lowPort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const free = await new Promise<boolean>((resolve) => {
      const s = createServer();
      s.once('error', () => resolve(false));
      s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
    });
    if (free) return port;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, timeoutMs: number, attempt: () => Promise<T>, log?: () => string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      return await attempt();
    } catch (err) {
      last = err;
      await sleep(250);
    }
  }
  throw new Error(
    `${what} did not happen within ${timeoutMs / 1000} s: ${(last as Error)?.message}${log ? `\n${log()}` : ''}`,
  );
}

function tail(file: string, lines = 40): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/** PostgreSQL on a loopback port in `dir`; as the `postgres` OS user when we are root (postgres refuses root). */
export async function startPostgres(pgBin: string, dir: string) {
  const port = await lowPort();
  const data = join(dir, 'pgdata');
  const log = join(dir, 'postgres.log');
  const asRoot = process.getuid?.() === 0;
  const prefix = asRoot ? ['runuser', '-u', 'postgres', '--'] : [];
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
  }
  const run = (bin: string, args: string[]) => {
    const [cmd, ...rest] = [...prefix, join(pgBin, bin), ...args];
    return execFileSync(cmd!, rest, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  };
  run('initdb', ['-D', data, '-U', 'temporal', '--auth=trust', '--no-sync', '--encoding=UTF8', '--locale=C.UTF-8']);
  // A test database: durability settings off (it is thrown away), connections enough for four
  // Temporal services' pools and the tests' own.
  const options = [
    `-p ${port}`,
    `-c listen_addresses=127.0.0.1`,
    `-k ${dir}`,
    '-c fsync=off',
    '-c synchronous_commit=off',
    '-c full_page_writes=off',
    '-c max_connections=300',
  ].join(' ');
  run('pg_ctl', ['-D', data, '-l', log, '-o', options, '-w', '-t', '60', 'start']);
  const version = execFileSync(join(pgBin, 'postgres'), ['--version'], { encoding: 'utf8' }).trim();
  return {
    port,
    version,
    log,
    stop: () => {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } catch {
        /* already gone */
      }
    },
  };
}

function sqlTool(manifest: Manifest, port: number, database: string, args: string[]) {
  execFileSync(manifest.sqlTool, args, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      SQL_PLUGIN: 'postgres12',
      SQL_HOST: '127.0.0.1',
      SQL_PORT: String(port),
      SQL_USER: 'temporal',
      SQL_PASSWORD: 'temporal',
      SQL_DATABASE: database,
    },
  });
}

/** The two databases and their schemas, as production's auto-setup creates them. */
function setUpSchema(manifest: Manifest, port: number) {
  for (const [database, folder] of [
    ['temporal', 'temporal'],
    ['temporal_visibility', 'visibility'],
  ] as const) {
    sqlTool(manifest, port, database, ['create-database']);
    sqlTool(manifest, port, database, ['setup-schema', '-v', '0.0']);
    sqlTool(manifest, port, database, ['update-schema', '-d', join(manifest.schema, folder, 'versioned')]);
  }
}

interface Ports {
  frontend: number;
  frontendHttp: number;
  frontendMembership: number;
  history: number;
  historyMembership: number;
  matching: number;
  matchingMembership: number;
  worker: number;
  workerMembership: number;
}

function serverConfig(pgPort: number, p: Ports, dynamicConfig: string): string {
  const store = (database: string, conns: number) => `
      sql:
        pluginName: postgres12
        databaseName: ${database}
        connectAddr: "127.0.0.1:${pgPort}"
        connectProtocol: tcp
        user: temporal
        password: temporal
        maxConns: ${conns}
        maxIdleConns: ${conns}
        maxConnLifetime: 1h`;
  const service = (grpc: number, membership: number, http?: number) => `
    rpc:
      grpcPort: ${grpc}
      membershipPort: ${membership}
      bindOnLocalHost: true${http ? `\n      httpPort: ${http}` : ''}`;
  return `log:
  stdout: true
  level: warn
persistence:
  defaultStore: postgres-default
  visibilityStore: postgres-visibility
  numHistoryShards: 4
  datastores:
    postgres-default:${store('temporal', 20)}
    postgres-visibility:${store('temporal_visibility', 10)}
global:
  membership:
    maxJoinDuration: 30s
    broadcastAddress: 127.0.0.1
services:
  frontend:${service(p.frontend, p.frontendMembership, p.frontendHttp)}
  matching:${service(p.matching, p.matchingMembership)}
  history:${service(p.history, p.historyMembership)}
  worker:${service(p.worker, p.workerMembership)}
clusterMetadata:
  enableGlobalNamespace: false
  failoverVersionIncrement: 10
  masterClusterName: active
  currentClusterName: active
  clusterInformation:
    active:
      enabled: true
      initialFailoverVersion: 1
      rpcName: frontend
      rpcAddress: "127.0.0.1:${p.frontend}"
      httpAddress: "127.0.0.1:${p.frontendHttp}"
dcRedirectionPolicy:
  policy: noop
archival:
  history:
    state: disabled
  visibility:
    state: disabled
namespaceDefaults:
  archival:
    history:
      state: disabled
    visibility:
      state: disabled
dynamicConfigClient:
  filepath: "${dynamicConfig}"
  pollInterval: 10s
`;
}

/** Planvakt's namespace and search attributes, as the compose file's temporal-setup step registers them. */
export async function registerPlanvakt(address: string, namespace: string, log?: () => string) {
  const connection = await until('the frontend answering', 90_000, () => Connection.connect({ address }), log);
  try {
    await until('the cluster becoming ready', 90_000, () => connection.workflowService.getSystemInfo({}), log);
    await connection.workflowService
      .registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs(7 * 24 * 3600_000) })
      .catch((err: { code?: number }) => {
        if (err.code !== 6 /* ALREADY_EXISTS */) throw err;
      });
    await until('the namespace appearing', 60_000, () => connection.workflowService.describeNamespace({ namespace }));
    const wanted = Object.fromEntries(SEARCH_ATTRIBUTES.map((k) => [k.name, INDEXED_TYPE[k.type]!]));
    const existing = await connection.operatorService.listSearchAttributes({ namespace });
    const missing = Object.fromEntries(
      Object.entries(wanted).filter(([name]) => !(name in (existing.customAttributes ?? {}))),
    );
    if (Object.keys(missing).length > 0)
      await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: missing });
    // The frontend caches namespaces and attributes: ready when a query on them is accepted.
    const client = new Client({ connection, namespace });
    await until(
      'the search attributes becoming queryable',
      60_000,
      () => client.workflow.count(`PlanvaktPlan = 'x' AND PlanvaktOwnerRoles = 'y' AND PlanvaktOverdue = true`),
      log,
    );
  } finally {
    await connection.close();
  }
}

/** The cluster for this test file: started here (and stopped by `stop`), or the existing one. */
export async function startCluster(): Promise<ProductionCluster> {
  const route = clusterRoute();
  if (route.kind === 'missing') throw new Error(`No Temporal cluster for test/production: ${route.reason}`);
  if (route.kind === 'existing') {
    await registerPlanvakt(route.address, route.namespace);
    return {
      address: route.address,
      namespace: route.namespace,
      describe: `existing cluster`,
      ...(process.env.PLANVAKT_TEST_DATABASE_URL ? { databaseUrl: process.env.PLANVAKT_TEST_DATABASE_URL } : {}),
      stop: async () => {},
    };
  }
  const { manifest, pgBin } = route;
  const dir = mkdtempSync(join(tmpdir(), 'planvakt-cluster-'));
  const postgres = await startPostgres(pgBin, dir);
  let server: ChildProcess | undefined;
  const serverLog = join(dir, 'temporal.log');
  const log = () => `--- temporal server log:\n${tail(serverLog)}\n--- postgres log:\n${tail(postgres.log, 10)}`;
  const stop = async () => {
    if (server && server.exitCode === null) {
      const exited = new Promise((r) => server!.once('exit', r));
      server.kill('SIGTERM');
      await Promise.race([exited, sleep(15_000)]);
      if (server.exitCode === null) server.kill('SIGKILL');
    }
    postgres.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    setUpSchema(manifest, postgres.port);
    const admin = new pg.Client({ connectionString: `postgres://temporal@127.0.0.1:${postgres.port}/postgres` });
    await admin.connect();
    await admin.query('CREATE DATABASE planvakt');
    await admin.end();
    const ports: Ports = {
      frontend: await lowPort(),
      frontendHttp: await lowPort(),
      frontendMembership: await lowPort(),
      history: await lowPort(),
      historyMembership: await lowPort(),
      matching: await lowPort(),
      matchingMembership: await lowPort(),
      worker: await lowPort(),
      workerMembership: await lowPort(),
    };
    const configDir = join(dir, 'config');
    mkdirSync(configDir);
    const dynamicConfig = join(configDir, 'dynamic.yaml');
    // Visibility refreshes attribute caches on read, so a test sees what it registered at once.
    writeFileSync(
      dynamicConfig,
      `limit.maxIDLength:\n  - value: 255\nsystem.forceSearchAttributesCacheRefreshOnRead:\n  - value: true\n`,
    );
    writeFileSync(join(configDir, 'test.yaml'), serverConfig(postgres.port, ports, dynamicConfig));
    const out = openSync(serverLog, 'a');
    server = spawn(
      manifest.server,
      ['--root', dir, '--config', 'config', '--env', 'test', '--allow-no-auth', 'start'],
      {
        stdio: ['ignore', out, out],
      },
    );
    const address = `127.0.0.1:${ports.frontend}`;
    const died = new Promise<never>((_, reject) =>
      server!.once('exit', (code) => reject(new Error(`the Temporal server exited (${code})\n${log()}`))),
    );
    died.catch(() => undefined);
    await Promise.race([
      (async () => {
        await registerPlanvakt(address, 'planvakt', log);
        await registerPlanvakt(address, 'default', log);
      })(),
      died,
    ]);
    return {
      address,
      namespace: 'planvakt',
      describe: `Temporal server ${manifest.version} on ${postgres.version}`,
      databaseUrl: `postgres://temporal@127.0.0.1:${postgres.port}/planvakt`,
      logFile: serverLog,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
