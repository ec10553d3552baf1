/**
 * Every workflow the Planvakt worker runs. The worker bundles this file for Temporal's
 * deterministic sandbox, so it imports the workflow files themselves, never a folder's index.ts
 * (those also export activities and start helpers that do I/O); workflow files in turn import
 * only workflow code, pure modules (src/calendar, src/domain) and activity types (`import type`).
 */
export { activityLifecycle } from '../lifecycle/workflow';
export { personDigest } from '../digest/workflow';
export { followUpCycle, followUpDepartment } from '../follow-up/workflow';
