import { describe, expect, it } from 'vitest';
import { parseDeadline, splitDeadlineCell } from '../../src/plan';

describe('parseDeadline', () => {
  it.each([
    ['2022-12-31', { kind: 'date', date: '2022-12-31', checkpoints: [] }],
    ['2022-08-31.', { kind: 'date', date: '2022-08-31', checkpoints: [] }],
    ['2022', { kind: 'year', date: '2022-12-31', checkpoints: [] }],
    ['2022-2024', { kind: 'range', date: '2024-12-31', checkpoints: ['2022-12-31', '2023-12-31'] }],
    ['2021-2022', { kind: 'range', date: '2022-12-31', checkpoints: ['2021-12-31'] }],
    ['2022/2023', { kind: 'range', date: '2023-12-31', checkpoints: ['2022-12-31'] }],
    ['2022 – 2023', { kind: 'range', date: '2023-12-31', checkpoints: ['2022-12-31'] }],
    ['Tertial 1 2022', { kind: 'tertial', date: '2022-04-30', checkpoints: [] }],
    ['tertial 2, 2022', { kind: 'tertial', date: '2022-08-31', checkpoints: [] }],
    ['T3 2023', { kind: 'tertial', date: '2023-12-31', checkpoints: [] }],
    ['Löpande', { kind: 'ongoing', checkpoints: [] }],
    ['löpande', { kind: 'ongoing', checkpoints: [] }],
    ['<p>2022-2024</p>', { kind: 'range', date: '2024-12-31', checkpoints: ['2022-12-31', '2023-12-31'] }],
    ['', { kind: 'missing', checkpoints: [] }],
    ['   ', { kind: 'missing', checkpoints: [] }],
  ])('reads %j', (raw, expected) => {
    expect(parseDeadline(raw)).toEqual({ ...expected, raw });
  });

  it.each([
    '2022-13-01',
    '2022-02-30',
    'nästa vår',
    '2024-2022',
    '22-12-31',
    '1850',
    'Tertial 4 2022',
    '2022-12-31 kanske',
  ])('does not invent a date for %j', (raw) => {
    expect(parseDeadline(raw)).toEqual({ kind: 'unreadable', checkpoints: [], raw });
  });

  it('keeps every date of a cell: the latest is the deadline, the others checkpoints', () => {
    expect(parseDeadline('2023-12-31 2022-12-31')).toMatchObject({
      kind: 'date',
      date: '2023-12-31',
      checkpoints: ['2022-12-31'],
    });
    expect(parseDeadline('Löpande, 2022')).toMatchObject({ kind: 'year', date: '2022-12-31', checkpoints: [] });
    expect(parseDeadline('2022-2023 och 2022-06-30')).toMatchObject({
      kind: 'range',
      date: '2023-12-31',
      checkpoints: ['2022-06-30', '2022-12-31'],
    });
  });
});

describe('splitDeadlineCell', () => {
  it('splits numbered items, keeping several dates of one item together', () => {
    expect(splitDeadlineCell('1. 2023-12-31 2022-12-31 2. 2023-12-31')).toEqual([
      '2023-12-31 2022-12-31',
      '2023-12-31',
    ]);
    expect(splitDeadlineCell('1.2022-12-31 2.Tertial 1 2022')).toEqual(['2022-12-31', 'Tertial 1 2022']);
  });

  it('splits space-separated values', () => {
    expect(splitDeadlineCell('2022-12-31 2022-12-31')).toEqual(['2022-12-31', '2022-12-31']);
    expect(splitDeadlineCell('2022-12-31, Tertial 2 2022')).toEqual(['2022-12-31', 'Tertial 2 2022']);
  });

  it('leaves single and unreadable cells whole', () => {
    expect(splitDeadlineCell('2022-2024')).toEqual(['2022-2024']);
    expect(splitDeadlineCell('Tertial 1 2022')).toEqual(['Tertial 1 2022']);
    expect(splitDeadlineCell('snart 2022')).toEqual(['snart 2022']);
    expect(splitDeadlineCell('')).toEqual(['']);
  });
});
