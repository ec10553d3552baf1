import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import {
  acknowledge,
  activityCorrected,
  cancel,
  nextEventQuery,
  reportStatus,
  rulesChanged,
  snooze,
  stateQuery,
  timelineQuery,
  type Reporter,
  lifecycleStart,
  activityLifecycle,
} from '../../src/lifecycle';
import { PlanvaktOverdue, PlanvaktStatus } from '../../src/temporal/search-attributes';
import { timeSkippingEnv } from '../helpers/temporal';
import { Worker } from '@temporalio/worker';
import { createActivities } from '../../src/worker/activities';
import { workflowsPath } from '../../src/worker';
import { LifecycleHarness, makeActivity, testRules } from '../helpers/lifecycle';
import { recordHistories } from '../helpers/histories';

const enhetschef: Reporter = { personId: 'p-anna', name: 'Anna Enhetschef', roles: ['enhetschef'] };
const avdelningschef: Reporter = { personId: 'p-bo', name: 'Bo Avdelningschef', roles: ['avdelningschef'] };
const hr: Reporter = { personId: 'p-cia', name: 'Cia HR', roles: ['hr'] };

let env: TestWorkflowEnvironment;
let h: LifecycleHarness;

beforeAll(async () => {
  env = await timeSkippingEnv();
  h = new LifecycleHarness(env);
  await h.start();
});
afterAll(async () => {
  // Every history this suite produced becomes a replay case for test/lifecycle/replay.test.ts.
  if (h) await recordHistories(env.client, h.started);
  await h?.stop();
  await env?.teardown();
});

const sends = (workflowId: string) => h.messagesOf(workflowId).map((m) => `${m.at} ${m.kind} ${m.to}`);

