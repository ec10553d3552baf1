import type { ScheduleEvent } from '../calendar/schedule';
import type { RoleRef } from './vocabulary';
import type { LifecycleActivity } from '../lifecycle/messages';

/** One due event of one activity and the roles it is for; people are resolved at send time. */
export interface DeliveryItem {
  event: ScheduleEvent;
  recipients: RoleRef[];
}

export interface DeliveryRequest {
  workflowId: string;
  activity: LifecycleActivity;
  items: DeliveryItem[];
}

/** Per event: who it went to (names, for the timeline). */
export interface DeliveryReceipt {
  key: string;
  recipients: string[];
}

/**
 * Where messages go. The lifecycle only needs this interface; the recording sink serves tests and
 * `planvakt simulate`, the channel sink (email, Teams, digest) serves production.
 */
export interface DeliverySink {
  deliver(request: DeliveryRequest): Promise<DeliveryReceipt[]>;
}

export interface RecordedMessage {
  workflowId: string;
  activityId: string;
  key: string;
  kind: ScheduleEvent['kind'];
  to: ScheduleEvent['to'];
  at: string;
  localDate: string;
  reason: string;
  recipients: string[];
}

/**
 * Keeps every delivered event in memory, once per key however often the activity is retried,
 * so a test or a simulation can read exactly what would have been sent.
 */
export class RecordingDelivery implements DeliverySink {
  readonly messages: RecordedMessage[] = [];
  private readonly seen = new Set<string>();

  constructor(private readonly resolve: (ref: RoleRef, activity: LifecycleActivity) => string[] = (ref) => [ref.role + (ref.unit ? `:${ref.unit}` : '')]) {}

  async deliver(request: DeliveryRequest): Promise<DeliveryReceipt[]> {
    return request.items.map(({ event, recipients }) => {
      const names = [...new Set(recipients.flatMap((r) => this.resolve(r, request.activity)))];
      const id = `${request.workflowId}/${event.key}`;
      if (!this.seen.has(id)) {
        this.seen.add(id);
        this.messages.push({
          workflowId: request.workflowId,
          activityId: request.activity.id,
          key: event.key,
          kind: event.kind,
          to: event.to,
          at: event.at,
          localDate: event.localDate,
          reason: event.reason,
          recipients: names,
        });
      }
      return { key: event.key, recipients: names };
    });
  }
}
