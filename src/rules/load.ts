import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseYaml } from '../config';
import { RulesFileSchema, type RulesFile } from './schema';

export interface RulesLoadOptions {
  /** Department ids that exist (from the organisation); an override for any other is an error. */
  departments?: readonly string[];
  /** The name errors show; defaults to the file's base name. */
  displayName?: string;
}

/** Parses and validates rules.yaml text; throws SourceErrors naming file, line and field. */
export function parseRules(file: string, text: string, options: RulesLoadOptions = {}): RulesFile {
  const known = options.departments;
  const schema =
    known === undefined
      ? RulesFileSchema
      : RulesFileSchema.superRefine((rules, ctx) => {
          for (const id of Object.keys(rules.departments)) {
            if (known.includes(id)) continue;
            ctx.addIssue({
              code: 'custom',
              path: ['departments', id],
              message: `unknown department "${id}"; known: ${known.join(', ')}`,
              params: { sv: `okänd avdelning "${id}"; kända: ${known.join(', ')}` },
            });
          }
        });
  return parseYaml(file, text, schema);
}

/** Reads and validates config/rules.yaml. The service calls this at start and refuses to run on an error. */
export async function loadRules(path: string, options: RulesLoadOptions = {}): Promise<RulesFile> {
  return parseRules(options.displayName ?? basename(path), await readFile(path, 'utf8'), options);
}
