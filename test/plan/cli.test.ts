import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run as check } from '../../src/cli/check';
import { run as importPlan, type Io } from '../../src/cli/import';
import { planFromYaml } from '../../src/plan';
import { KOMPETENSPLAN, seedPath, VERKSAMHETSPLAN } from './seeds';

function capture(): Io & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => void stdout.push(t), err: (t) => void stderr.push(t) };
}
const tmp = () => mkdtempSync(join(tmpdir(), 'planvakt-cli-'));

describe('planvakt import', () => {
  it('prints a Swedish summary per avdelning', async () => {
    const io = capture();
    expect(await importPlan([seedPath(KOMPETENSPLAN)], io)).toBe(0);
    const text = io.stdout.join('\n');
    expect(text).toContain('Avdelning Äldreomsorg\n  Antal aktiviteter: 11 (varav delmål: 4)');
    expect(text).toContain('Måldatum per månad: 2022-04: 1, 2022-12: 7, 2023-12: 5');
    expect(text).toMatch(/Avdelning Stadsutveckling\n.*\n  Måldatum per månad: 2022-12: 7, löpande: 2/);
    expect(text).toContain('rad 283, fält Måldatum (delmål 1)');
  });

  it('prints JSON for machines and writes plan.yaml with --out, then diffs against it', async () => {
    const out = join(tmp(), 'plan.yaml');
    const io = capture();
    expect(await importPlan([seedPath(VERKSAMHETSPLAN), '--out', out, '--json'], io)).toBe(0);
    const json = JSON.parse(io.stdout.join('\n'));
    expect(json).toMatchObject({ kind: 'verksamhetsplan', activities: 11, written: out, warnings: [] });
    expect(json.departments[0]).toMatchObject({ id: 'forskola', unit: 'resursenheten', activities: 11, indicators: 5 });
    expect(planFromYaml('plan.yaml', readFileSync(out, 'utf8')).departments[0]?.id).toBe('forskola');

    const again = capture();
    expect(await importPlan([out, '--out', out], again)).toBe(0);
    expect(again.stdout.join('\n')).toContain('0 nya, 0 borttagna, 0 ändrade, 11 oförändrade aktiviteter');
  });

  it('exits 1 naming the file for an unreadable plan, 2 for wrong usage', async () => {
    const bad = join(tmp(), 'tom.md');
    writeFileSync(bad, '');
    const io = capture();
    expect(await importPlan([bad], io)).toBe(1);
    expect(io.stderr).toEqual(['tom.md: tom fil']);
    expect(await importPlan([], capture())).toBe(2);
    expect(await importPlan(['a', '--bogus'], capture())).toBe(2);
  });

  it('--passed takes only the three choices Importera offers', async () => {
    const io = capture();
    expect(await importPlan([seedPath(KOMPETENSPLAN), '--apply', '--passed', 'loud'], io)).toBe(2);
    expect(io.stderr.join('\n')).toContain('--passed loud: välj historical, ask eller overdue.');
    const help = capture();
    expect(await importPlan(['--help'], help)).toBe(0);
    expect(help.stdout.join('\n')).toContain('[--passed historical|ask|overdue]');
  });
});

describe('planvakt check', () => {
  it('validates without writing; --strict fails on warnings', async () => {
    const dir = tmp();
    const io = capture();
    expect(await check([seedPath(KOMPETENSPLAN)], io)).toBe(0);
    expect(io.stdout.at(-1)).toMatch(/73 aktiviteter i 5 avdelningar, 1 varning\.$/);
    expect(io.stderr).toHaveLength(1);
    expect(await check([seedPath(KOMPETENSPLAN), '--strict'], capture())).toBe(1);
    expect(await check([seedPath(VERKSAMHETSPLAN), '--strict'], capture())).toBe(0);
    expect(existsSync(join(dir, 'plan.yaml'))).toBe(false);
  });

  it('reports a broken plan.yaml by line and field', async () => {
    const path = join(tmp(), 'plan.yaml');
    writeFileSync(
      path,
      'kind: kompetensforsorjningsplan\ntitle: x\nfile: x\ndepartments:\n  - id: Förskola\n    name: x\n',
    );
    const io = capture();
    expect(await check([path, '--json'], io)).toBe(1);
    expect(JSON.parse(io.stdout.join('\n')).errors[0]).toMatchObject({
      file: 'plan.yaml',
      line: 5,
      field: 'departments.0.id',
    });
  });
});
