/**
 * "Ångra" after Klar (patched 'angra-klar'), on the time-skipping server: Klar keeps the lifecycle
 * open for the rules' undo time (config/rules.yaml `checkin.undoKlarMinutes`, 30 minutes), an
 * undo in that time restores what the activity said before and the reminders go on; after it the
 * lifecycle ends as before and an undo is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { WorkflowNotFoundError } from '@temporalio/client';
import {
  reportStatus,
  stateQuery,
  timelineQuery,
  timelineText,
  undoKlar,
  nextEventQuery,
  type Reporter,
} from '../../src/lifecycle';
import { PlanvaktStatus } from '../../src/temporal/search-attributes';
import { timeSkippingEnv } from '../helpers/temporal';
import { LifecycleHarness, makeActivity, testRules } from '../helpers/lifecycle';
import { recordHistories } from '../helpers/histories';

const enhetschef: Reporter = { personId: 'p-anna', name: 'Anna Enhetschef', roles: ['enhetschef'] };
const hr: Reporter = { personId: 'p-cia', name: 'Cia HR', roles: ['hr'] };
const MINUTE = 60_000;
/** What the lifecycle said when it refused an update (the failure's cause), or 'accepted'. */
const refusal = (p: Promise<unknown>) =>
  p.then(
    () => 'accepted',
    (e: Error & { cause?: Error }) => e.cause?.message ?? e.message,
  );

let env: TestWorkflowEnvironment;
let h: LifecycleHarness;

beforeAll(async () => {
  env = await timeSkippingEnv();
  h = new LifecycleHarness(env, 'angra-klar-test');
  await h.start();
});
afterAll(async () => {
  // The history becomes a replay case for test/lifecycle/replay.test.ts.
  if (h) await recordHistories(env.client, h.started);
  await h?.stop();
  await env?.teardown();
});

describe('Ångra after Klar', () => {
  it('takes Klar back within 30 minutes and the reminders go on; after 30 minutes the lifecycle ends and refuses', async () => {
    expect((await testRules()).checkin.undoKlarMinutes).toBe(30);
    // Due Tue 2022-03-15, imported Tue 03-01: reminders 5 working days before (Tue 03-08), 1 before
    // and on the day.
    const { handle, timeShiftMs } = await h.launch(
      makeActivity({ id: 'a-angra', deadline: '2022-03-15' }),
      '2022-03-01T09:00:00+01:00',
    );
    await h.sleepUntil('2022-03-02T10:00:00+01:00', timeShiftMs);
    await handle.executeUpdate(reportStatus, {
      args: [{ reporter: enhetschef, status: 'inProgress', comment: 'Kursen är bokad' }],
    });
    const klar = await handle.executeUpdate(reportStatus, {
      args: [{ reporter: enhetschef, status: 'done', comment: 'Av misstag' }],
    });
    expect(klar.status).toBe('done');
    // 30 minutes from the Klar report (2022-03-02 10:00 Stockholm, 09:00Z).
    expect(klar.undoUntil).toBe(new Date(Date.parse(klar.reportedAt!) + 30 * MINUTE).toISOString());
    expect(klar.undoUntil?.slice(0, 16)).toBe('2022-03-02T09:30');
    expect((await handle.describe()).status.name).toBe('RUNNING');

    // Only an owner or a manager up the line may take it back.
    expect(await refusal(handle.executeUpdate(undoKlar, { args: [{ reporter: hr }] }))).toMatch(/varken ansvarig/);

    // 29 minutes later the window is still open.
    await env.sleep(29 * MINUTE);
    const undone = await handle.executeUpdate(undoKlar, { args: [{ reporter: enhetschef }] });
    expect(undone).toMatchObject({ status: 'inProgress', comment: 'Kursen är bokad' });
    expect(undone.undoUntil).toBeUndefined();
    const timeline = await handle.query(timelineQuery);
    const entry = timeline.at(-1)!;
    expect(entry).toMatchObject({ type: 'undone', by: 'Anna Enhetschef', restored: 'inProgress' });
    expect(entry.at.slice(0, 16)).toBe('2022-03-02T09:29');
    expect(timelineText(entry, entry.at)).toBe('Klar ångrad av Anna Enhetschef, status åter Pågår');
    // Nothing more to undo now.
    expect(await refusal(handle.executeUpdate(undoKlar, { args: [{ reporter: enhetschef }] }))).toMatch(
      /inte rapporterad som Klar/,
    );

    // The reminders go on as before: the one 5 working days before the deadline goes out.
    expect(await handle.query(nextEventQuery)).toMatchObject({ kind: 'reminder', localDate: '2022-03-08' });
    await h.sleepUntil('2022-03-08T12:00:00+01:00', timeShiftMs);
    expect(h.messagesOf(handle.workflowId).map((m) => `${m.localDate} ${m.kind}`)).toEqual(['2022-03-08 reminder']);
    expect((await handle.describe()).typedSearchAttributes.get(PlanvaktStatus)).toBe('inProgress');

    // Klar again, and this time the 30 minutes pass: the lifecycle ends and the undo is refused.
    await handle.executeUpdate(reportStatus, { args: [{ reporter: enhetschef, status: 'done' }] });
    expect((await handle.describe()).typedSearchAttributes.get(PlanvaktStatus)).toBe('done');
    await env.sleep(30 * MINUTE);
    expect(await handle.result()).toMatchObject({ result: 'done' });
    expect((await handle.query(stateQuery)).undoUntil).toBeUndefined();
    // The lifecycle has ended: there is nothing left to take the update (the check-in page says why).
    await expect(handle.executeUpdate(undoKlar, { args: [{ reporter: enhetschef }] })).rejects.toBeInstanceOf(
      WorkflowNotFoundError,
    );
    expect((await handle.query(stateQuery)).status).toBe('done');
  });
});
