import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseYaml } from '../config/yaml';
import { OrganisationSchema, type Organisation } from './schema';

/** Parses and validates organisation.yaml text; throws SourceErrors naming file, line and field. */
export function parseOrganisation(file: string, text: string): Organisation {
  return parseYaml(file, text, OrganisationSchema);
}

/** Reads and validates config/organisation.yaml. The service refuses to start on an error. */
export async function loadOrganisation(path: string, displayName = basename(path)): Promise<Organisation> {
  return parseOrganisation(displayName, await readFile(path, 'utf8'));
}
