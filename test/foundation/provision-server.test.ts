/**
 * scripts/provision-temporal-server.mjs: the real-cluster tests run the Temporal version production
 * runs, and a provisioned machine does nothing on the next run.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const script = fileURLToPath(new URL('../../scripts/provision-temporal-server.mjs', import.meta.url));
const compose = parse(readFileSync(fileURLToPath(new URL('../../docker-compose.yml', import.meta.url)), 'utf8')) as {
  services: Record<string, { image?: string }>;
};
const folders: string[] = [];
afterAll(() => folders.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** The script with a tools folder of its own and a PATH without `go`: any build attempt fails loudly. */
function provision(tools: string, args: string[] = []) {
  const res = spawnSync(process.execPath, [script, ...args], {
    encoding: 'utf8',
    env: { PATH: dirname(process.execPath), PLANVAKT_TOOLS_DIR: tools },
  });
  return { code: res.status, out: `${res.stdout}${res.stderr}` };
}

function toolsWithManifest(version: string) {
  const tools = mkdtempSync(join(tmpdir(), 'planvakt-provision-'));
  folders.push(tools);
  const home = join(tools, 'temporal-server', version);
  mkdirSync(join(home, 'bin'), { recursive: true });
  mkdirSync(join(home, 'schema', 'postgresql', 'v12', 'temporal'), { recursive: true });
  for (const bin of ['temporal-server', 'temporal-sql-tool']) {
    writeFileSync(join(home, 'bin', bin), '#!/bin/sh\n');
    chmodSync(join(home, 'bin', bin), 0o755);
  }
  writeFileSync(
    join(tools, 'temporal-server.json'),
    JSON.stringify({
      route: 'source',
      version,
      server: join(home, 'bin', 'temporal-server'),
      sqlTool: join(home, 'bin', 'temporal-sql-tool'),
      schema: join(home, 'schema', 'postgresql', 'v12'),
    }),
  );
  return tools;
}

describe('provisioning the Temporal server', () => {
  it("pins the version of the compose file's server and admin tools, which agree", () => {
    const tag = (image: string | undefined) => image?.split(':')[1];
    const server = tag(compose.services.temporal!.image);
    expect(tag(compose.services['temporal-setup']!.image)).toBe(server);
    expect(provision(tmpdir(), ['--print-version']).out.trim()).toBe(`v${server}`);
  });

  it('does nothing when the pinned version is already provisioned', () => {
    const version = provision(tmpdir(), ['--print-version']).out.trim();
    const run = provision(toolsWithManifest(version));
    expect(run.code).toBe(0);
    expect(run.out).toContain(`Temporal server ${version}: already provisioned`);
  });

  it('builds again when the pin moved, and says what to install when it cannot', () => {
    const version = provision(tmpdir(), ['--print-version']).out.trim();
    const run = provision(toolsWithManifest('v1.0.0'));
    expect(run.code).toBe(1);
    expect(run.out).toContain(`No \`go\` on PATH: go.temporal.io/server@${version}`);
    expect(run.out).toContain('PLANVAKT_TEST_TEMPORAL_ADDRESS');
  });
});
