/**
 * Follow-up cycles: the department and cycle workflows, their messages, which cycles a department
 * has (pure), how they are started from a plan, and the report activities. For code outside
 * workflows: the worker's bundle imports ./workflow directly.
 */
export { followUpCycle, followUpDepartment } from './workflow';
export * from './messages';
export { periodsOfActivity, planCycles, type DepartmentYear } from './cycles';
export { followUpInputs, indicatorsOf, planYears, startFollowUps } from './start';
export {
  compileReport,
  createFollowUpActivities,
  readLifecycles,
  reportsDir,
  reportsOf,
  storeReport,
  type FollowUpActivities,
  type FollowUpDeps,
  type LifecycleBrief,
  type LifecycleRead,
} from './activities';
export {
  FileReportStore,
  SqlReportStore,
  type ReportFormat,
  type ReportStore,
  type StoredReport,
} from './report/store';
