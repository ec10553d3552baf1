import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The real plans in ../shared/plans, beside the repository. */
export const PLANS_DIR = fileURLToPath(new URL('../../../shared/plans/', import.meta.url));
export const KOMPETENSPLAN = 'kompetensforsorjningsplan-2021-2023.md';
export const VERKSAMHETSPLAN = 'verksamhetsplan-2020-resursenheten.txt';

export function seedPath(name: string): string {
  return `${PLANS_DIR}${name}`;
}

export function readSeed(name: string): string {
  return readFileSync(seedPath(name), 'utf8');
}
