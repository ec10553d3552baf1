import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { rulesVersion, toLifecycleActivity } from '../../src/lifecycle/from-plan';
import { quietDayPredicate, stockholmInstant, stockholmTime, workingCalendar } from '../../src/calendar';
import { loadOrganisation } from '../../src/organisation';
import { placedActivities, readPlanFile } from '../../src/plan';
import { parseRules, rulesFor } from '../../src/rules';
import { simulate, type Simulation } from '../../src/simulate/simulate';
import { formatTable } from '../../src/simulate/format';
import { parseScenario } from '../../src/simulate/scenario';
import { LifecycleHarness, rulesPath } from '../helpers/lifecycle';
import { timeSkippingEnv } from '../helpers/temporal';

const planPath = fileURLToPath(
  new URL('../../../shared/plans/kompetensforsorjningsplan-2021-2023.md', import.meta.url),
);
const orgPath = fileURLToPath(new URL('../../config/organisation.yaml', import.meta.url));
const rulesText = readFileSync(rulesPath, 'utf8');
const rules = parseRules(rulesPath, rulesText);

let worstCase: Simulation;
beforeAll(async () => {
  const { plan } = await readPlanFile(planPath);
  worstCase = await simulate({
    plan,
    rules,
    rulesVersion: rulesVersion(rulesText),
    organisation: await loadOrganisation(orgPath),
    from: '2022-01-01',
    to: '2022-12-31',
    departments: ['forskola'],
  });
}, 120_000);

describe('planvakt simulate: förskola 2022, nobody answers', () => {
  const forskola = rulesFor(rules, 'forskola');
  const cal = workingCalendar(quietDayPredicate(forskola.quietDays));

  it('simulates all 11 förskola activities and sends only within the year', () => {
    expect(worstCase.activities).toBe(11);
    expect(worstCase.messages.length).toBeGreaterThan(0);
    expect(worstCase.messages.every((m) => m.localDate >= '2022-01-01' && m.localDate <= '2022-12-31')).toBe(true);
  });

  it('sends only on working days, at the send time, Stockholm time', () => {
    for (const m of worstCase.messages) {
      expect(cal.isWorkingDay(m.localDate), `${m.localDate} ${m.reason}`).toBe(true);
      expect(m.at).toBe(stockholmInstant(m.localDate, forskola.delivery.sendTime));
      expect(stockholmTime(m.at)).toBe('08:00');
    }
  });

  it('puts pre-deadline reminders at the configured working-day offsets', () => {
    // Delmål reminders count from the delmål's own date; their keys say so.
    const reminders = worstCase.messages.filter((m) => m.kind === 'reminder' && !m.key.startsWith('milestone:'));
    expect(reminders.length).toBeGreaterThan(0);
    for (const m of reminders) {
      const deadline = m.activity.deadline!;
      const allowed = forskola.reminders.beforeDeadline.map((n) => cal.addWorkingDays(deadline, -n));
      expect(allowed, `${m.activity.id} ${m.reason}`).toContain(m.localDate);
    }
  });

  it('escalates to the avdelningschef before the förvaltningschef, never the other way round', () => {
    const byActivity = new Map<string, string[]>();
    for (const m of worstCase.messages.filter((x) => x.kind === 'escalation')) {
      // Keys are `[milestone:<id>:]escalation:<deadline>:<level>`: one ladder per deadline.
      const chain = `${m.activityId} ${m.key.replace(/:\d+$/, '')}`;
      byActivity.set(chain, [...(byActivity.get(chain) ?? []), `${m.localDate} ${m.to}`]);
    }
    expect(byActivity.size).toBeGreaterThan(0);
    for (const steps of byActivity.values()) {
      const first = steps.findIndex((s) => s.endsWith('avdelningschef'));
      const second = steps.findIndex((s) => s.endsWith('forvaltningschef'));
      expect(first).toBe(0);
      if (second >= 0) expect(second).toBeGreaterThan(first);
    }
  });

  it('names people and roles from the organisation, never a deactivated person', async () => {
    const org = await loadOrganisation(orgPath);
    const inactive = org.people.filter((p) => p.active === false).map((p) => p.name);
    const names = new Set(worstCase.messages.flatMap((m) => m.recipients));
    expect([...names].some((n) => /\(Rektor\)$/.test(n))).toBe(true);
    for (const n of names) for (const i of inactive) expect(n.startsWith(`${i} (`)).toBe(false);
  });
});

