/**
 * Översikt's list without Temporal (issue 19): the search over activity text and owners, the sort
 * by every column, the numbered pages, and the export's cells neutralised against formulas.
 */
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import {
  cleanFilters,
  matchesFilters,
  matchesSearch,
  pageNumbers,
  pageOf,
  searchForm,
  sortRows,
  type OverviewRow,
} from '../../src/web/app/overview-list';
import { overviewCsv, overviewWorkbook } from '../../src/web/app/overview-export';
import type { ListedActivity } from '../../src/web/app/visibility';

function listed(over: Partial<ListedActivity> = {}): ListedActivity {
  return {
    workflowId: 'activity-x',
    activityId: 'x',
    running: true,
    department: 'forskola',
    ownerRoles: [],
    overdue: false,
    ...over,
  };
}

function row(over: Partial<OverviewRow> & { id?: string; date?: string } = {}): OverviewRow {
  const { id = 'x', date, ...rest } = over;
  return {
    listed: listed({ activityId: id, workflowId: `activity-${id}`, ...(date ? { deadline: date } : {}) }),
    text: 'Aktivitet',
    department: 'Förskola',
    ownerRoles: [],
    ownerNames: [],
    status: 'Ej rapporterad',
    ...(date ? { deadline: date } : {}),
    ...rest,
  };
}

describe('the search', () => {
  const r = row({
    text: 'Öka andelen förskollärare med legitimation; idéer från personalen',
    ownerRoles: ['Rektor'],
    ownerNames: ['Rut Rektor', 'Sven Åström'],
  });

  it('finds by any part of the text or the owners, whatever the case, every word somewhere', () => {
    expect(matchesSearch(r, 'FÖRSKOLLÄRARE')).toBe(true);
    expect(matchesSearch(r, 'rektor')).toBe(true);
    expect(matchesSearch(r, 'sven legitimation')).toBe(true);
    expect(matchesSearch(r, 'sven barnskötare')).toBe(false);
    expect(matchesSearch(r, undefined)).toBe(true);
  });

  it('ignores accents such as é, and finds å, ä, ö from a search without them, but not the other way', () => {
    expect(matchesSearch(r, 'ideer')).toBe(true);
    expect(matchesSearch(r, 'forskollarare')).toBe(true);
    expect(matchesSearch(r, 'astrom')).toBe(true);
    // "för" is a word of its own in Swedish: typed with ö it does not find "for".
    expect(matchesSearch(row({ text: 'Planera for framtiden' }), 'för')).toBe(false);
    expect(matchesSearch(row({ text: 'Planera för framtiden' }), 'för')).toBe(true);
    expect(searchForm('Åsa Éclair', false)).toBe('asa eclair');
    expect(searchForm('Åsa Éclair', true)).toBe('åsa eclair');
  });

  it('keeps a search text of at most 200 characters, without control characters', () => {
    expect(cleanFilters({ sok: '  språk\u0000 och\tläsning ' }, [], [])).toEqual({ sok: 'språk och läsning' });
    expect(cleanFilters({ sok: 'x'.repeat(500) }, [], []).sok).toHaveLength(200);
    expect(cleanFilters({ sortera: 'drop table', ordning: 'upp', sida: '0' }, [], [])).toEqual({});
    expect(cleanFilters({ sortera: 'status', ordning: 'fallande', sida: '3' }, [], [])).toEqual({
      sortera: 'status',
      ordning: 'fallande',
      sida: 3,
    });
  });
});

describe('the filters, as the list query had them', () => {
  it('keeps the person’s avdelningar, the chosen enhet, role, category and month, and never a removed activity', () => {
    const f = { avdelning: 'forskola', roll: 'rektor' as const, status: 'late' as const, manad: '2022-06' };
    const late = listed({ ownerRoles: ['rektor'], deadline: '2022-06-30', overdue: true });
    expect(matchesFilters(late, f, ['forskola'])).toBe(true);
    expect(matchesFilters({ ...late, department: 'aldreomsorg' }, {}, ['forskola'])).toBe(false);
    expect(matchesFilters({ ...late, deadline: '2022-07-01' }, f, ['forskola'])).toBe(false);
    expect(matchesFilters({ ...late, ownerRoles: ['forskolechef'] }, f, ['forskola'])).toBe(false);
    expect(matchesFilters({ ...late, overdue: false }, f, ['forskola'])).toBe(false);
    expect(matchesFilters({ ...late, unit: 'a' }, { enhet: 'b' }, ['forskola'])).toBe(false);
    // Removed from the plan: its lifecycle ended without Klar.
    expect(matchesFilters({ ...late, running: false }, {}, ['forskola'])).toBe(false);
  });
});

