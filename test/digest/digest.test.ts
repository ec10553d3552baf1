import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DevOutbox } from '../../src/delivery/dev-sink';
import { digestStateQuery } from '../../src/digest';
import { digestWorkflowId } from '../../src/domain/workflow-ids';
import { sentText, timelineQuery, type TimelineEntry } from '../../src/lifecycle';
import { timeSkippingEnv } from '../helpers/temporal';
import { makeActivity, testRules } from '../helpers/lifecycle';
import { DeliveryHarness, testRulesFile } from '../helpers/delivery';
import { recordHistories } from '../helpers/histories';

let env: TestWorkflowEnvironment;
let outbox: DevOutbox;
let h: DeliveryHarness;

beforeAll(async () => {
  env = await timeSkippingEnv();
  outbox = await DevOutbox.start();
  h = new DeliveryHarness(env, {
    channelsEnv: outbox.env,
    rules: await testRulesFile({ preferredChannel: 'teams', fallbackChannel: 'email' }),
  });
  await h.start();
});
afterAll(async () => {
  // Replay cases for test/lifecycle/replay.test.ts: a digest that sent 30 items, one that handed a late item on.
  if (h)
    await recordHistories(env.client, [
      digestWorkflowId('pia-chef', '2022-11-16'),
      digestWorkflowId('olle-chef', '2023-03-13'),
    ]);
  await h?.stop();
  await outbox?.stop();
  await env?.teardown();
});

// A query keeps the server's clock where the test put it.
const digestState = (personId: string, date: string) =>
  env.client.workflow.getHandle(digestWorkflowId(personId, date)).query(digestStateQuery);

