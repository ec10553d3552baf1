/**
 * What the activity page's forms for HR and the avdelningschef (issue 19) do to a running
 * lifecycle, on the time-skipping server: new owners get the next reminder, a pause holds every
 * reminder until its date, Klar and Avbruten end the lifecycle with who and why, a closed
 * activity opened again goes on where it ended, and an activity added by hand starts like an
 * imported one with who added it first in its timeline. Each history is recorded for the replay test.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { changeOwners, close, nextEventQuery, snooze, stateQuery, timelineQuery } from '../../src/lifecycle';
import { reopenActivity, startAddedActivity } from '../../src/apply';
import { timeSkippingEnv } from '../helpers/temporal';
import { recordHistories } from '../helpers/histories';
import { LifecycleHarness, makeActivity, rulesPath } from '../helpers/lifecycle';

let env: TestWorkflowEnvironment;
let h: LifecycleHarness;

beforeAll(async () => {
  env = await timeSkippingEnv();
  h = new LifecycleHarness(env, 'manage-test');
  await h.start();
});
afterAll(async () => {
  if (h) await recordHistories(env.client, h.started);
  await h?.stop();
  await env?.teardown();
});

/**
 * The run's status once it has ended. Not handle.result(): waiting on a result lets the
 * time-skipping server skip ahead without bound, past every date the test checks.
 */
async function closedRun(handle: { describe(): Promise<{ status: { name: string } }> }): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const { name } = (await handle.describe()).status;
    if (name !== 'RUNNING') return name;
    await new Promise((r) => setTimeout(r, 50));
  }
  return 'RUNNING';
}

