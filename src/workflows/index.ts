/**
 * Every workflow the Planvakt worker runs. The worker bundles this file for Temporal's
 * deterministic sandbox, so it may import only workflow code and pure modules (src/calendar,
 * src/plan/vocabulary), never activities, the web app or anything that does I/O.
 */
export { activityLifecycle } from './activity-lifecycle';
export { personDigest } from './digest';
export { followUpCycle, followUpDepartment } from './follow-up';
