/**
 * One activity's life: the activityLifecycle workflow, its signals, updates and queries, its pure
 * rules (state), how it is started, and its `deliver` activity. For code outside workflows: the
 * worker's bundle and other workflow files import the files directly.
 */
export { activityLifecycle } from './workflow';
export * from './messages';
export {
  activitySubject,
  changedFields,
  endsCancelled,
  initialState,
  isOverdue,
  noticeOf,
  recipientsOf,
  reportProblem,
  searchAttributeValues,
} from './state';
export { lifecycleStart } from './start';
export { sentText, timelineText, timelineWhen } from './timeline-text';
export { searchAttributesAtStart, searchAttributeUpdates } from './search-attributes';
export {
  createLifecycleActivities,
  noticeRequestOf,
  type LegacyDeliveryRequest,
  type LifecycleActivities,
} from './activities';
export { planId, rulesVersion, toLifecycleActivity } from './from-plan';