describe('managing an activity from its page', () => {
  it('new owners (a named person) get the next reminder; the timeline names who and why', async () => {
    // Due Friday 2022-12-16; 20 working days before is Friday 2022-11-18.
    const { handle, timeShiftMs } = await h.launch(
      makeActivity({ id: 'm-owners', deadline: '2022-12-16' }),
      '2022-11-01T09:00:00+01:00',
    );
    await handle.signal(changeOwners, {
      by: 'Hanna HR-chef',
      owners: [{ role: 'controller', person: 'karl-controller', raw: 'Karl Controller' }],
      reason: 'Enhetschefen har slutat',
    });
    await h.sleepUntil('2022-11-18T12:00:00+01:00', timeShiftMs);
    const sent = h.messagesOf(handle.workflowId);
    expect(sent.map((m) => [m.localDate, m.recipients])).toEqual([['2022-11-18', ['controller']]]);
    const changed = (await handle.query(timelineQuery)).find((e) => e.type === 'changed');
    expect(changed).toMatchObject({ fields: ['ansvariga'], by: 'Hanna HR-chef', reason: 'Enhetschefen har slutat' });
    // The named person reports herself, though she holds no owner role the reporter could show.
    const view = await handle.query(stateQuery);
    expect(view.activity.owners[0]?.person).toBe('karl-controller');
    await handle.terminate('test done');
  });

  it('a pause with a reason holds the reminders until its date, then the latest goes out', async () => {
    // Due 2022-12-16: reminders on 11-18 (20 wd), 12-09 (5 wd), 12-15 (1 wd), 12-16 (the day).
    const { handle, timeShiftMs } = await h.launch(
      makeActivity({ id: 'm-pause', deadline: '2022-12-16' }),
      '2022-11-01T09:00:00+01:00',
    );
    await handle.signal(snooze, { by: 'Anna Avdelning', until: '2022-12-12', reason: 'Inventering pågår' });
    expect((await handle.query(nextEventQuery))?.localDate).toBe('2022-12-12');
    await h.sleepUntil('2022-12-11T12:00:00+01:00', timeShiftMs);
    expect(h.messagesOf(handle.workflowId)).toEqual([]);
    await h.sleepUntil('2022-12-12T12:00:00+01:00', timeShiftMs);
    // The two reminders held (20 and 5 working days before) go out as one, on the pause's date.
    expect(h.messagesOf(handle.workflowId).map((m) => m.localDate)).toEqual(['2022-12-12']);
    const paused = (await handle.query(timelineQuery)).find((e) => e.type === 'snoozed');
    expect(paused).toMatchObject({ by: 'Anna Avdelning', until: '2022-12-12', reason: 'Inventering pågår' });
    await handle.terminate('test done');
  });

  it('Klar from the page ends the lifecycle: no more reminders; opened again it reminds once more', async () => {
    const { handle, timeShiftMs } = await h.launch(
      makeActivity({ id: 'm-klar', deadline: '2022-12-16' }),
      '2022-11-01T09:00:00+01:00',
    );
    const view = await handle.executeUpdate(close, {
      args: [{ by: 'Hanna HR-chef', outcome: 'done', reason: 'Genomförd på APT' }],
    });
    expect(view.status).toBe('done');
    expect(await closedRun(handle)).toBe('COMPLETED');
    await h.sleepUntil('2022-11-21T12:00:00+01:00', timeShiftMs);
    expect(h.messagesOf(handle.workflowId)).toEqual([]);

    const serverNow = await env.currentTimeMs();
    const opened = await reopenActivity(
      env.client,
      'm-klar',
      { by: 'Hanna HR-chef', reason: 'Fel aktivitet klarmarkerad', was: 'done' },
      { taskQueue: h.taskQueue, rulesPath, timeShiftMs, now: () => new Date(serverNow) },
    );
    expect(opened).toBe(true);
    const again = env.client.workflow.getHandle(handle.workflowId);
    expect((await again.query(stateQuery)).status).toBeUndefined();
    const timeline = await again.query(timelineQuery);
    expect(timeline.map((e) => e.type)).toEqual(['closed', 'reopened']);
    expect(timeline[1]).toMatchObject({ by: 'Hanna HR-chef', reason: 'Fel aktivitet klarmarkerad', was: 'done' });
    // Counted from the reopening: the 20 working days' reminder missed while closed is not sent
    // late; the 5 working days' one (Friday 2022-12-09) is the next.
    await h.sleepUntil('2022-12-09T12:00:00+01:00', timeShiftMs);
    expect(h.messagesOf(handle.workflowId).map((m) => m.localDate)).toEqual(['2022-12-09']);
    // Opened twice: the second finds it running and starts nothing.
    expect(
      await reopenActivity(
        env.client,
        'm-klar',
        { by: 'Hanna HR-chef', reason: 'igen', was: 'done' },
        { taskQueue: h.taskQueue, rulesPath, timeShiftMs },
      ),
    ).toBe(false);
    await again.terminate('test done');
  });

  it('Avbruten ends it as cancelled with who and why', async () => {
    const { handle } = await h.launch(
      makeActivity({ id: 'm-avbruten', deadline: '2022-12-16' }),
      '2022-11-01T09:00:00+01:00',
    );
    await handle.executeUpdate(close, {
      args: [{ by: 'Anna Avdelning', outcome: 'cancelled', reason: 'Ersätts av ny plan' }],
    });
    expect(await closedRun(handle)).toBe('COMPLETED');
    const last = (await handle.query(timelineQuery)).at(-1);
    expect(last).toMatchObject({ type: 'cancelled', by: 'Anna Avdelning', reason: 'Ersätts av ny plan' });
  });

  it('an activity added by hand starts with who added it and why, and reminds like an imported one', async () => {
    const serverNow = await env.currentTimeMs();
    const timeShiftMs = Date.parse('2022-11-01T09:00:00+01:00') - serverNow;
    const activity = makeActivity({ id: 'm-added', deadline: '2022-12-16', text: 'Ny aktivitet för hand' });
    const opts = { taskQueue: h.taskQueue, rulesPath, timeShiftMs, now: () => new Date(serverNow) };
    expect(
      await startAddedActivity(env.client, activity, { by: 'Hanna HR-chef', reason: 'Beslut i ledningsgruppen' }, opts),
    ).toBe(true);
    h.started.push('activity-m-added');
    expect(await startAddedActivity(env.client, activity, { by: 'Hanna HR-chef', reason: 'igen' }, opts)).toBe(false);
    const handle = env.client.workflow.getHandle('activity-m-added');
    expect((await handle.query(timelineQuery))[0]).toMatchObject({
      type: 'added',
      by: 'Hanna HR-chef',
      reason: 'Beslut i ledningsgruppen',
    });
    await h.sleepUntil('2022-11-18T12:00:00+01:00', timeShiftMs);
    expect(h.messagesOf('activity-m-added').map((m) => m.localDate)).toEqual(['2022-11-18']);
    await handle.terminate('test done');
  });
});
