import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { SourceError } from '../config';
import {
  COLUMN_ROLE_IDS,
  columnMappingsText,
  readColumnMappings,
  readErrors,
  UnknownColumnsError,
  type ColumnMapping,
  type UnknownTable,
} from '../plan';

export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
}
export const processIo: Io = {
  out: (t) => void process.stdout.write(`${t}\n`),
  err: (t) => void process.stderr.write(`${t}\n`),
};

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * The commands that take exactly one file (`import`, `check`): parses the flags, answers --help,
 * and turns wrong usage into exit code 2 with the usage line, the same way for all of them.
 */
export type FlagValues<O extends Options> = { [K in keyof O]?: O[K]['type'] extends 'string' ? string : boolean };

export function fileCommand<O extends Options>(
  argv: string[],
  options: O,
  usage: string,
  io: Io,
): { exit: number } | { file: string; values: FlagValues<O> } {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { ...options, help: { type: 'boolean', short: 'h' } } as Options,
    });
  } catch (e) {
    io.err(`${(e as Error).message}\n${usage}`);
    return { exit: 2 };
  }
  if (parsed.values.help) {
    io.out(usage);
    return { exit: 0 };
  }
  const [file, ...extra] = parsed.positionals;
  if (!file || extra.length > 0) {
    io.err(usage);
    return { exit: 2 };
  }
  return { file, values: parsed.values as FlagValues<O> };
}

/**
 * `--kolumner FILE`: HR's column mappings for tables whose headings the importer does not know
 * (the same file Importera keeps in the data folder). Undefined without the flag.
 */
export async function columnMappingsFlag(
  path: string | undefined,
): Promise<{ columns?: ColumnMapping[]; errors?: SourceError[] }> {
  if (path === undefined) return {};
  try {
    return { columns: await readColumnMappings(path) };
  } catch (e) {
    const errors = readErrors(e);
    if (!errors) throw e;
    return { errors };
  }
}

/** For a plan whose columns nobody can tell: a --kolumner file to start from, with the headings' guesses. */
export function mappingTemplate(e: unknown): string | undefined {
  const errors = readErrors(e);
  const unknown = errors?.find((x): x is UnknownColumnsError => x instanceof UnknownColumnsError);
  return unknown ? tablesTemplate(unknown.tables) : undefined;
}

/** The same for tables a readable plan skipped (each also a warning). */
export function tablesTemplate(tables: readonly UnknownTable[] | undefined): string | undefined {
  if (!tables || tables.length === 0) return undefined;
  const template = columnMappingsText(
    tables.map((t) => ({ headings: t.headings, roles: t.guess.map((g) => g ?? 'ovrigt') })),
  );
  return `Skriv vilken kolumn som är vad i en fil som denna (kolumner: ${COLUMN_ROLE_IDS.join(', ')}; minst en aktivitet) och kör igen med --kolumner FIL:\n${template}`;
}
