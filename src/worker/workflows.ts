/**
 * Every workflow the Planvakt worker runs. The worker bundles this file for Temporal's
 * deterministic sandbox, so it may import only workflow code and pure modules (src/calendar,
 * src/plan/vocabulary), never activities, the web app or anything that does I/O.
 */
export { activityLifecycle } from '../lifecycle/workflow';
export { personDigest } from '../digest/workflow';
export { followUpCycle, followUpDepartment } from '../follow-up/workflow';
