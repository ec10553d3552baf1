/**
 * The lifecycle's one activity, `deliver`: hands the due notices to the sink (the channel delivery
 * in production, the recording one in tests and simulate). The follow-up cycle sends through the
 * same activity.
 */
import type { ScheduleEvent } from '../calendar/schedule';
import type { NoticeActivities, NoticeKind, NoticeRequest, NoticeSink } from '../domain/notice';
import type { RoleRef } from '../domain/vocabulary';
import type { LifecycleActivity } from './messages';
import { activitySubject, eventNotice } from './state';

export type LifecycleActivities = NoticeActivities;

/**
 * The request as workflows scheduled it before the Notice seam: one activity (the follow-up cycle
 * dressed indicators and reports up as one) and its due events. A workflow that scheduled deliver
 * on older code is retried with this shape; its time shift is 0, as in every production run.
 */
export interface LegacyDeliveryRequest {
  workflowId: string;
  activity: LifecycleActivity;
  items: { event: Omit<ScheduleEvent, 'kind'> & { kind: NoticeKind }; recipients: RoleRef[] }[];
}

export function isLegacyDeliveryRequest(
  request: NoticeRequest | LegacyDeliveryRequest,
): request is LegacyDeliveryRequest {
  return 'items' in request && !('notices' in request);
}

/** The old request as notices: the subject from the activity it carried, each event as a notice. */
export function noticeRequestOf(
  request: NoticeRequest | LegacyDeliveryRequest,
  planNow: () => string = () => new Date().toISOString(),
): NoticeRequest {
  if (!isLegacyDeliveryRequest(request)) return request;
  const { activity } = request;
  const subject = activitySubject(activity);
  const notices = request.items.map(({ event, recipients }) => {
    const type = event.kind === 'report' ? 'report' : activity.id.startsWith('indikator-') ? 'indicator' : 'activity';
    return eventNotice(event, { ...subject, type }, recipients);
  });
  return { workflowId: request.workflowId, planNow: planNow(), notices };
}

export function createLifecycleActivities(sink: NoticeSink) {
  return {
    /** Idempotent by notice key: the sink records or sends each (workflow, key) once. */
    async deliver(request: NoticeRequest | LegacyDeliveryRequest) {
      return sink.deliver(noticeRequestOf(request));
    },
  } satisfies LifecycleActivities;
}
