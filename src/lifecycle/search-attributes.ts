/**
 * The lifecycle's search attribute values as Temporal's typed pairs, built in this one place for
 * both the start options (lifecycleStart) and the workflow's upserts. An empty value ('' for no
 * unit, no deadline, no report yet) is `null`: an upsert removes the attribute, a start leaves it out.
 * Workflow-safe.
 */
import type { SearchAttributePair, SearchAttributeUpdatePair } from '@temporalio/common';
import * as sa from '../temporal/search-attributes';
import type { SearchAttributeValues } from './state';

export type SearchAttributeName = keyof SearchAttributeValues;

const instant = (value: string) => (value ? new Date(value) : null);

/** One attribute's pair; `null` value: not set. */
export function searchAttributePair(
  values: SearchAttributeValues,
  name: SearchAttributeName,
): SearchAttributeUpdatePair {
  switch (name) {
    case 'PlanvaktPlan':
      return { key: sa.PlanvaktPlan, value: values.PlanvaktPlan };
    case 'PlanvaktDepartment':
      return { key: sa.PlanvaktDepartment, value: values.PlanvaktDepartment };
    case 'PlanvaktUnit':
      return { key: sa.PlanvaktUnit, value: values.PlanvaktUnit || null };
    case 'PlanvaktOwnerRoles':
      return { key: sa.PlanvaktOwnerRoles, value: values.PlanvaktOwnerRoles };
    case 'PlanvaktStatus':
      return { key: sa.PlanvaktStatus, value: values.PlanvaktStatus };
    case 'PlanvaktDeadline':
      return { key: sa.PlanvaktDeadline, value: instant(values.PlanvaktDeadline) };
    case 'PlanvaktOverdue':
      return { key: sa.PlanvaktOverdue, value: values.PlanvaktOverdue };
    case 'PlanvaktLastReport':
      return { key: sa.PlanvaktLastReport, value: instant(values.PlanvaktLastReport) };
  }
}

/** What an upsert sends for the attributes `names` (null removes one). */
export function searchAttributeUpdates(
  values: SearchAttributeValues,
  names: readonly SearchAttributeName[],
): SearchAttributeUpdatePair[] {
  return names.map((name) => searchAttributePair(values, name));
}

/** What a start sets: every attribute that has a value, in the order of SearchAttributeValues. */
export function searchAttributesAtStart(values: SearchAttributeValues): SearchAttributePair[] {
  return (Object.keys(values) as SearchAttributeName[]).map((name) => searchAttributePair(values, name)).filter(isSet);
}

function isSet(pair: SearchAttributeUpdatePair): pair is SearchAttributePair {
  return pair.value !== null;
}
