import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsePlan, PlanError, planFromYaml, planSchema, planToYaml, type ParseResult } from '../../src/plan';
import { KOMPETENSPLAN, readSeed, VERKSAMHETSPLAN } from './seeds';

/** Parses and checks the one promise: a plan that is a valid plan.yaml, or a PlanError. */
function parseOrPlanError(text: string): ParseResult | PlanError {
  try {
    const result = parsePlan('fuzz.md', text);
    for (const w of result.warnings) expect(w).toBeInstanceOf(PlanError);
    const valid = planSchema.safeParse(result.plan);
    if (!valid.success) throw new Error(`invalid plan: ${valid.error.message}`);
    return result;
  } catch (e) {
    if (e instanceof PlanError) return e;
    throw e;
  }
}

const noise = fc.oneof(
  fc.constantFrom('|', '||', '\t', '<p>', '</p>', '---', '| |', '\n', '\r\n', '\uFEFF', '\u0000', '1.', '2022-', 'Tertial', 'Aktivitetsplan avdelningen x\n', 'Nämndmål:\n', 'Aktivitet\tStartdatum\tSlutdatum\n'),
  fc.string({ unit: 'grapheme', maxLength: 12 }),
);

/** A seed plan cut, shuffled and sprinkled with the characters its structure depends on. */
function mangled(seed: string) {
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
  fc.constantFrom('', 'Utveckla', 'Rekrytera samt attrahera', '2022', '2022-2024', '2022/2023', 'Löpande', 'Tertial 2 2022', '1.2022-12-31 2.Tertial 1 2022', '2022-12-31 2022-12-31', '1. 2023-12-31 2022-12-31 2. 2023-12-31', 'Rektorer', 'BoU, AIB och vuxen', '1.Enhetschef 2.Avdelningchef', 'Samtliga', '<p>Text.</p> <p>Mer.</p>', 'Uppföljning per tertial och VB.', '2022-02-30'),
  fc.string({ maxLength: 20 }),
);
const row = fc.array(cell, { minLength: 0, maxLength: 7 }).map((cells) => `| ${cells.join(' | ')} |`);
const table = fc
  .tuple(fc.boolean(), fc.array(row, { maxLength: 8 }))
  .map(([header, rows]) => [header ? '| Vad ska vi uppnå? | Aktivitet | Måldatum | Ansvarig | Uppföljning/kommentar |' : '| | | | | |', '|---|---|---|---|---|', ...rows].join('\n'));
const generatedPlan = fc
  .array(fc.tuple(fc.constantFrom('förskola', 'Äldreomsorg', 'individ och familj', ''), fc.array(table, { minLength: 1, maxLength: 3 })), { minLength: 1, maxLength: 3 })
  .map((departments) => departments.map(([name, tables]) => `Aktivitetsplan avdelningen ${name}\n\n${tables.join('\n\n')}`).join('\n\n'));

describe('mangled plans never throw anything but a PlanError', () => {
  it.each([
    [KOMPETENSPLAN, 300],
    [VERKSAMHETSPLAN, 400],
  ])('mangled %s', (name, numRuns) => {
    fc.assert(fc.property(mangled(readSeed(name)), (text) => void parseOrPlanError(text)), { numRuns });
  });

  it('generated tables of the plan’s own kinds of cells, which also round-trip through plan.yaml', () => {
    fc.assert(
      fc.property(generatedPlan, (text) => {
        const result = parseOrPlanError(text);
        if (result instanceof PlanError) return;
        expect(planFromYaml('plan.yaml', planToYaml(result.plan))).toEqual(result.plan);
      }),
      { numRuns: 200 },
    );
  });

  it('arbitrary text and bytes', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 400 }), fc.string({ unit: 'binary', maxLength: 400 }), fc.string({ unit: 'grapheme', maxLength: 400 })), (text) => {
        const result = parseOrPlanError(text);
        // Only text that says it is a plan comes back as one.
        if (!(result instanceof PlanError)) expect(text).toMatch(/aktivitetsplan|vad ska vi uppnå|verksamhetsplan|aktivitet\t|indikator\t/i);
      }),
      { numRuns: 1000 },
    );
  });
});
