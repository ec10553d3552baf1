/**
 * The closing line CI reads (`vitest: N passed, N failed, N skipped`) must not read as green when a
 * file's setup failed: its tests are then marked skipped, and vitest's exit code alone said so.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const dir = join(root, '.data', `summary-line-${process.pid}`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function closingLine(files: Record<string, string>): string {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  // Its own config, so the project's (setup, reporters) stays out of the run under test.
  writeFileSync(join(dir, 'vitest.config.mjs'), `export default { test: { include: ['*.test.ts'] } };\n`);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  let out: string;
  try {
    out = execFileSync(
      process.execPath,
      [
        join(root, 'node_modules/vitest/vitest.mjs'),
        'run',
        '--root',
        dir,
        '--reporter',
        join(root, 'test/reporters/summary-line.ts'),
      ],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
  } catch (err) {
    out = (err as { stdout: string }).stdout;
  }
  const line = out.split('\n').find((l) => l.startsWith('vitest: '));
  if (!line) throw new Error(`no closing line in:\n${out}`);
  return line;
}

it('a file whose beforeAll throws counts as a failure, not as skipped tests only', () => {
  const line = closingLine({
    'ok.test.ts': `import { it, expect } from 'vitest';\nit('passes', () => expect(1).toBe(1));\n`,
    'setup.test.ts': `import { beforeAll, it } from 'vitest';\nbeforeAll(() => { throw new Error('setup failed'); });\nit('a', () => {});\nit('b', () => {});\n`,
  });
  expect(line).toBe('vitest: 1 passed, 1 failed, 2 skipped');
}, 60_000);
