/**
 * The personDigest workflow's input, signal and query: defined once here and used by the
 * workflow, the channel delivery (which signals-with-start it) and the web app.
 * Workflow-safe: only types and Temporal definitions.
 */
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { PlanTimed } from '../domain/plan-clock';
import type { IsoDate } from '../domain/vocabulary';
import type { MessageKind } from '../delivery/message';

/** One line of a person's digest: one due event of one activity (or a gap HR must close). */
export interface DigestItem {
  /** `<lifecycle workflow id>/<event key>` (+ `/gap/…` for a gap): the digest dedupes on it. */
  id: string;
  kind: MessageKind;
  activityId: string;
  activityText: string;
  goal?: string;
  /** Department id (for HR when the message reaches no channel) and its display name. */
  departmentId: string;
  department: string;
  deadline?: IsoDate;
  /** Swedish, why the person hears about it today. */
  reason: string;
  /** What the item is about (the Notice's `about.type`); absent in items gathered before it was carried. */
  subject?: 'activity' | 'indicator' | 'report';
  /** The notice was for the owners (not a rung of the escalation ladder): the reader is asked to report. */
  toOwners?: boolean;
  /** The follow-up cycle that sent it (its workflow id), for cycle notices: their links go to its report. */
  cycleId?: string;
}

export type PersonalChannel = 'email' | 'teams';

/** The delivery rules a digest runs with, resolved from rules.yaml when it was started. */
export interface DigestSettings {
  preferredChannel: PersonalChannel;
  fallbackChannel: PersonalChannel | 'none';
  maxAttempts: number;
  initialIntervalSeconds: number;
  fallbackAfterMinutes: number;
  attemptTimeoutSeconds: number;
  gatherMinutes: number;
}

/** The plan's time shift (PlanTimed) is the lifecycle's, read only by the plan clock. */
export interface DigestInput extends PlanTimed {
  personId: string;
  /** The Stockholm day the digest is for: part of its id and of its delivery key. */
  date: IsoDate;
  /** Plan instant before which the digest does not send (the send time of `date`). */
  sendAt: string;
  settings: DigestSettings;
  /** Critical events (rules `delivery.immediate`) and `digest: false`: send without gathering. */
  immediate?: boolean;
}

export interface DigestFailure {
  channel: PersonalChannel;
  error: string;
  /**
   * The budget ran out on errors that can pass (refused connection, timeout, HTTP 5xx/429): the
   * digest keeps trying this channel after surfacing. False: the channel refused for good (no
   * address, 550, 403). Absent in digests that ran before the distinction was made.
   */
  temporary?: boolean;
}

export type DigestPhase = 'gathering' | 'sending' | 'sent' | 'undeliverable';

export interface DigestView {
  personId: string;
  date: IsoDate;
  phase: DigestPhase;
  items: DigestItem[];
  channel?: PersonalChannel;
  failures: DigestFailure[];
  /** Items that arrived after the digest had sent, handed on to the next working day's digest. */
  forwarded: number;
  /** Surfaced as undeliverable first, then sent once the channel came back. */
  deliveredAfterOutage?: boolean;
}

export interface DigestOutcome {
  phase: 'sent' | 'undeliverable';
  channel?: PersonalChannel;
  key?: string;
  items: number;
  /** Every item id this digest took (sent, surfaced or handed on): a retried deliver skips them. */
  itemIds: string[];
  failures: DigestFailure[];
  forwarded: number;
  /** As DigestView's: HR was told it was undeliverable, and it arrived later. */
  deliveredAfterOutage?: boolean;
}

export const addDigestItems = defineSignal<[DigestItem[]]>('addDigestItems');
export const digestStateQuery = defineQuery<DigestView>('digestState');
