import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SourceErrors } from '../../src/config/source-error';
import { diffPlans, parsePlan, placedActivities, planFromYaml, planToYaml, readPlanFile } from '../../src/plan';
import { KOMPETENSPLAN, readSeed, VERKSAMHETSPLAN } from './seeds';

const komp = parsePlan(KOMPETENSPLAN, readSeed(KOMPETENSPLAN)).plan;
const vp = parsePlan(VERKSAMHETSPLAN, readSeed(VERKSAMHETSPLAN)).plan;

function errorsOf(text: string) {
  try {
    planFromYaml('plan.yaml', text);
  } catch (e) {
    expect(e).toBeInstanceOf(SourceErrors);
    return (e as SourceErrors).errors;
  }
  throw new Error('expected errors');
}

describe('plan.yaml', () => {
  it.each([
    ['kompetensförsörjningsplan', komp],
    ['verksamhetsplan', vp],
  ])('round-trips the %s without loss', (_, plan) => {
    const yaml = planToYaml(plan);
    expect(planFromYaml('plan.yaml', yaml)).toStrictEqual(JSON.parse(JSON.stringify(plan)));
    expect(planToYaml(planFromYaml('plan.yaml', yaml))).toBe(yaml);
  });

  it('is readable: Swedish guidance on top, one activity per block, no YAML aliases', () => {
    const yaml = planToYaml(komp);
    expect(yaml.startsWith('# plan.yaml – Planvakts tolkning av planen.')).toBe(true);
    expect(yaml).not.toMatch(/[*&][a-z]\d/);
    expect(yaml).toContain('raw: Tertial 1 2022');
    expect(yaml).toContain('raw: "2022"');
  });

  it('takes HR’s hand corrections: same ids, the changed fields reported', () => {
    const yaml = planToYaml(komp)
      .replace('raw: Tertial 1 2022', 'raw: Tertial 2 2022')
      .replace('date: 2022-04-30', 'date: 2022-08-31');
    const corrected = planFromYaml('plan.yaml', yaml);
    const diff = diffPlans(komp, corrected);
    expect(diff.added).toEqual([]);
    expect(diff.removed).toEqual([]);
    expect(diff.changed.map((c) => c.fields.map((f) => f.field))).toEqual([['deadline', 'milestones']]);
  });

  it('names the line and field of a wrong value', () => {
    const yaml = planToYaml(komp);
    const lines = yaml.split('\n');
    const roleLine = lines.findIndex((l) => /^\s*- role: rektor$/.test(l));
    expect(roleLine).toBeGreaterThan(0);
    lines[roleLine] = `${lines[roleLine]}n`;
    const [err] = errorsOf(lines.join('\n'));
    expect(err?.location.line).toBe(roleLine + 1);
    expect(err?.location.field).toMatch(/^departments\.0\.sections\.0\.goals\.0\.activities\.0\.owners\.0\.role$/);
  });

  it('refuses impossible dates, a date on an ongoing deadline, unknown keys and duplicate ids', () => {
    const yaml = planToYaml(komp);
    expect(errorsOf(yaml.replace('date: 2022-12-31', 'date: 2022-02-30'))[0]?.location.field).toMatch(
      /deadline\.date$/,
    );
    expect(errorsOf(yaml.replace('date: 2022-12-31', 'date: 2022-99-01'))[0]?.detailSv).toBe('det datumet finns inte');
    expect(
      errorsOf(yaml.replace('kind: ongoing', 'kind: ongoing\n                  date: 2022-12-31'))[0]?.detail,
    ).toMatch(/date is required .* not allowed otherwise/);
    expect(errorsOf(yaml.replace('followUp: Följs upp', 'folowUp: Följs upp'))[0]?.location.field).toMatch(
      /activities\.0$/,
    );
    const [first, second] = placedActivities(komp).map((p) => p.activity.id);
    const dup = errorsOf(yaml.replace(`id: ${second}`, `id: ${first}`));
    expect(dup[0]?.detail).toBe(`id ${first} is used by another activity`);
    expect(dup[0]?.detailSv).toBe(`id ${first} används redan av en annan aktivitet`);
    expect(dup[0]?.location.line).toBe(yaml.split('\n').findIndex((l) => l.includes(`id: ${second}`)) + 1);
  });

  it('throws nothing but SourceErrors for a mangled plan.yaml', () => {
    const yaml = planToYaml(vp);
    fc.assert(
      fc.property(fc.nat(yaml.length), fc.nat(yaml.length), fc.string({ maxLength: 8 }), (at, cut, what) => {
        const text = (yaml.slice(0, at) + what + yaml.slice(at)).slice(0, Math.max(cut, at));
        try {
          planFromYaml('plan.yaml', text);
        } catch (e) {
          if (!(e instanceof SourceErrors)) throw e;
        }
      }),
      { numRuns: 150 },
    );
  });

  it('is what `readPlanFile` reads back from a .yaml file', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'planvakt-')), 'plan.yaml');
    writeFileSync(path, planToYaml(vp));
    const { plan, warnings } = await readPlanFile(path);
    expect(warnings).toEqual([]);
    expect(plan).toEqual(vp);
  });
});
