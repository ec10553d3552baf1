import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsePlan, PlanError, planFromYaml, planSchema, planToYaml, type ParseResult } from '../../src/plan';
import { anyText, generatedPlan, mangled } from '../helpers/plan-fuzz';
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

describe('mangled plans never throw anything but a PlanError', () => {
  it.each([
    [KOMPETENSPLAN, 300],
    [VERKSAMHETSPLAN, 400],
  ])('mangled %s', (name, numRuns) => {
    fc.assert(
      fc.property(mangled(readSeed(name)), (text) => void parseOrPlanError(text)),
      { numRuns },
    );
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
      fc.property(anyText(400), (text) => {
        const result = parseOrPlanError(text);
        // Only text that says it is a plan comes back as one.
        if (!(result instanceof PlanError))
          expect(text).toMatch(/aktivitetsplan|vad ska vi uppnå|verksamhetsplan|aktivitet\t|indikator\t/i);
      }),
      { numRuns: 1000 },
    );
  });
});
