/**
 * The escalation ladder through the real activityLifecycle (patched 'escalation-ladder') on the
 * time-skipping server: README "Eskaleringstrappan" rows 2–4 and 7. Dates counted by hand
 * (stadsutveckling rules without quiet days; 08:00 Stockholm is 06:00Z until 30 October 2022).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { activityLifecycle, lifecycleStart, reportStatus, stateQuery, type Reporter } from '../../src/lifecycle';
import { PlanvaktOverdue } from '../../src/temporal/search-attributes';
import { timeSkippingEnv } from '../helpers/temporal';
import { LifecycleHarness, makeActivity, testRules } from '../helpers/lifecycle';

const enhetschef: Reporter = { personId: 'p-anna', name: 'Anna Enhetschef', roles: ['enhetschef'] };

let env: TestWorkflowEnvironment;
let h: LifecycleHarness;

beforeAll(async () => {
  env = await timeSkippingEnv();
  h = new LifecycleHarness(env, 'ladder-test');
  await h.start();
});
afterAll(async () => {
  await h?.stop();
  await env?.teardown();
});

const sends = (workflowId: string, kind: string) =>
  h
    .messagesOf(workflowId)
    .filter((m) => m.kind === kind)
    .map((m) => `${m.at} ${m.to}`);

describe('the escalation ladder in the workflow', () => {
  it('an honest Försenad with a new date moves the ladder to that date; the owner who ignores every mail is escalated from the Måldatum', async () => {
    const honest = await h.launch(
      makeActivity({ id: 'ladder-honest', deadline: '2022-08-31' }),
      '2022-08-01T09:00:00+02:00',
    );
    const silent = await h.launch(
      makeActivity({ id: 'ladder-silent', deadline: '2022-08-31' }),
      '2022-08-01T09:00:00+02:00',
    );

    await h.sleepUntil('2022-09-05T12:00:00+02:00', honest.timeShiftMs);
    await honest.handle.executeUpdate(reportStatus, {
      args: [{ reporter: enhetschef, status: 'late', proposedDate: '2022-10-14', comment: 'Väntar på leverantören' }],
    });
    await h.sleepUntil('2022-11-30T12:00:00+01:00', honest.timeShiftMs);

    // Honest: 10 working days after 14 October is 28 October; the förvaltningschef 10 more, 11 November.
    expect(sends(honest.handle.workflowId, 'escalation')).toEqual([
      '2022-10-28T06:00:00.000Z avdelningschef',
      '2022-11-11T07:00:00.000Z forvaltningschef',
    ]);
    const reasons = h.messagesOf(honest.handle.workflowId).map((m) => m.reason);
    expect(reasons.filter((r) => /eskalering/.test(r))[0]).toBe(
      'eskalering till avdelningschef: 10 arbetsdagar efter nytt datum 2022-10-14 (måldatum 2022-08-31)',
    );
    expect(reasons.some((r) => /efter måldatum 2022-08-31/.test(r))).toBe(false);

    // Silent: the avdelningschef 10 working days after 31 August, the förvaltningschef 10 more;
    // three overdue reminders (1 September, then every 5 working days) and no more.
    expect(sends(silent.handle.workflowId, 'escalation')).toEqual([
      '2022-09-14T06:00:00.000Z avdelningschef',
      '2022-09-28T06:00:00.000Z forvaltningschef',
    ]);
    expect(sends(silent.handle.workflowId, 'overdue')).toEqual([
      '2022-09-01T06:00:00.000Z owners',
      '2022-09-08T06:00:00.000Z owners',
      '2022-09-15T06:00:00.000Z owners',
    ]);
    await honest.handle.terminate('test done');
    await silent.handle.terminate('test done');
  }, 120_000);

  it('README row 8: a Måldatum passed at import and kept *historisk* sends nothing and is not overdue on Översikt; started as overdue it is', async () => {
    // Måldatum 2022-03-15, imported 2022-06-01 (plan time).
    const planNow = '2022-06-01T09:00:00+02:00';
    const start = async (id: string, passed: 'historical' | 'overdue') => {
      const serverNow = await env.currentTimeMs();
      const timeShiftMs = Date.parse(planNow) - serverNow;
      const input = {
        activity: makeActivity({ id, deadline: '2022-03-15' }),
        rules: await testRules(),
        rulesVersion: 'test-1',
        timeShiftMs,
        passed,
      };
      const handle = await env.client.workflow.start(
        activityLifecycle,
        lifecycleStart(input, 'ladder-test', new Date(serverNow)),
      );
      return { handle, timeShiftMs };
    };
    const historical = await start('passed-historical', 'historical');
    const overdue = await start('passed-overdue', 'overdue');
    await h.sleepUntil('2022-06-20T12:00:00+02:00', historical.timeShiftMs);

    expect(h.messagesOf(historical.handle.workflowId)).toEqual([]);
    expect((await historical.handle.query(stateQuery)).overdue).toBe(false);
    expect((await historical.handle.describe()).typedSearchAttributes.get(PlanvaktOverdue)).toBe(false);
    expect((await overdue.handle.query(stateQuery)).overdue).toBe(true);
    expect((await overdue.handle.describe()).typedSearchAttributes.get(PlanvaktOverdue)).toBe(true);
    await historical.handle.terminate('test done');
    await overdue.handle.terminate('test done');
  });
});
