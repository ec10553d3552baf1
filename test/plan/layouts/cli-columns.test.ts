/**
 * `planvakt import|check --kolumner FILE`: the column mapping HR gives the web app, as a file.
 * A plan with unknown headings fails with a file to start from; with the file it imports.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { run as check } from '../../../src/cli/check';
import { run as importPlan, type Io } from '../../../src/cli/import';

function capture(): Io & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => void stdout.push(t), err: (t) => void stderr.push(t) };
}
const plan = fileURLToPath(new URL('./fixtures/okanda-rubriker-2024.xlsx', import.meta.url));
const write = (name: string, text: string) => {
  const path = join(mkdtempSync(join(tmpdir(), 'planvakt-kolumner-')), name);
  writeFileSync(path, text);
  return path;
};

describe('--kolumner', () => {
  it('without it, a plan with unknown headings fails and says how to map them', async () => {
    const io = capture();
    expect(await check([plan], io)).toBe(1);
    const err = io.stderr.join('\n');
    expect(err).toContain(
      'kan inte avgöra vilken kolumn som är aktivitet, måldatum och ansvarig (blad Plan: Nr | Vad | Vem | Färdigt | Avstämning)',
    );
    expect(err).toContain('--kolumner');
    // The template lists the table's headings and what their words suggest.
    expect(err).toContain('"Nr",\n        "Vad",\n        "Vem",\n        "Färdigt",\n        "Avstämning"');
  });

  it('with a YAML mapping in HR’s words, import and check read the plan', async () => {
    const yaml = write(
      'kolumner.yaml',
      [
        'tabeller:',
        '  - rubriker: [Nr, Vad, Vem, Färdigt, Avstämning]',
        '    kolumner: [Används inte, Aktivitet, Ansvarig, Måldatum, Uppföljning]',
      ].join('\n'),
    );
    const io = capture();
    expect(await check([plan, '--kolumner', yaml], io)).toBe(0);
    expect(io.stdout.join('\n')).toBe(`${plan}: 3 aktiviteter i 1 avdelning, 0 varningar.`);
    const json = capture();
    expect(await importPlan([plan, '--kolumner', yaml, '--json'], json)).toBe(0);
    const out = JSON.parse(json.stdout.join('\n')) as { activities: number; departments: { id: string }[] };
    expect(out.activities).toBe(3);
    expect(out.departments.map((d) => d.id)).toEqual(['individ-och-familj']);
  });

  it('with a JSON mapping, the same', async () => {
    const json = write(
      'kolumner.json',
      JSON.stringify({
        tabeller: [
          {
            rubriker: ['Nr', 'Vad', 'Vem', 'Färdigt', 'Avstämning'],
            kolumner: ['ovrigt', 'aktivitet', 'ansvarig', 'maldatum', 'uppfoljning'],
          },
        ],
      }),
    );
    expect(await check([plan, '--kolumner', json], capture())).toBe(0);
  });

  it('a wrong mapping file is refused with its file, line and field, in Swedish', async () => {
    const yaml = write(
      'fel.yaml',
      ['tabeller:', '  - rubriker: [Nr, Vad, Vem]', '    kolumner: [nummer, ansvarig, måldatum]'].join('\n'),
    );
    const io = capture();
    expect(await importPlan([plan, '--kolumner', yaml], io)).toBe(1);
    const err = io.stderr.join('\n');
    expect(err).toMatch(/fel\.yaml.*rad 3.*"nummer" är ingen kolumn/);
    const noActivity = write(
      'utan-aktivitet.yaml',
      ['tabeller:', '  - rubriker: [Nr, Vad]', '    kolumner: [ovrigt, ansvarig]'].join('\n'),
    );
    const io2 = capture();
    expect(await importPlan([plan, '--kolumner', noActivity], io2)).toBe(1);
    expect(io2.stderr.join('\n')).toMatch(
      /utan-aktivitet\.yaml, rad 3, fält tabeller\.0\.kolumner: ingen kolumn är aktiviteten/,
    );
  });
});

describe('a readable plan with one table nobody can tell', () => {
  it('check warns about it and prints a --kolumner file for that table', async () => {
    const plan = write(
      'plan.md',
      [
        'Handlingsplan avdelning Förskola',
        '',
        '| Åtgärd | Ansvar | Klart senast |',
        '|---|---|---|',
        '| Ny rutin för introduktion | Rektor | 2023-05-31 |',
        '',
        '| Löpnummer | Uppdrag | Vem | Levereras |',
        '|---|---|---|---|',
        '| 7 | Kartlägg vikariebehovet | Rektor | 2023-03-31 |',
      ].join('\n'),
    );
    const io = capture();
    expect(await check([plan], io)).toBe(0);
    const err = io.stderr.join('\n');
    expect(err).toContain('tabellens rubriker (Löpnummer | Uppdrag | Vem | Levereras) anger ingen aktivitetskolumn');
    expect(err).toContain('"Löpnummer",\n        "Uppdrag",\n        "Vem",\n        "Levereras"');
  });
});
