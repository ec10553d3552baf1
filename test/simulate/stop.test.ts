/**
 * A stopped simulation (Förhandsvisning's time limit or cancel) keeps exactly what the whole run
 * would have sent up to the day it reached: the preview's partial result is true as far as it goes.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { rulesVersion } from '../../src/lifecycle/from-plan';
import { loadOrganisation } from '../../src/organisation';
import { readPlanFile } from '../../src/plan';
import { parseRules } from '../../src/rules';
import { simulate, type SimulationOptions } from '../../src/simulate/simulate';
import { rulesPath } from '../helpers/lifecycle';

const planPath = fileURLToPath(
  new URL('../../../shared/plans/kompetensforsorjningsplan-2021-2023.md', import.meta.url),
);
const orgPath = fileURLToPath(new URL('../../config/organisation.yaml', import.meta.url));
const rulesText = readFileSync(rulesPath, 'utf8');

async function options(): Promise<SimulationOptions> {
  return {
    plan: (await readPlanFile(planPath)).plan,
    rules: parseRules(rulesPath, rulesText),
    rulesVersion: rulesVersion(rulesText),
    organisation: await loadOrganisation(orgPath),
    from: '2022-01-01',
    to: '2022-06-30',
    departments: ['forskola'],
  };
}

const key = (m: { at: string; key: string; activityId: string }) => `${m.at} ${m.activityId} ${m.key}`;

describe('simulate stopped on the way', () => {
  it('reports each day it runs through, stops on the signal, and returns what the whole run sends until then', async () => {
    const whole = await simulate(await options());
    expect(whole).toMatchObject({ complete: true, reached: '2022-06-30' });

    const controller = new AbortController();
    const days: string[] = [];
    const stopped = await simulate({
      ...(await options()),
      signal: controller.signal,
      onProgress: (d) => {
        days.push(d);
        if (d === '2022-03-14') controller.abort();
      },
    });
    expect(days[0]).toBe('2022-01-01');
    expect(days.at(-1)).toBe('2022-03-14');
    expect(days).toHaveLength(31 + 28 + 14);
    expect(stopped).toMatchObject({ complete: false, reached: '2022-03-14' });
    const until = whole.messages.filter((m) => m.localDate <= '2022-03-14');
    // The comparison means something only if both sides of the stop have messages.
    expect(until.length).toBeGreaterThan(0);
    expect(whole.messages.length).toBeGreaterThan(until.length);
    expect(stopped.messages.map(key)).toEqual(until.map(key));
  }, 180_000);
});
