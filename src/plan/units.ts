/**
 * The departments and the units the plans name, with the ids the organisation config uses.
 * A verksamhetsplan names only its unit; this is where the importer finds the department.
 */
export const DEPARTMENTS = {
  forskola: 'Förskola',
  stadsutveckling: 'Stadsutveckling',
  aldreomsorg: 'Äldreomsorg',
  'individ-och-familj': 'Individ och familj',
  funktionsnedsattning: 'Funktionsnedsättning',
} as const;
export type DepartmentId = keyof typeof DEPARTMENTS;

export const UNIT_DEPARTMENT: Record<string, DepartmentId> = {
  bou: 'individ-och-familj',
  aib: 'individ-och-familj',
  vuxen: 'individ-och-familj',
  resursenheten: 'forskola',
};
