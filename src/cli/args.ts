import { parseArgs, type ParseArgsConfig } from 'node:util';

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
