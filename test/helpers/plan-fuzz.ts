/**
 * fast-check generators of hostile plan files, shared by the importer's own fuzz test and the
 * reliability fuzzing: real plans cut and sprinkled with the characters their structure hangs
 * on, tables built from the plans' own kinds of cells, and arbitrary text.
 */
import fc from 'fast-check';

const planNoise = fc.oneof(
  fc.constantFrom(
    '|',
    '||',
    '\t',
    '<p>',
    '</p>',
    '---',
    '| |',
    '\n',
    '\r\n',
    '\uFEFF',
    '\u0000',
    '1.',
    '2022-',
    'Tertial',
    'Aktivitetsplan avdelningen x\n',
    'Nämndmål:\n',
    'Aktivitet\tStartdatum\tSlutdatum\n',
  ),
  fc.string({ unit: 'grapheme', maxLength: 12 }),
);

/** A seed file with lines dropped and repeated, `noise` inserted anywhere, and perhaps cut short. */
export function mangled(seed: string, noise: fc.Arbitrary<string> = planNoise): fc.Arbitrary<string> {
  const lines = seed.split('\n');
  return fc
    .record({
      drop: fc.array(fc.nat(lines.length - 1), { maxLength: 30 }),
      dup: fc.array(fc.nat(lines.length - 1), { maxLength: 10 }),
      inserts: fc.array(fc.tuple(fc.nat(seed.length), noise), { maxLength: 20 }),
      cut: fc.option(fc.nat(seed.length), { freq: 4 }),
    })
    .map(({ drop, dup, inserts, cut }) => {
      const dropped = new Set(drop);
      const kept = lines.flatMap((l, i) => (dropped.has(i) ? [] : dup.includes(i) ? [l, l] : [l]));
      let text = kept.join('\n');
      for (const [at, what] of inserts) {
        const i = at % (text.length + 1);
        text = text.slice(0, i) + what + text.slice(i);
      }
      return cut === null ? text : text.slice(0, cut);
    });
}

const cell = fc.oneof(
  fc.constantFrom(
    '',
    'Utveckla',
    'Rekrytera samt attrahera',
    '2022',
    '2022-2024',
    '2022/2023',
    'Löpande',
    'Tertial 2 2022',
    '1.2022-12-31 2.Tertial 1 2022',
    '2022-12-31 2022-12-31',
    '1. 2023-12-31 2022-12-31 2. 2023-12-31',
    'Rektorer',
    'BoU, AIB och vuxen',
    '1.Enhetschef 2.Avdelningchef',
    'Samtliga',
    '<p>Text.</p> <p>Mer.</p>',
    'Uppföljning per tertial och VB.',
    '2022-02-30',
  ),
  fc.string({ maxLength: 20 }),
);
const row = fc.array(cell, { minLength: 0, maxLength: 7 }).map((cells) => `| ${cells.join(' | ')} |`);
const table = fc
  .tuple(fc.boolean(), fc.array(row, { maxLength: 8 }))
  .map(([header, rows]) =>
    [
      header ? '| Vad ska vi uppnå? | Aktivitet | Måldatum | Ansvarig | Uppföljning/kommentar |' : '| | | | | |',
      '|---|---|---|---|---|',
      ...rows,
    ].join('\n'),
  );

/** A kompetensförsörjningsplan of one to three departments, each with generated tables. */
export const generatedPlan = fc
  .array(
    fc.tuple(
      fc.constantFrom('förskola', 'Äldreomsorg', 'individ och familj', ''),
      fc.array(table, { minLength: 1, maxLength: 3 }),
    ),
    { minLength: 1, maxLength: 3 },
  )
  .map((departments) =>
    departments.map(([name, tables]) => `Aktivitetsplan avdelningen ${name}\n\n${tables.join('\n\n')}`).join('\n\n'),
  );

/** Any text: code units, raw bytes as characters, and graphemes. */
export const anyText = (maxLength: number) =>
  fc.oneof(
    fc.string({ maxLength }),
    fc.string({ unit: 'binary', maxLength }),
    fc.string({ unit: 'grapheme', maxLength }),
  );
