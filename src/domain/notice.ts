/**
 * The `deliver` seam: what a workflow tells people, as plain data. A Notice says what is said
 * (kind), about which item (an activity, an indicator, a cycle's report), to which roles, on which
 * plan day and instant, why, and with which key; people are resolved from the roles at send time,
 * by the sink. The request carries the sender's plan time, so no sink has to find it elsewhere.
 *
 * Workflow-safe: types, and a recording sink that tests and `planvakt simulate` use.
 */
import type { PlanTimed } from './plan-clock';
import type { FollowUpPeriod, IsoDate, RoleRef, ScheduleEventKind, ScheduleRecipient } from './vocabulary';

/** What is said: the schedule's kinds, and a follow-up cycle's finished `report`. */
export type NoticeKind = ScheduleEventKind | 'report';

/** What a notice is about, as a message shows it. */
export interface NoticeSubject {
  type: 'activity' | 'indicator' | 'report';
  /** The activity id, `indikator-<indicator id>`, or the report's cycle id. */
  id: string;
  text: string;
  goal?: string;
  /** Department id: whose organisation resolves the roles. */
  department: string;
  unit?: string;
  /** The item's own deadline, when it has one. */
  deadline?: IsoDate;
}

export interface Notice {
  /** Deterministic and unique within the sending workflow: the idempotency key of the delivery. */
  key: string;
  kind: NoticeKind;
  about: NoticeSubject;
  /** Whom the rule names: the owners, or a rung of the escalation ladder. */
  to: ScheduleRecipient;
  /** The roles it is for; people are resolved at send time, never to deactivated people. */
  recipients: RoleRef[];
  /** Plan instant (UTC) the notice is for, and its Stockholm day. */
  at: string;
  localDate: IsoDate;
  /** Swedish, why the person hears about it: "påminnelse 5 arbetsdagar före måldatum 2022-12-31". */
  reason: string;
  /** The deadline the notice is about (a delmål's, the activity's), when there is one. */
  deadline?: IsoDate;
  milestoneId?: string;
  period?: FollowUpPeriod;
  /** The last day to answer, for status requests. */
  due?: IsoDate;
}

/** One call of `deliver`: the sending workflow, its plan time, and what it has to say. */
export interface NoticeRequest extends PlanTimed {
  workflowId: string;
  /** Plan time when the sender scheduled the delivery. */
  planNow: string;
  notices: Notice[];
}

/** Per notice: who it went to (names, for the timeline). */
export interface NoticeReceipt {
  key: string;
  recipients: string[];
  /**
   * The digests the notice was gathered into (one per date it went to), with the instant each is
   * sent; `immediate` ones go out at once. Absent: sent as it was delivered (the recording sink).
   */
  digests?: GatheredInto[];
}

export interface GatheredInto {
  /** The digest's day (Stockholm). */
  date: string;
  /** ISO instant (plan time) at which the digest goes out. */
  sendAt: string;
  immediate?: boolean;
}

/**
 * Where notices go. The recording sink serves tests and `planvakt simulate`; the channel sink
 * (digest, email, Teams; src/digest) serves production.
 */
export interface NoticeSink {
  deliver(request: NoticeRequest): Promise<NoticeReceipt[]>;
}

/** The `deliver` activity as the workflows that send notices proxy it. */
export interface NoticeActivities {
  deliver(request: NoticeRequest): Promise<NoticeReceipt[]>;
}

export interface RecordedMessage {
  workflowId: string;
  /** The subject's id (an activity id, `indikator-…`, or the report's cycle id). */
  activityId: string;
  key: string;
  kind: NoticeKind;
  to: ScheduleRecipient;
  at: string;
  localDate: string;
  reason: string;
  recipients: string[];
}

/**
 * Keeps every delivered notice in memory, once per key however often the activity is retried,
 * so a test or a simulation can read exactly what would have been sent.
 */
export class RecordingDelivery implements NoticeSink {
  readonly messages: RecordedMessage[] = [];
  private readonly seen = new Set<string>();

  constructor(
    private readonly resolve: (ref: RoleRef, about: NoticeSubject) => string[] = (ref) => [
      ref.role + (ref.unit ? `:${ref.unit}` : ''),
    ],
  ) {}

  async deliver(request: NoticeRequest): Promise<NoticeReceipt[]> {
    return request.notices.map((notice) => {
      const names = [...new Set(notice.recipients.flatMap((r) => this.resolve(r, notice.about)))];
      const id = `${request.workflowId}/${notice.key}`;
      if (!this.seen.has(id)) {
        this.seen.add(id);
        this.messages.push({
          workflowId: request.workflowId,
          activityId: notice.about.id,
          key: notice.key,
          kind: notice.kind,
          to: notice.to,
          at: notice.at,
          localDate: notice.localDate,
          reason: notice.reason,
          recipients: names,
        });
      }
      return { key: notice.key, recipients: names };
    });
  }
}
