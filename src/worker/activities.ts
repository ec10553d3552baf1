/**
 * The activities the worker registers: all of Planvakt's I/O (delivery, ledger, reports) lives
 * here, each idempotent under retry. Each workflow proxies only its own folder's activity type
 * (LifecycleActivities, DigestActivities, FollowUpActivities); this file composes them for the
 * worker's registration only.
 */
import type { NoticeSink } from '../domain';
import { createLifecycleActivities } from '../lifecycle';
import { createDigestActivities, type DigestDeps } from '../digest';
import { createFollowUpActivities, type FollowUpDeps } from '../follow-up';

export interface ActivityDeps {
  /** The notice sink behind `deliver`: `ChannelDelivery` in production, `RecordingDelivery` in tests and simulate. */
  delivery: NoticeSink;
  /** Channels, ledger, organisation and a Temporal client for the personDigest activities; absent: they fail as not configured. */
  digest?: DigestDeps;
  /** A Temporal client and the data dir for the follow-up cycles' report activities; absent: they fail as not configured. */
  followUp?: FollowUpDeps;
}

export function createActivities(deps: ActivityDeps) {
  return {
    ...createLifecycleActivities(deps.delivery),
    ...createDigestActivities(deps.digest),
    ...createFollowUpActivities(deps.followUp),
  };
}
