/**
 * The personDigest workflow's activities, as it proxies them: their requests and results. The
 * implementations (createDigestActivities in ./channel-delivery.ts) route items into digests by
 * starting this workflow, so its type lives here, where the workflow can import it without
 * importing itself back.
 */
import type { PlanTimed } from '../domain/plan-clock';
import type { IsoDate } from '../domain/vocabulary';
import type { DigestFailure, DigestItem, PersonalChannel } from './messages';

export interface SendDigestRequest {
  digestId: string;
  personId: string;
  date: IsoDate;
  channel: PersonalChannel;
  items: DigestItem[];
}

export interface SurfaceUndeliverableRequest {
  digestId: string;
  personId: string;
  date: IsoDate;
  items: DigestItem[];
  failures: DigestFailure[];
}

/** Items that reached a digest after it had sent, with the digest's plan time. */
export interface ForwardDigestItemsRequest extends PlanTimed {
  personId: string;
  fromDate: IsoDate;
  items: DigestItem[];
}

export interface DigestActivities {
  /** One message on one channel; idempotent through the ledger (key = digest, person, day, channel). */
  sendDigest(
    req: SendDigestRequest,
  ): Promise<{ status: 'sent' | 'alreadySent'; key: string; channel: PersonalChannel }>;
  /** A message no channel took: recorded for the Utkorg page and mailed to the department's HR. */
  surfaceUndeliverable(req: SurfaceUndeliverableRequest): Promise<{ hrNotified: string[] }>;
  /** Items that reached a digest after it had sent: to the next working day's digest. */
  forwardDigestItems(req: ForwardDigestItemsRequest): Promise<{ workflowId: string; date: IsoDate }[]>;
}