describe('the preview is what the lifecycle really sends', () => {
  let env: TestWorkflowEnvironment;
  let h: LifecycleHarness;
  beforeAll(async () => {
    env = await timeSkippingEnv();
    h = new LifecycleHarness(env, 'preview-equals-run');
    await h.start();
  }, 120_000);
  afterAll(async () => {
    await h?.stop();
    await env?.teardown();
  });

  it('gives the same events at the same instants to the same recipients as a run through the lifecycle harness', async () => {
    const { plan } = await readPlanFile(planPath);
    const activities = placedActivities(plan)
      .filter((p) => p.department.id === 'forskola')
      .map((p) => toLifecycleActivity(plan, p));
    const handles = [];
    for (const a of activities)
      handles.push(await h.launch(a, stockholmInstant('2022-01-01', '00:00'), rulesFor(rules, 'forskola')));
    await h.sleepUntil(stockholmInstant('2023-01-01', '00:00'), handles[0]!.timeShiftMs);
    const key = (m: { activityId: string; key: string; at: string; kind: string; to: string }) =>
      `${m.activityId} ${m.key} ${m.at} ${m.kind} ${m.to}`;
    const run = h.delivery.messages
      .filter((m) => m.at < stockholmInstant('2023-01-01', '00:00'))
      .map(key)
      .sort();
    expect(run.length).toBe(worstCase.messages.length);
    expect(worstCase.messages.map(key).sort()).toEqual(run);
    for (const handle of handles) await handle.handle.terminate('test done');
  }, 120_000);
});

describe('a scenario', () => {
  it('an answer Klar ends an activity; an answer by someone who may not report is listed as refused', async () => {
    const { plan } = await readPlanFile(planPath);
    const org = await loadOrganisation(orgPath);
    const target = placedActivities(plan).find(
      (p) => p.department.id === 'forskola' && p.activity.text.includes('Mediateket'),
    )!.activity;
    const owner = org.people.find(
      (p) => p.active !== false && p.roles.some((r) => r.role === 'pedagogiskUtvecklingsledare'),
    )!;
    const outsider = org.people.find((p) => p.active !== false && p.roles.every((r) => r.role === 'hr'))!;
    const scenario = parseScenario(
      'scenario.yaml',
      `answers:\n  - { activity: Mediateket, date: 2022-05-02, by: ${outsider.id}, status: Pågår }\n  - { activity: ${target.id}, date: 2022-06-01, by: ${owner.id}, status: Klar, comment: "Klart" }\n`,
    );
    const sim = await simulate({
      plan,
      rules,
      rulesVersion: 'x',
      organisation: org,
      from: '2022-01-01',
      to: '2022-12-31',
      scenario,
      departments: ['forskola'],
    });
    expect(sim.refused).toHaveLength(1);
    expect(sim.refused[0]).toMatch(/varken ansvarig/);
    const forTarget = sim.messages.filter((m) => m.activityId === target.id);
    expect(forTarget.length).toBeGreaterThan(0);
    expect(forTarget.every((m) => m.localDate < '2022-06-01')).toBe(true);
    const before = worstCase.messages.filter((m) => m.activityId === target.id);
    expect(before.some((m) => m.localDate > '2022-06-01')).toBe(true);
  }, 120_000);
});

describe('planvakt simulate: a multi-year Måldatum (2022-2024)', () => {
  it('asks the owners for status before the 2022 year-end checkpoint, and the table shows it', async () => {
    const { plan } = await readPlanFile(planPath);
    const multiYear = placedActivities(plan)
      .map((p) => toLifecycleActivity(plan, p))
      .filter((a) => a.department === 'funktionsnedsattning' && a.deadlineRaw === '2022-2024');
    expect(multiYear.length).toBeGreaterThan(0);
    const sim = await simulate({
      plan,
      rules,
      rulesVersion: rulesVersion(rulesText),
      organisation: await loadOrganisation(orgPath),
      from: '2022-01-01',
      to: '2022-12-31',
      departments: ['funktionsnedsattning'],
    });
    const asked = sim.messages.filter(
      (m) => m.kind === 'statusRequest' && multiYear.some((a) => a.id === m.activityId) && /2022-12-31/.test(m.reason),
    );
    // One request per multi-year activity, 10 working days before 31 December 2022 (27–30 Dec quiet).
    expect(new Set(asked.map((m) => m.activityId)).size).toBe(multiYear.length);
    expect(new Set(asked.map((m) => m.localDate))).toEqual(new Set(['2022-12-12']));
    expect(formatTable(sim)).toContain('delavstämningen 2022-12-31');
  }, 120_000);
});
