/**
 * The `deliver` activity takes Notices, and still takes the request shape that workflows scheduled
 * before the Notice seam (one LifecycleActivity and its events), so a lifecycle or cycle that is
 * mid-retry when the worker is upgraded still delivers, to the same people, once per key.
 */
import { describe, expect, it } from 'vitest';
import { RecordingDelivery, type NoticeRequest } from '../../src/domain/notice';
import { createLifecycleActivities, noticeOf, type LegacyDeliveryRequest } from '../../src/lifecycle';
import { makeActivity } from '../helpers/lifecycle';
import type { ScheduleEvent } from '../../src/calendar/schedule';

const activity = makeActivity({
  id: 'a1',
  unit: 'u1',
  deadline: '2022-12-31',
  owners: [{ role: 'enhetschef', raw: 'Enhetschef' }],
});
const reminder: ScheduleEvent = {
  at: '2022-12-23T07:00:00.000Z',
  localDate: '2022-12-23',
  kind: 'reminder',
  to: 'owners',
  deadline: '2022-12-31',
  key: 'deadline:2022-12-31:reminder:5',
  reason: 'påminnelse 5 arbetsdagar före måldatum 2022-12-31',
};

describe('deliver', () => {
  it('records a notice once per workflow and key, to the roles resolved in the subject’s unit', async () => {
    const delivery = new RecordingDelivery((ref, about) => [`${ref.role}@${about.department}/${about.unit ?? ''}`]);
    const { deliver } = createLifecycleActivities(delivery);
    const request: NoticeRequest = {
      workflowId: 'activity-a1',
      planNow: reminder.at,
      notices: [noticeOf(activity, reminder)],
    };
    const receipts = await deliver(request);
    await deliver(request); // a retried attempt
    expect(receipts).toEqual([{ key: reminder.key, recipients: ['enhetschef@stadsutveckling/u1'] }]);
    expect(delivery.messages).toEqual([
      {
        workflowId: 'activity-a1',
        activityId: 'a1',
        key: reminder.key,
        kind: 'reminder',
        to: 'owners',
        at: reminder.at,
        localDate: '2022-12-23',
        reason: reminder.reason,
        recipients: ['enhetschef@stadsutveckling/u1'],
      },
    ]);
  });

  it('takes the request shape of workflows scheduled before the Notice seam, as the same notice', async () => {
    const legacy: LegacyDeliveryRequest = {
      workflowId: 'activity-a1',
      activity,
      items: [{ event: reminder, recipients: activity.owners }],
    };
    const viaLegacy = new RecordingDelivery();
    const viaNotice = new RecordingDelivery();
    await createLifecycleActivities(viaLegacy).deliver(legacy);
    await createLifecycleActivities(viaNotice).deliver({
      workflowId: 'activity-a1',
      planNow: reminder.at,
      notices: [noticeOf(activity, reminder)],
    });
    expect(viaLegacy.messages).toEqual(viaNotice.messages);
    expect(viaLegacy.messages).toHaveLength(1);
  });

  it('reads an old follow-up request (an indicator or the report dressed as an activity) as its real subject', async () => {
    let seen: { type: string; id: string }[] = [];
    const sink = {
      async deliver(request: NoticeRequest) {
        seen = request.notices.map((n) => ({ type: n.about.type, id: n.about.id }));
        return [];
      },
    };
    const indicator = makeActivity({ id: 'indikator-0123456789ab', text: 'Indikator: Sjukfrånvaro' });
    await createLifecycleActivities(sink).deliver({
      workflowId: 'cycle-x',
      activity: indicator,
      items: [{ event: { ...reminder, kind: 'statusRequest' }, recipients: [] }],
    });
    expect(seen).toEqual([{ type: 'indicator', id: 'indikator-0123456789ab' }]);
    const report = makeActivity({ id: 'cycle-forskola-2022-T1', text: 'Uppföljningsrapport Tertial 1' });
    await createLifecycleActivities(sink).deliver({
      workflowId: 'cycle-forskola-2022-T1',
      activity: report,
      items: [{ event: { ...reminder, kind: 'report' }, recipients: [] }],
    });
    expect(seen).toEqual([{ type: 'report', id: 'cycle-forskola-2022-T1' }]);
  });
});
