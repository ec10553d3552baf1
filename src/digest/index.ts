/**
 * One message per person and day: the personDigest workflow, its messages, and the production
 * notice sink (ChannelDelivery) with the digest's activities. For code outside workflows: the
 * worker's bundle imports ./workflow directly.
 */
export { personDigest } from './workflow';
export * from './messages';
export type {
  DigestActivities,
  ForwardDigestItemsRequest,
  SendDigestRequest,
  SurfaceUndeliverableRequest,
} from './activities';
export {
  ChannelDelivery,
  createDigestActivities,
  DEFAULT_DIGEST,
  digestKind,
  digestMessage,
  digestSettings,
  messageKindOf,
  recipientOf,
  routeToDigest,
  toActivityFailure,
  type DigestDeps,
  type RouteRequest,
} from './channel-delivery';
export {
  asksReader,
  CHECKIN_MARGIN_WORKING_DAYS,
  checkinExpiryDate,
  checkinLifetimeMs,
  digestLinks,
  longestLadderWorkingDays,
  longestPeriodDays,
  type CheckinSigner,
} from './checkin-links';
