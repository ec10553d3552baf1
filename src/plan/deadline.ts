/**
 * Måldatum as a planner reads it. `parseDeadline` reads one deadline (a whole cell, or one item
 * of a numbered cell); `splitDeadlineCell` finds the items of a cell that holds several, which
 * the readers turn into milestones.
 */
import type { Deadline } from './model';
import { cleanCell, splitNumbered } from './text';
import type { IsoDate } from '../domain';

/** Last day of each tertial: T1 jan–apr, T2 maj–aug, T3 sep–dec. */
const TERTIAL_END = { 1: '04-30', 2: '08-31', 3: '12-31' } as const;

type Value = Omit<Deadline, 'raw'> & { source: string };

/** Tried in order at each position; a full date before a range before a bare year. */
const TOKENS: { re: RegExp; read: (m: RegExpExecArray) => Omit<Value, 'source'> | undefined }[] = [
  {
    re: /(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)/y,
    read: (m) => {
      const date = isoDate(Number(m[1]), Number(m[2]), Number(m[3]));
      return date ? { kind: 'date', date, checkpoints: [] } : undefined;
    },
  },
  {
    re: /(\d{4})\s*[-–/]\s*(\d{4})(?![\d-])/y,
    read: (m) => {
      const first = Number(m[1]);
      const last = Number(m[2]);
      if (!plausibleYear(first) || !plausibleYear(last) || last < first || last - first > 20) return undefined;
      const checkpoints: IsoDate[] = [];
      for (let y = first; y < last; y++) checkpoints.push(`${y}-12-31`);
      return { kind: 'range', date: `${last}-12-31`, checkpoints };
    },
  },
  {
    re: /(?:tertial|t)\s*([123])\s*[,:]?\s*(?:år\s*)?(\d{4})(?!\d)/iy,
    read: (m) => {
      const year = Number(m[2]);
      const t = Number(m[1]) as 1 | 2 | 3;
      return plausibleYear(year) ? { kind: 'tertial', date: `${year}-${TERTIAL_END[t]}`, checkpoints: [] } : undefined;
    },
  },
  {
    re: /(\d{4})(?![\d-])/y,
    read: (m) => {
      const year = Number(m[1]);
      return plausibleYear(year) ? { kind: 'year', date: `${year}-12-31`, checkpoints: [] } : undefined;
    },
  },
  {
    re: /(?:löpande|fortlöpande|kontinuerligt|pågående)(?![\p{L}])/iuy,
    read: () => ({ kind: 'ongoing', checkpoints: [] }),
  },
];

/** What may stand between values: spaces, commas, a trailing full stop, "och", "samt". */
const SEPARATOR = /(?:[\s,;.&]+|(?:och|samt|resp\.?)(?![\p{L}]))+/iuy;

/** The values of a deadline text in order, or undefined when some part of it is not a deadline. */
function readValues(text: string): Value[] | undefined {
  const values: Value[] = [];
  let pos = 0;
  while (pos < text.length) {
    SEPARATOR.lastIndex = pos;
    if (SEPARATOR.exec(text)) {
      pos = SEPARATOR.lastIndex;
      if (pos >= text.length) break;
    }
    let read: Value | undefined;
    for (const token of TOKENS) {
      token.re.lastIndex = pos;
      const m = token.re.exec(text);
      if (!m) continue;
      const value = token.read(m);
      if (!value) return undefined;
      read = { ...value, source: m[0] };
      pos = token.re.lastIndex;
      break;
    }
    if (!read) return undefined;
    values.push(read);
  }
  return values;
}

/**
 * One deadline. Several values in one item ("2023-12-31 2022-12-31") keep the latest as the
 * deadline and the others as checkpoints, so no date the planner wrote is dropped.
 */
export function parseDeadline(raw: string): Deadline {
  const text = cleanCell(raw).replace(/\n/g, ' ');
  if (text === '') return { kind: 'missing', checkpoints: [], raw };
  const values = readValues(text);
  if (!values) return { kind: 'unreadable', checkpoints: [], raw };
  const dated = values.filter((v) => v.date !== undefined);
  return dated.length === 0 ? { kind: 'ongoing', checkpoints: [], raw } : latestOf(raw, dated);
}

/** How many separate deadlines one item names ("2023-12-31 2022-12-31" names two). */
export function countDeadlineValues(raw: string): number {
  return readValues(cleanCell(raw).replace(/\n/g, ' '))?.length ?? 1;
}

/**
 * The items of a cell that holds several deadlines, each to become a milestone: the numbered
 * items of "1.2022-12-31 2.Tertial 1 2022", or each value of "2022-12-31 2022-12-31". A cell
 * with one deadline (or one that cannot be read) is one item.
 */
export function splitDeadlineCell(raw: string): string[] {
  const text = cleanCell(raw).replace(/\n/g, ' ');
  const numbered = splitNumbered(text);
  if (numbered) return numbered.map((p) => p.text);
  const values = readValues(text);
  if (!values || values.length < 2) return [raw];
  return values.map((v) => v.source);
}

/** The latest day among deadlines, with every other day as a checkpoint; for a row's milestones. */
export function combineDeadlines(raw: string, parts: readonly Deadline[]): Deadline {
  const dated = parts.filter((d) => d.date !== undefined);
  return dated.length === 0 ? parseDeadline(raw) : latestOf(raw, dated);
}

function latestOf(raw: string, dated: readonly Omit<Deadline, 'raw'>[]): Deadline {
  const last = dated.reduce((a, b) => ((b.date ?? '') > (a.date ?? '') ? b : a));
  const days = new Set(dated.flatMap((d) => [...d.checkpoints, d.date ?? '']));
  days.delete(last.date ?? '');
  return { kind: last.kind, date: last.date, checkpoints: [...days].sort(), raw };
}

function plausibleYear(year: number): boolean {
  return year >= 1990 && year <= 2100;
}

function isoDate(year: number, month: number, day: number): IsoDate | undefined {
  if (!plausibleYear(year) || month < 1 || month > 12 || day < 1) return undefined;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day > daysInMonth) return undefined;
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}
