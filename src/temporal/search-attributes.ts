import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * The custom search attributes behind every list and the dashboard: Temporal visibility is the
 * system of record, so there is no second copy of an activity's state in a database of our own.
 * Registered on the embedded dev server at `npm start`, in tests, and (production) by
 * `temporal operator search-attribute create` as the README shows. Safe to import in workflows.
 */
export const PlanvaktPlan = defineSearchAttributeKey('PlanvaktPlan', SearchAttributeType.KEYWORD);
export const PlanvaktDepartment = defineSearchAttributeKey('PlanvaktDepartment', SearchAttributeType.KEYWORD);
export const PlanvaktUnit = defineSearchAttributeKey('PlanvaktUnit', SearchAttributeType.KEYWORD);
export const PlanvaktOwnerRoles = defineSearchAttributeKey('PlanvaktOwnerRoles', SearchAttributeType.KEYWORD_LIST);
export const PlanvaktStatus = defineSearchAttributeKey('PlanvaktStatus', SearchAttributeType.KEYWORD);
export const PlanvaktDeadline = defineSearchAttributeKey('PlanvaktDeadline', SearchAttributeType.DATETIME);
export const PlanvaktOverdue = defineSearchAttributeKey('PlanvaktOverdue', SearchAttributeType.BOOL);
export const PlanvaktLastReport = defineSearchAttributeKey('PlanvaktLastReport', SearchAttributeType.DATETIME);

export const SEARCH_ATTRIBUTES = [
  PlanvaktPlan,
  PlanvaktDepartment,
  PlanvaktUnit,
  PlanvaktOwnerRoles,
  PlanvaktStatus,
  PlanvaktDeadline,
  PlanvaktOverdue,
  PlanvaktLastReport,
];

/** The Temporal CLI's names for the types, for `--search-attribute Name=Type`. */
const CLI_TYPE: Record<string, string> = {
  [SearchAttributeType.KEYWORD]: 'Keyword',
  [SearchAttributeType.KEYWORD_LIST]: 'KeywordList',
  [SearchAttributeType.DATETIME]: 'Datetime',
  [SearchAttributeType.BOOL]: 'Bool',
  [SearchAttributeType.TEXT]: 'Text',
  [SearchAttributeType.INT]: 'Int',
  [SearchAttributeType.DOUBLE]: 'Double',
};

export function searchAttributeCliArgs(): string[] {
  return SEARCH_ATTRIBUTES.flatMap((key) => ['--search-attribute', `${key.name}=${CLI_TYPE[key.type]}`]);
}
