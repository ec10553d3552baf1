import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SEARCH_ATTRIBUTES } from '../../src/temporal/search-attributes';

const read = (path: string) => readFileSync(fileURLToPath(new URL(`../../${path}`, import.meta.url)), 'utf8');
const readme = read('README.md');

/** The rows of the first Markdown table after a heading, as arrays of cells. */
function tableAfter(heading: string): string[][] {
  const start = readme.indexOf(heading);
  expect(start, `README has "${heading}"`).toBeGreaterThanOrEqual(0);
  const lines = readme.slice(start).split('\n');
  const first = lines.findIndex((l) => l.startsWith('|'));
  const rows: string[][] = [];
  for (const line of lines.slice(first + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(
      line
        .split('|')
        .slice(1, -1)
        .map((c) => c.trim()),
    );
  }
  return rows;
}

const ticked = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);

describe('docker-compose.yml', () => {
  // Compose honours YAML merge keys (`<<: *planvakt-env`), so the test must too.
  const compose = parse(read('docker-compose.yml'), { merge: true });
  const services = Object.keys(compose.services);

  it('has exactly the services the README promises', () => {
    const promised = tableAfter('## Production').map((row) => ticked(row[0]!)[0]);
    expect(services.sort()).toEqual([...promised].sort());
  });

  it('points both Planvakt services at the Temporal service in production mode', () => {
    for (const name of ['planvakt-worker', 'planvakt-web']) {
      const env = compose.services[name].environment;
      expect(env.TEMPORAL_ADDRESS).toBe('temporal:7233');
      expect(env.PLANVAKT_MODE).toBe('production');
    }
    expect(compose.services['planvakt-web'].environment.PLANVAKT_HOST).toBe('0.0.0.0');
  });

  it('gives every Planvakt process the one shared database, which the setup step creates', () => {
    for (const name of ['planvakt-worker', 'planvakt-web'])
      expect(compose.services[name].environment.DATABASE_URL).toMatch(
        /^postgres:\/\/temporal:.+@postgresql:5432\/planvakt$/,
      );
    const setup = compose.services['temporal-setup'];
    expect(setup.command.join(' ')).toContain('temporal-sql-tool --db planvakt create-database');
    expect(setup.environment.SQL_HOST).toBe('postgresql');
  });

  it("migrates Planvakt's database once before any worker or web app starts, which then keep nothing on disk", () => {
    const migrate = compose.services['planvakt-migrate'];
    expect(migrate.command).toEqual(['planvakt', 'migrate']);
    expect(migrate.environment.DATABASE_URL).toMatch(/@postgresql:5432\/planvakt$/);
    for (const name of ['planvakt-worker', 'planvakt-web']) {
      const service = compose.services[name];
      expect(service.depends_on['planvakt-migrate'].condition).toBe('service_completed_successfully');
      expect(service.read_only).toBe(true);
      // Only the config folder, read-only: no data volume.
      expect(service.volumes).toEqual(['./config:/app/config:ro']);
    }
  });

  it('gives the Temporal server the visibility rate Översikt needs, from a mounted dynamic config file', () => {
    const temporal = compose.services.temporal;
    const mount = (temporal.volumes as string[]).find((v) => v.startsWith('./deploy/temporal/dynamicconfig.yaml:'));
    expect(mount).toBeDefined();
    const inContainer = mount!.split(':')[1]!;
    expect(`/etc/temporal/${temporal.environment.DYNAMIC_CONFIG_FILE_PATH}`).toBe(inContainer);
    const dynamic = parse(read('deploy/temporal/dynamicconfig.yaml'));
    // Temporal's default is 10 calls per second per namespace (issue 21).
    expect(dynamic['frontend.namespaceRPS.visibility'][0].value).toBeGreaterThan(10);
  });

  it('registers every search attribute the code defines', () => {
    const command: string = compose.services['temporal-setup'].command.join(' ');
    const registered = [...command.matchAll(/--name (\w+) --type (\w+)/g)].map((m) => m[1]);
    expect(registered.sort()).toEqual(SEARCH_ATTRIBUTES.map((k) => k.name).sort());
  });
});

describe('README', () => {
  it('gives one install-and-start and one install-and-test command, and CI runs the latter', () => {
    const blocks = [...readme.matchAll(/```sh\n([^`]+)```/g)].map((m) => m[1]!.trim());
    expect(blocks.slice(0, 2)).toEqual(['npm install && npm start', 'npm install && npm test']);
    expect(read('.ci/run')).toContain('npm install --no-audit --no-fund && npm test');
  });

  it('says why every dependency is there', () => {
    const pkg = JSON.parse(read('package.json'));
    const explained = new Set(tableAfter('## Dependencies').flatMap((row) => ticked(row[0]!)));
    const declared = [...Object.keys(pkg.dependencies), ...Object.keys(pkg.devDependencies)];
    expect(declared.filter((d) => !explained.has(d))).toEqual([]);
  });
});

describe('Node.js', () => {
  // Node 20 reached end of life on 2026-04-30; Planvakt runs on the current LTS, 24, which
  // `npm install` brings as the `node` package where the machine's own Node is older.
  const pkg = JSON.parse(read('package.json')) as { devDependencies: Record<string, string> };

  it('the tests run on the Node the project pins, the current LTS (24)', () => {
    expect(pkg.devDependencies.node?.split('.')[0]).toBe('24');
    expect(process.versions.node).toBe(pkg.devDependencies.node);
  });

  it('the image runs the same major version', () => {
    expect(read('Dockerfile')).toMatch(/^FROM node:24-/m);
  });
});
