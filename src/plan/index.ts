/** The plan importer: pure reading of plan files into the normalised Plan, plan.yaml and diffs. */
export * from './model';
export { PlanError } from './errors';
export {
  parsePlan,
  parseDocument,
  readPlanFile,
  readPlanBytes,
  detectFormat,
  type ParseResult,
  type FileFormat,
  type ReadOptions,
} from './parse';
export { textDocument, type PlanDocument } from './document';
export { readDocx } from './docx';
export { parseDeadline, splitDeadlineCell } from './deadline';
export { parseOwners, splitOwnerGroups } from './owners';
export { parseCadences, parsePeriodicity, defaultCadences } from './cadence';
export { assignIds, normaliseForId } from './ids';
export { diffPlans, type PlanDiff, type ActivityChange, type ChangedField } from './diff';
export { planToYaml, planFromYaml, planSchema } from './plan-yaml';
export { summarise, formatSummary, summaryJson, errorJson, readErrors, type DepartmentSummary } from './summary';
export { DEPARTMENTS, UNIT_DEPARTMENT } from './units';
export {
  COLUMN_ROLES,
  COLUMN_ROLE_IDS,
  headerSignature,
  roleOfHeading,
  type ColumnMapping,
  type ColumnRole,
} from './columns';
export { UnknownColumnsError, type UnknownTable } from './handlingsplan';
export {
  columnMappingFileSchema,
  columnMappingsText,
  FileColumnMappingStore,
  parseColumnMappings,
  readColumnMappings,
  roleFromWord,
  type ColumnMappingStore,
} from './column-mappings';