describe('activityLifecycle on the time-skipping server', () => {
  it('reminds on the working days the rules give, 08:00 Stockholm, and ends when reported Klar', async () => {
    // Due Saturday 2022-12-31, imported 2022-01-10, offsets 20, 5, 1 and 0 working days.
    // By hand: 20 wd back is Fri 12-02; 5 wd back is Fri 12-23 (annandag jul 12-26 and the weekend
    // skipped); 1 wd back and the on-the-day reminder both fall on Fri 12-30: one message.
    const { handle, timeShiftMs } = await h.launch(
      makeActivity({ id: 'a-dec', deadline: '2022-12-31' }),
      '2022-01-10T09:00:00+01:00',
    );
    const first = await handle.query(nextEventQuery);
    expect(first).toMatchObject({ kind: 'reminder', localDate: '2022-12-02', at: '2022-12-02T07:00:00.000Z' });
    expect(first?.reason).toMatch(/20 arbetsdagar/);

    await h.sleepUntil('2022-12-31T12:00:00+01:00', timeShiftMs);
    expect(sends(handle.workflowId)).toEqual([
      '2022-12-02T07:00:00.000Z reminder owners',
      '2022-12-23T07:00:00.000Z reminder owners',
      '2022-12-30T07:00:00.000Z deadline owners',
    ]);
    expect(h.messagesOf(handle.workflowId).every((m) => m.recipients.includes('enhetschef'))).toBe(true);

    const after = await handle.executeUpdate(reportStatus, {
      args: [{ reporter: enhetschef, status: 'done', comment: 'Genomförd i november' }],
    });
    expect(after.status).toBe('done');
    expect(await handle.result()).toMatchObject({ result: 'done' });
    const described = await handle.describe();
    expect(described.typedSearchAttributes.get(PlanvaktStatus)).toBe('done');
  });

  it('keeps 08:00 local across the March DST change', async () => {
    // Due Tue 2022-04-05; clocks go forward Sun 2022-03-27. 20 wd back: Tue 03-08 (CET, 07:00Z);
    // 5 wd back: Tue 03-29 (CEST, 06:00Z); 1 wd back: Mon 04-04; on the day: Tue 04-05.
    const { handle, timeShiftMs } = await h.launch(
      makeActivity({ id: 'a-dst', deadline: '2022-04-05' }),
      '2022-01-10T09:00:00+01:00',
    );
    await h.sleepUntil('2022-04-05T12:00:00+02:00', timeShiftMs);
    expect(sends(handle.workflowId)).toEqual([
      '2022-03-08T07:00:00.000Z reminder owners',
      '2022-03-29T06:00:00.000Z reminder owners',
      '2022-04-04T06:00:00.000Z reminder owners',
      '2022-04-05T06:00:00.000Z deadline owners',
    ]);
    await handle.terminate('test done');
  });

  it('climbs the escalation ladder when overdue, and an acknowledgement stops it', async () => {
    // Due Tue 2022-03-15, nobody reports. Ladder: avdelningschef 10 wd after the deadline (Tue
    // 03-29), förvaltningschef 10 wd later (Tue 04-12). "acked" is acknowledged on 03-30.
    const acked = await h.launch(makeActivity({ id: 'a-acked', deadline: '2022-03-15' }), '2022-03-01T09:00:00+01:00');
    const ignored = await h.launch(
      makeActivity({ id: 'a-ignored', deadline: '2022-03-15' }),
      '2022-03-01T09:00:00+01:00',
    );
    await h.sleepUntil('2022-03-30T12:00:00+02:00', acked.timeShiftMs);

    const escalations = (id: string) =>
      h
        .messagesOf(id)
        .filter((m) => m.kind === 'escalation')
        .map((m) => `${m.localDate} ${m.to}`);
    expect(escalations(acked.handle.workflowId)).toEqual(['2022-03-29 avdelningschef']);
    const overdue = h.messagesOf(acked.handle.workflowId).filter((m) => m.kind === 'overdue');
    expect(overdue[0]?.localDate).toBe('2022-03-16');
    expect((await acked.handle.query(stateQuery)).overdue).toBe(true);
    expect((await acked.handle.describe()).typedSearchAttributes.get(PlanvaktOverdue)).toBe(true);

    await acked.handle.signal(acknowledge, { by: 'Bo Avdelningschef' });
    await h.sleepUntil('2022-04-20T12:00:00+02:00', acked.timeShiftMs);
    expect(escalations(acked.handle.workflowId)).toEqual(['2022-03-29 avdelningschef']);
    expect(escalations(ignored.handle.workflowId)).toEqual([
      '2022-03-29 avdelningschef',
      '2022-04-12 forvaltningschef',
    ]);
    expect(h.messagesOf(ignored.handle.workflowId).find((m) => m.to === 'forvaltningschef')?.recipients).toEqual([
      'forvaltningschef',
    ]);
    await acked.handle.terminate('test done');
    await ignored.handle.terminate('test done');
  });

  it('a snooze defers everything to its date', async () => {
    const { handle, timeShiftMs } = await h.launch(
      makeActivity({ id: 'a-snooze', deadline: '2022-03-15' }),
      '2022-03-01T09:00:00+01:00',
    );
    await h.sleepUntil('2022-03-17T12:00:00+01:00', timeShiftMs);
    const before = h.messagesOf(handle.workflowId).length;
    await handle.signal(snooze, { by: 'Anna Enhetschef', until: '2022-04-25' });
    await h.sleepUntil('2022-04-24T12:00:00+02:00', timeShiftMs);
    expect(h.messagesOf(handle.workflowId)).toHaveLength(before);
    await h.sleepUntil('2022-04-25T12:00:00+02:00', timeShiftMs);
    const resumed = h.messagesOf(handle.workflowId).slice(before);
    expect(resumed.length).toBeGreaterThan(0);
    expect(resumed.every((m) => m.localDate === '2022-04-25')).toBe(true);
    expect((await handle.query(timelineQuery)).some((t) => t.type === 'snoozed')).toBe(true);
    await handle.terminate('test done');
  });

  it('a report that arrives with the first task still reaches the search attributes', async () => {
    // No worker polls this queue yet, so the start and the report land in one first activation.
    const queue = 'first-task-report';
    const activity = makeActivity({ id: 'a-first-task', deadline: '2022-11-30' });
    const input = {
      activity,
      rules: await testRules(),
      rulesVersion: 'test-1',
      timeShiftMs: Date.parse('2022-03-01T09:00:00+01:00') - (await env.currentTimeMs()),
    };
    const handle = await env.client.workflow.start(
      activityLifecycle,
      lifecycleStart(input, queue, new Date(await env.currentTimeMs())),
    );
    h.started.push(handle.workflowId);
    const update = handle.executeUpdate(reportStatus, { args: [{ reporter: enhetschef, status: 'done' }] });
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: queue,
      workflowsPath,
      activities: createActivities({ delivery: h.delivery }),
    });
    await worker.runUntil(async () => {
      expect((await update).status).toBe('done');
      expect(await handle.result()).toMatchObject({ result: 'done' });
    });
    expect((await handle.describe()).typedSearchAttributes.get(PlanvaktStatus)).toBe('done');
  });

  it('only owners and managers up the line may report; Försenad needs a new date', async () => {
    const { handle } = await h.launch(
      makeActivity({ id: 'a-report', deadline: '2022-11-30' }),
      '2022-03-01T09:00:00+01:00',
    );
    await expect(
      handle.executeUpdate(reportStatus, { args: [{ reporter: hr, status: 'done' }] }),
    ).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
    await expect(
      handle.executeUpdate(reportStatus, { args: [{ reporter: enhetschef, status: 'late' }] }),
    ).rejects.toThrow();
    expect((await handle.query(stateQuery)).status).toBeUndefined();

    const late = await handle.executeUpdate(reportStatus, {
      args: [
        { reporter: avdelningschef, status: 'late', proposedDate: '2023-02-28', comment: 'Upphandlingen drog ut' },
      ],
    });
    expect(late).toMatchObject({ status: 'late', proposedDate: '2023-02-28', comment: 'Upphandlingen drog ut' });
    const timeline = await handle.query(timelineQuery);
    expect(timeline.filter((t) => t.type === 'reported')).toHaveLength(1);
    await handle.terminate('test done');
  });

  it('a corrected plan moves the deadline and the owner; a removed activity is cancelled', async () => {
    const original = makeActivity({ id: 'a-corrected', deadline: '2022-06-30' });
    const { handle, timeShiftMs } = await h.launch(original, '2022-05-02T09:00:00+02:00');
    await h.sleepUntil('2022-05-03T12:00:00+02:00', timeShiftMs);
    await handle.signal(activityCorrected, {
      by: 'import',
      activity: {
        ...original,
        deadline: '2022-09-30',
        deadlineRaw: '2022-09-30',
        owners: [{ role: 'avdelningschef', raw: 'Avdelningschef' }],
      },
    });
    // 20 working days before Fri 2022-09-30 is Fri 09-02 (no holidays in September).
    const next = await handle.query(nextEventQuery);
    expect(next).toMatchObject({ kind: 'reminder', localDate: '2022-09-02', deadline: '2022-09-30' });
    await h.sleepUntil('2022-09-03T12:00:00+02:00', timeShiftMs);
    const sent = h.messagesOf(handle.workflowId);
    expect(sent.filter((m) => m.localDate > '2022-05-03').map((m) => m.localDate)).toEqual(['2022-09-02']);
    expect(sent.at(-1)?.recipients).toEqual(['avdelningschef']);
    const changed = (await handle.query(timelineQuery)).find((t) => t.type === 'changed');
    expect(changed).toMatchObject({ fields: ['måldatum', 'ansvariga'] });

    await handle.signal(cancel, { reason: 'Borttagen ur planen' });
    expect(await handle.result()).toMatchObject({ result: 'cancelled', reason: 'Borttagen ur planen' });
  });

  it('new rules apply from the next event without a restart', async () => {
    const { handle } = await h.launch(
      makeActivity({ id: 'a-rules', deadline: '2022-12-30' }),
      '2022-06-01T09:00:00+02:00',
    );
    expect(await handle.query(nextEventQuery)).toMatchObject({ localDate: '2022-12-01' }); // 20 wd before Fri 12-30
    const rules = await testRules();
    await handle.signal(rulesChanged, {
      version: 'test-2',
      rules: { ...rules, reminders: { ...rules.reminders, beforeDeadline: [3, 0] } },
    });
    // 3 working days before Fri 2022-12-30: Tue 12-27 (annandag jul Mon 12-26 is off).
    expect(await handle.query(nextEventQuery)).toMatchObject({ localDate: '2022-12-27', kind: 'reminder' });
    expect((await handle.query(stateQuery)).rulesVersion).toBe('test-2');
    expect((await handle.query(timelineQuery)).at(-1)).toMatchObject({ type: 'rulesChanged', version: 'test-2' });
    await handle.terminate('test done');
  });

  it('a three-year activity with monthly APT continues as new each year and keeps its whole timeline', async () => {
    const { handle, timeShiftMs } = await h.launch(
      makeActivity({ id: 'a-three-years', deadline: '2024-12-31', deadlineRaw: '2022-2024', cadences: ['apt'] }),
      '2022-01-10T09:00:00+01:00',
    );
    await h.sleepUntil('2024-12-20T12:00:00+01:00', timeShiftMs);
    const view = await handle.query(stateQuery);
    expect(view.runs).toBeGreaterThanOrEqual(3);
    const apt = (await handle.query(timelineQuery)).filter(
      (t) => t.type === 'sent' && t.event.kind === 'statusRequest' && t.event.period === 'APT',
    );
    const years = new Set(apt.map((t) => t.at.slice(0, 4)));
    expect([...years].sort()).toEqual(['2022', '2023', '2024']);
    // APT in 11 months a year (no July), three years; the first, 2022-01, was before the import.
    expect(apt.length).toBeGreaterThanOrEqual(30);

    // Walk the chain of runs back from the current one and measure each run's history.
    let runId: string | undefined = (await handle.describe()).runId;
    const lengths: number[] = [];
    while (runId) {
      const history = await env.client.workflow.getHandle(handle.workflowId, runId).fetchHistory();
      lengths.push(history.events?.length ?? 0);
      runId = history.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId || undefined;
    }
    expect(lengths.length).toBe(view.runs);
    expect(Math.max(...lengths)).toBeLessThan(500);
    await handle.terminate('test done');
  });
});
