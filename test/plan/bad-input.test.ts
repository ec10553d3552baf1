import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePlan, placedActivities, PlanError, readPlanFile } from '../../src/plan';
import { KOMPETENSPLAN, readSeed, VERKSAMHETSPLAN } from './seeds';

const HEADER =
  '| Vad ska vi uppnå? | Aktivitet Hur gör vi det? | Måldatum När ska det vara klart? | Ansvarig | Uppföljning/kommentar |';
/** A one-department plan whose first row is on line 5. */
function mini(...rows: string[]): string {
  return ['Aktivitetsplan avdelningen förskola', '', HEADER, '|---|---|---|---|---|', ...rows].join('\n');
}

function thrown(fn: () => unknown): PlanError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(PlanError);
    return e as PlanError;
  }
  throw new Error('expected a PlanError');
}

describe('files with nothing usable', () => {
  it('refuses an empty file, naming the file', () => {
    for (const text of ['', '\n\n  \n', '\uFEFF']) {
      const e = thrown(() => parsePlan('tom.md', text));
      expect(e.location).toEqual({ file: 'tom.md' });
      expect(e.messageSv).toBe('tom.md: tom fil');
    }
  });

  it('refuses a binary file', () => {
    const e = thrown(() => parsePlan('plan.docx', 'PK\u0003\u0004\u0000\u0000\u0008\u0000word/document.xml'));
    expect(e.detail).toMatch(/binary/);
  });

  it('refuses bytes that are not UTF-8 when reading from disk', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'planvakt-'));
    const path = join(dir, 'plan.md');
    writeFileSync(path, Buffer.from([0x41, 0x6b, 0x74, 0xff, 0xfe, 0x00, 0x12]));
    await expect(readPlanFile(path)).rejects.toBeInstanceOf(PlanError);
    await expect(readPlanFile(join(dir, 'finns-inte.md'))).rejects.toBeInstanceOf(PlanError);
  });

  it('refuses a file in neither format', () => {
    const e = thrown(() =>
      parsePlan('brev.txt', 'Hej!\n\nHär kommer protokollet från mötet.\n| a | b |\n|---|---|\n| 1 | 2 |\n'),
    );
    expect(e.detailSv).toMatch(/varken en kompetensförsörjningsplan .* eller en verksamhetsplan/);
  });
});

describe('CRLF and BOM', () => {
  it.each([KOMPETENSPLAN, VERKSAMHETSPLAN])('read %s the same with a BOM and CRLF line ends', (name) => {
    const text = readSeed(name);
    const plain = parsePlan(name, text);
    const windows = parsePlan(name, `\uFEFF${text.replace(/\n/g, '\r\n')}`);
    expect(windows.plan).toEqual(plain.plan);
    expect(windows.warnings.map((w) => w.message)).toEqual(plain.warnings.map((w) => w.message));
  });
});

describe('rows a planner would still want imported', () => {
  it('keeps an activity with an unparseable date and names file, line and field', () => {
    const { plan, warnings } = parsePlan(
      'p.md',
      mini('| Mål | Aktivitet A | 2022-13-45 | Rektor | |', '| Mål | Aktivitet B | 2022-12-31 | Rektor | |'),
    );
    const [a, b] = placedActivities(plan).map((p) => p.activity);
    expect(a?.deadline).toEqual({ kind: 'unreadable', checkpoints: [], raw: '2022-13-45' });
    expect(b?.deadline.date).toBe('2022-12-31');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toBeInstanceOf(PlanError);
    expect(warnings[0]?.location).toEqual({ file: 'p.md', line: 5, field: 'Måldatum' });
    expect(warnings[0]?.messageSv).toBe('p.md, rad 5, fält Måldatum: kan inte läsa "2022-13-45" som ett datum');
  });

  it('warns about an empty deadline and keeps the activity without one', () => {
    const { plan, warnings } = parsePlan('p.md', mini('| Mål | Aktivitet A | | Rektor | Följs upp i VB |'));
    expect(placedActivities(plan)[0]?.activity.deadline).toEqual({ kind: 'missing', checkpoints: [], raw: '' });
    expect(warnings.map((w) => [w.location.line, w.location.field, w.detailSv])).toEqual([
      [5, 'Måldatum', 'måldatum saknas'],
    ]);
  });

  it('warns about a row with the wrong number of cells and keeps all its text', () => {
    const { plan, warnings } = parsePlan(
      'p.md',
      mini('| Mål | Aktivitet A | 2022 | Rektor |', '| Mål | Aktivitet B | 2022 | Rektor | VB | extra |'),
    );
    const activities = placedActivities(plan).map((p) => p.activity);
    expect(activities).toHaveLength(2);
    expect(activities[1]?.followUp).toBe('VB extra');
    expect(warnings.map((w) => w.location.line)).toEqual([5, 6]);
    expect(warnings[0]?.detailSv).toBe('raden har 4 celler, tabellen har 5 kolumner');
  });

  it('reads a table with no header row with the plan’s columns, and says so', () => {
    const text = [
      'Aktivitetsplan avdelningen stadsutveckling',
      '',
      '| Mål | Aktivitet A | 2022-12-31 | Enhetschef | |',
      '| Mål 2 | Aktivitet B | Löpande | Enhetschef | |',
    ].join('\n');
    const { plan, warnings } = parsePlan('p.md', text);
    expect(placedActivities(plan).map((p) => p.activity.text)).toEqual(['Aktivitet A', 'Aktivitet B']);
    expect(warnings.map((w) => [w.location.line, w.detailSv])).toEqual([[3, 'tabell utan rubrikrad']]);
  });

  it('warns about an owner it does not know', () => {
    const { warnings } = parsePlan('p.md', mini('| Mål | Aktivitet | 2022 | Vaktmästaren | |'));
    expect(warnings.map((w) => [w.location.line, w.location.field])).toEqual([[5, 'Ansvarig']]);
  });

  it('reads a verksamhetsplan’s bad rows as warnings too', () => {
    const text = [
      'Verksamhetsplan 2021 för Resursenheten',
      'Nämndmål:',
      'Ett mål',
      'Aktivitet\tStartdatum\tSlutdatum',
      'Gör A\t2021-01-01\t2021-31-12',
      'Gör B\t2021-01-01',
      '',
      'Något\tutan\trubrik',
      '',
      'Indikator\tÅrsmål\tKF:s årsmål\tPeriodicitet',
      'Andel nöjda\t90 %\t\tVarannan vecka',
    ].join('\n');
    const { plan, warnings } = parsePlan('vp.txt', text);
    expect(placedActivities(plan).map((p) => p.activity.deadline.kind)).toEqual(['unreadable', 'missing']);
    expect(warnings.map((w) => [w.location.line, w.location.field ?? null])).toEqual([
      [3, null], // a goal outside any KF-mål (the goal's line)
      [5, 'Slutdatum'],
      [6, null], // 2 cells of 3
      [6, 'Slutdatum'],
      [8, null], // no header
      [11, 'Periodicitet'],
    ]);
  });
});
