#!/usr/bin/env node
/**
 * Puts a real Temporal server (the one production runs, not the CLI's dev server) and its SQL
 * schema tool into the git-ignored tools folder, for test/production/ (a cluster on PostgreSQL).
 *
 * The version is read from docker-compose.yml (the `temporalio/auto-setup:<version>` image), so the
 * server the tests run and the one production runs cannot drift apart. Both binaries are compiled
 * with `go install` from the Go module proxy (machines here reach package registries only), the
 * PostgreSQL schema files are copied from the same module:
 *   <tools>/temporal-server/<version>/bin/temporal-server
 *   <tools>/temporal-server/<version>/bin/temporal-sql-tool
 *   <tools>/temporal-server/<version>/schema/postgresql/v12/{temporal,visibility}
 * and described in <tools>/temporal-server.json, read by test/production/cluster.ts.
 * A warm run (same version, files present) does nothing.
 *
 * Route through the environment: PLANVAKT_TEST_TEMPORAL_ADDRESS=host:port names an existing
 * cluster (namespace `default`, Planvakt's search attributes registered); then nothing is built
 * and the tests use that cluster.
 *
 * Plain Node (no TypeScript), like scripts/provision-temporal.mjs.
 * Flags: --quiet (one line), --force (rebuild), --print-version (print the pinned version and stop).
 * Env:   PLANVAKT_TOOLS_DIR (default <repo>/.tools), GOTOOLCHAIN (passed on to go, if set).
 */
import { spawnSync } from 'node:child_process';
import {
  accessSync,
  constants,
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { which } from './which.mjs';

const MODULE = 'go.temporal.io/server';
const PACKAGES = [
  { pkg: 'cmd/server', built: 'server', name: 'temporal-server' },
  { pkg: 'cmd/tools/sql', built: 'sql', name: 'temporal-sql-tool' },
];

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = new Set(process.argv.slice(2));
const quiet = args.has('--quiet');
const force = args.has('--force');
let tools = resolve(process.env.PLANVAKT_TOOLS_DIR || join(repo, '.tools'));
let manifestPath = join(tools, 'temporal-server.json');

class ProvisionError extends Error {}

function say(line) {
  if (!quiet) console.log(`[planvakt] ${line}`);
}

/** The server version production runs: the auto-setup image's tag in docker-compose.yml. */
export function pinnedVersion(composeText) {
  const match = /image:\s*temporalio\/auto-setup:(\d+\.\d+\.\d+)\b/.exec(composeText);
  if (!match)
    throw new ProvisionError(
      'docker-compose.yml names no temporalio/auto-setup:<x.y.z> image; the test cluster takes its version from there.',
    );
  return `v${match[1]}`;
}

function readManifest() {
  try {
    return JSON.parse(readFileSync(manifestPath, 'utf8'));
  } catch {
    return undefined;
  }
}

function warm(manifest, version) {
  return (
    manifest?.route === 'source' &&
    manifest.version === version &&
    [manifest.server, manifest.sqlTool, join(manifest.schema ?? '', 'temporal')].every((p) => p && existsSync(p))
  );
}

function build(version) {
  const go = which('go');
  if (!go)
    throw new ProvisionError(
      `No \`go\` on PATH: ${MODULE}@${version} is compiled from the Go module proxy.\n` +
        `Fix: install Go (Debian: apt-get install golang-go, or the toolchain your platform offers), or set\n` +
        `PLANVAKT_TEST_TEMPORAL_ADDRESS=host:port to use an existing Temporal cluster.`,
    );
  const home = join(tools, 'temporal-server', version);
  const bin = join(home, 'bin');
  mkdirSync(bin, { recursive: true });
  const modCache = join(tools, 'cache', 'go-mod');
  const env = {
    ...process.env,
    GOBIN: bin,
    GOMODCACHE: modCache,
    GOCACHE: join(tools, 'cache', 'go-build'),
    // Pure Go, as the official images build it: no C compiler needed on the machine.
    CGO_ENABLED: '0',
    GOFLAGS: '-modcacherw -buildvcs=false',
  };
  const specs = PACKAGES.map((p) => `${MODULE}/${p.pkg}@${version}`);
  say(`go install ${specs.join(' ')} (compiles the Temporal server; about 10 minutes on 2 cores) …`);
  const started = Date.now();
  const res = spawnSync(go, ['install', ...specs], {
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 45 * 60_000,
  });
  if (res.status !== 0) {
    const out = `${res.stdout ?? ''}${res.stderr ?? ''}`.trim().split('\n').slice(-15).join('\n');
    throw new ProvisionError(
      `go install of ${MODULE}@${version} failed (${res.error?.message ?? `exit ${res.status}`}):\n${out}\n` +
        `If it says the module needs a newer Go, export GOTOOLCHAIN=<that go version> and run this again.`,
    );
  }
  for (const p of PACKAGES) renameSync(join(bin, p.built), join(bin, p.name));
  const schemaSource = join(modCache, `${MODULE}@${version}`, 'schema', 'postgresql');
  const schema = join(home, 'schema', 'postgresql');
  cpSync(schemaSource, schema, { recursive: true });
  return {
    route: 'source',
    version,
    server: join(bin, 'temporal-server'),
    sqlTool: join(bin, 'temporal-sql-tool'),
    schema: join(schema, 'v12'),
    seconds: Math.round((Date.now() - started) / 1000),
    written: new Date().toISOString(),
  };
}

function main() {
  const version = pinnedVersion(readFileSync(join(repo, 'docker-compose.yml'), 'utf8'));
  if (args.has('--print-version')) {
    console.log(version);
    return;
  }
  const address = process.env.PLANVAKT_TEST_TEMPORAL_ADDRESS;
  if (address) {
    console.log(
      `[planvakt] Temporal server: existing cluster at ${address} (PLANVAKT_TEST_TEMPORAL_ADDRESS), nothing built`,
    );
    return;
  }
  try {
    mkdirSync(tools, { recursive: true });
    accessSync(tools, constants.W_OK);
    // A worktree's .tools may be a link to a shared folder: the manifest names the real paths.
    tools = realpathSync(tools);
    manifestPath = join(tools, 'temporal-server.json');
  } catch (err) {
    throw new ProvisionError(
      `The tools folder ${tools} cannot be written (${err.code ?? err.message}); set PLANVAKT_TOOLS_DIR to one you can write.`,
    );
  }
  const previous = readManifest();
  if (!force && warm(previous, version)) {
    console.log(`[planvakt] Temporal server ${version}: already provisioned (${manifestPath})`);
    return;
  }
  const manifest = build(version);
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  console.log(`[planvakt] Temporal server ${version}: built in ${manifest.seconds} s → ${dirname(manifest.server)}`);
}

try {
  main();
} catch (err) {
  if (err instanceof ProvisionError) {
    console.error(`[planvakt] ERROR: ${err.message}`);
    process.exit(1);
  }
  throw err;
}
