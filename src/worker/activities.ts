/**
 * The activities the worker registers: all of Planvakt's I/O (delivery, ledger, reports) lives
 * here, each idempotent under retry. Workflows reach them only through
 * `proxyActivities<Activities>`.
 */
import type { DeliveryRequest, DeliverySink } from '../domain/notice';
import { createDigestActivities, type DigestDeps } from '../digest/activities';
import { createFollowUpActivities, type FollowUpDeps } from '../follow-up/activities';

export interface ActivityDeps {
  /** The lifecycle's sink: `ChannelDelivery` in production, `RecordingDelivery` in tests and simulate. */
  delivery: DeliverySink;
  /** Channels, ledger, organisation and a Temporal client for the personDigest activities; absent: they fail as not configured. */
  digest?: DigestDeps;
  /** A Temporal client and the data dir for the follow-up cycles' report activities; absent: they fail as not configured. */
  followUp?: FollowUpDeps;
}

export function createActivities(deps: ActivityDeps) {
  return {
    async deliver(request: DeliveryRequest) {
      return deps.delivery.deliver(request);
    },
    ...createDigestActivities(deps.digest),
    ...createFollowUpActivities(deps.followUp),
  };
}

export type Activities = ReturnType<typeof createActivities>;