describe('the sort', () => {
  const rows = [
    row({ id: 'a', text: 'Öva', date: '2022-09-01', status: 'Pågår', ownerRoles: ['Rektor'] }),
    row({ id: 'b', text: 'ärende 10', date: '2022-06-30', status: 'Klar', department: 'Äldreomsorg' }),
    row({ id: 'c', text: 'Arbeta', status: 'Försenad', ownerRoles: ['Avdelningschef'] }),
    row({ id: 'd', text: 'ärende 9', date: '2022-06-30', status: 'Ej påbörjad', unit: 'Björken' }),
    row({ id: 'e', text: 'Zonindelning' }),
  ];
  const ids = (list: OverviewRow[]) => list.map((r) => r.listed.activityId);

  it('by Måldatum, earliest first, by default; rows without a date last; ties by text', () => {
    expect(ids(sortRows(rows, {}))).toEqual(['d', 'b', 'a', 'c', 'e']);
  });

  it('by text in Swedish order (å, ä, ö after z; numbers as numbers), both ways', () => {
    expect(ids(sortRows(rows, { sortera: 'aktivitet' }))).toEqual(['c', 'e', 'd', 'b', 'a']);
    expect(ids(sortRows(rows, { sortera: 'aktivitet', ordning: 'fallande' }))).toEqual(['a', 'b', 'd', 'e', 'c']);
  });

  it('by avdelning, status and owners as shown', () => {
    expect(ids(sortRows(rows, { sortera: 'avdelning' }))[4]).toBe('b');
    expect(ids(sortRows(rows, { sortera: 'status' }))).toEqual(['d', 'e', 'c', 'b', 'a']);
    expect(ids(sortRows(rows, { sortera: 'ansvariga' }))).toEqual(['d', 'b', 'e', 'c', 'a']);
  });
});

describe('the pages', () => {
  it('50 to a page, the page clamped to those there are', () => {
    const many = Array.from({ length: 120 }, (_, i) => i);
    expect(pageOf(many, 1)).toMatchObject({ page: 1, pages: 3, from: 1, to: 50 });
    expect(pageOf(many, 3)).toMatchObject({ page: 3, pages: 3, from: 101, to: 120 });
    expect(pageOf(many, 3).rows).toHaveLength(20);
    expect(pageOf(many, 9)).toMatchObject({ page: 3 });
    expect(pageOf([], 1)).toMatchObject({ page: 1, pages: 1, from: 0, to: 0 });
  });

  it('every number up to nine pages; then the first, the last and two either side of the current', () => {
    expect(pageNumbers(1, 3)).toEqual([1, 2, 3]);
    expect(pageNumbers(10, 20)).toEqual([1, null, 8, 9, 10, 11, 12, null, 20]);
    expect(pageNumbers(1, 20)).toEqual([1, 2, 3, null, 20]);
    expect(pageNumbers(19, 20)).toEqual([1, null, 17, 18, 19, 20]);
  });
});

describe('the export', () => {
  const evil = row({
    text: "=cmd|' /C calc'!A0",
    ownerRoles: ['Rektor'],
    ownerNames: ['@Anna; "Rektor"'],
    date: '2022-06-30',
  });

  it('CSV: Swedish headers, `;` between cells, plan text that looks like a formula starts with an apostrophe', () => {
    const csv = overviewCsv([evil]);
    expect(
      csv.startsWith('\uFEFFAktivitet;Avdelning;Enhet;Ansvariga roller;Ansvariga personer;Status;Måldatum\r\n'),
    ).toBe(true);
    expect(csv).toContain(`'=cmd|' /C calc'!A0;Förskola;;Rektor;"'@Anna; ""Rektor""";Ej rapporterad;2022-06-30\r\n`);
  });

  it('Excel: the same, the text as text and the Måldatum a date', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await overviewWorkbook([evil], { selection: 'alla', readAt: 'nu' }).xlsx.writeBuffer());
    const ws = wb.getWorksheet('Översikt')!;
    expect(ws.getRow(1).values).toEqual([
      undefined,
      'Aktivitet',
      'Avdelning',
      'Enhet',
      'Ansvariga roller',
      'Ansvariga personer',
      'Status',
      'Måldatum',
    ]);
    expect(ws.getCell('A2').value).toBe("'=cmd|' /C calc'!A0");
    expect(ws.getCell('A2').formula).toBeUndefined();
    expect(ws.getCell('E2').value).toBe(`'@Anna; "Rektor"`);
    expect(ws.getCell('G2').value).toEqual(new Date('2022-06-30T00:00:00Z'));
  });
});
