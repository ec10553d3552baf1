/**
 * Förhandsvisning's default year is the plan's own: the kompetensförsörjningsplan 2021–2023 has
 * most of its Måldatum in 2022 (its activity rows are dated through 2022, a few reach into
 * 2023–2025 as delmål and checkpoints), the verksamhetsplan 2020 all of its in 2020.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parsePlan } from '../../src/plan';
import { defaultPreviewYear, planYears } from '../../src/simulate/years';

const plans = fileURLToPath(new URL('../../../shared/plans/', import.meta.url));
const read = (name: string) => parsePlan(name, readFileSync(`${plans}${name}`, 'utf8')).plan;

describe('the plan’s own year', () => {
  const kfp = read('kompetensforsorjningsplan-2021-2023.md');
  const vp = read('verksamhetsplan-2020-resursenheten.txt');

  it('is this year while the plan has dates in it', () => {
    expect(defaultPreviewYear(kfp, 2022)).toBe(2022);
    expect(defaultPreviewYear(kfp, 2023)).toBe(2023);
    expect(defaultPreviewYear(vp, 2020)).toBe(2020);
  });

  it('is the plan’s busiest year once this year is past (or before) the plan', () => {
    const years = planYears(kfp);
    expect(years[0]!.year).toBe(2021);
    const busiest = [...years].sort((a, b) => b.dates - a.dates)[0]!.year;
    expect(busiest).toBe(2022);
    expect(defaultPreviewYear(kfp, 2026)).toBe(2022);
    expect(defaultPreviewYear(kfp, 2019)).toBe(2022);
    expect(defaultPreviewYear(vp, 2026)).toBe(2020);
  });

  it('is this year for a plan without dates', () => {
    expect(defaultPreviewYear({ ...vp, departments: [] }, 2026)).toBe(2026);
  });
});