describe('personDigest on the time-skipping server', () => {
  it('30 activities of one person due the same day: one message per channel that day, grouped by activity', async () => {
    // Due Wed 2022-12-14; reminders 20, 5, 1 and 0 working days before: 11-16, 12-07, 12-13, 12-14.
    const rules = await testRules();
    const launched = [];
    for (let i = 1; i <= 30; i++) {
      const activity = makeActivity({
        id: `d30-${i}`,
        deadline: '2022-12-14',
        unit: 'u1',
        text: `Aktivitet nummer ${i} <b>&</b>`,
      });
      launched.push(await h.launch(activity, '2022-11-01T09:00:00+01:00', rules));
    }
    const shift = launched[0]!.timeShiftMs;
    await h.sleepUntil('2022-12-14T12:00:00+01:00', shift);

    const days = ['2022-11-16', '2022-12-07', '2022-12-13', '2022-12-14'];
    for (const day of days) {
      const state = await digestState('pia-chef', day);
      expect(state).toMatchObject({ phase: 'sent', channel: 'teams', forwarded: 0 });
      expect(state.items).toHaveLength(30);
    }
    const teams = outbox.listOutbox().filter((e) => e.channel === 'teams');
    const email = outbox.listOutbox().filter((e) => e.channel === 'email');
    // One Teams message a day, none by email (the preferred channel worked), 4 days.
    expect(teams).toHaveLength(days.length);
    expect(email).toHaveLength(0);
    expect(teams.every((e) => e.to === 'pia@testby.se' && /30 aktiviteter/.test(e.subject))).toBe(true);

    // Every lifecycle's timeline names Pia as the recipient of each of its four events.
    const timeline = await launched[7]!.handle.query(timelineQuery);
    const sent = timeline.filter((t) => t.type === 'sent');
    expect(sent).toHaveLength(4);
    expect(sent.every((t) => t.type === 'sent' && t.recipients.join() === 'Pia Enhetschef')).toBe(true);
    for (const l of launched) await l.handle.terminate('test done');
  });

  it('an item that arrives after the digest has sent goes to the next working day, never a second message the same day', async () => {
    // Olle (email only) gets one activity's reminder at 08:00 on Mon 2023-03-13; a second activity
    // whose deadline is corrected at 10:00 becomes due then: it must wait for Tuesday's digest.
    const rules = await testRules({ reminders: { beforeDeadline: [0] } });
    const a = await h.launch(
      makeActivity({ id: 'late-a', deadline: '2023-03-13', unit: 'u2' }),
      '2023-03-01T09:00:00+01:00',
      rules,
    );
    const b = await h.launch(
      makeActivity({ id: 'late-b', deadline: '2023-03-31', unit: 'u2' }),
      '2023-03-01T09:00:00+01:00',
      rules,
    );
    await h.sleepUntil('2023-03-13T10:00:00+01:00', a.timeShiftMs);
    expect(await digestState('olle-chef', '2023-03-13')).toMatchObject({
      phase: 'sent',
      channel: 'email',
      items: [{ activityId: 'late-a' }],
    });

    const mailsBefore = outbox.listOutbox().filter((e) => e.to.includes('olle@testby.se')).length;
    expect(mailsBefore).toBe(1);
    // The digest has closed: a deliver for Monday now is routed to Tuesday's digest.
    await b.handle.signal('changeDeadline', { by: 'test', deadline: '2023-03-13', deadlineRaw: '2023-03-13' });
    await h.sleepUntil('2023-03-13T16:00:00+01:00', a.timeShiftMs);
    expect(outbox.listOutbox().filter((e) => e.to.includes('olle@testby.se'))).toHaveLength(1);
    const tuesday = env.client.workflow.getHandle(digestWorkflowId('olle-chef', '2023-03-14'));
    expect(await tuesday.query(digestStateQuery)).toMatchObject({
      phase: 'gathering',
      items: [{ id: 'activity-late-b/deadline:2023-03-13' }],
    });
    // The timeline says where b's reminder waits (issue 17: not "sent" while it is in tomorrow's digest).
    const lastSent = async () =>
      (await b.handle.query(timelineQuery))
        .filter((e): e is Extract<TimelineEntry, { type: 'sent' }> => e.type === 'sent')
        .find((e) => e.event.key === 'deadline:2023-03-13')!;
    const gathered = await lastSent();
    expect(gathered.digests).toEqual([{ date: '2023-03-14', sendAt: '2023-03-14T07:00:00.000Z' }]);
    expect(sentText(gathered, '2023-03-13T15:00:00.000Z')).toMatch(/^samlad i utskicket 2023-03-14 kl 08:00 till \S/);
    await h.sleepUntil('2023-03-14T09:00:00+01:00', a.timeShiftMs);
    const tue = await digestState('olle-chef', '2023-03-14');
    expect(tue).toMatchObject({ phase: 'sent', channel: 'email' });
    expect(sentText(await lastSent(), '2023-03-14T08:00:00.000Z')).toMatch(/^skickad till \S/);
    // Tuesday's digest also carries the overdue reminders of both activities.
    expect(tue.items.map((i) => i.id).sort()).toEqual([
      'activity-late-a/overdue:2023-03-13:2023-03-14',
      'activity-late-b/deadline:2023-03-13',
      'activity-late-b/overdue:2023-03-13:2023-03-14',
    ]);
    const olle = outbox.listOutbox().filter((e) => e.to.includes('olle@testby.se'));
    expect(olle).toHaveLength(2);
    await a.handle.terminate('test done');
    await b.handle.terminate('test done');
  });

  it('a role nobody active holds: the line above gets it, and HR gets a gap in its digest', async () => {
    const rules = await testRules({ reminders: { beforeDeadline: [0] } });
    const a = await h.launch(
      makeActivity({ id: 'gap-a', deadline: '2023-05-16', unit: 'u3', text: 'Rekrytera <script>x</script>' }),
      '2023-05-02T09:00:00+02:00',
      rules,
    );
    await h.sleepUntil('2023-05-16T09:00:00+02:00', a.timeShiftMs);
    // Vera (u3) is deactivated: the avdelningschef gets the reminder, HR the gap.
    expect(await digestState('ada-avd', '2023-05-16')).toMatchObject({
      phase: 'sent',
      channel: 'teams',
      items: [{ kind: 'reminder' }],
    });
    expect(await digestState('hugo-hr', '2023-05-16')).toMatchObject({
      phase: 'sent',
      channel: 'email',
      items: [{ kind: 'gap' }],
    });
    const mail = outbox.listOutbox().find((e) => e.to.includes('hugo@testby.se'));
    expect(mail?.subject).toMatch(/^Lucka att åtgärda/);
    expect(mail?.html).toContain('&lt;script&gt;');
    expect(mail?.html).not.toContain('vera@testby.se');
    await a.handle.terminate('test done');
  });
});
