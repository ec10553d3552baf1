/**
 * `planvakt <command>`: one entry for people and scripts. Commands load lazily so that
 * `planvakt check` does not pay for Temporal's native bridge.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SourceError, SourceErrors } from '../config';

type Command = { summary: string; load: () => Promise<(argv: string[]) => Promise<number>> };

const COMMANDS: Record<string, Command> = {
  start: {
    summary: 'start Temporal (embedded dev server unless TEMPORAL_ADDRESS), worker and web app',
    load: async () => (await import('./start')).run,
  },
  worker: {
    summary: 'run only the worker (production: run N of them)',
    load: async () => (await import('./start')).command({ worker: true }),
  },
  web: { summary: 'run only the web app', load: async () => (await import('./start')).command({ web: true }) },
};

/** Commands other modules contribute; each file exports `run(argv): Promise<number>`. */
const OPTIONAL: Record<string, { summary: string; path: string }> = {
  import: { summary: 'read a plan file and print a summary; --out plan.yaml writes it', path: './import' },
  check: { summary: 'validate a plan file without writing anything', path: './check' },
  simulate: {
    summary: 'what Planvakt would send, to whom and when: the real workflows a year ahead in seconds',
    path: './simulate',
  },
  rules: { summary: 'validate config/rules.yaml; --apply sends it to every running activity', path: './rules' },
  erase: {
    summary: 'erase a person who has left from the ledger, undeliverable log and outbox (GDPR)',
    path: './erase',
  },
  migrate: { summary: "bring the shared store's schema (DATABASE_URL) up to date and exit", path: './migrate' },
};

function usage(): string {
  const lines = Object.entries({ ...COMMANDS, ...OPTIONAL }).map(([name, c]) => `  ${name.padEnd(8)} ${c.summary}`);
  return `Användning: planvakt <kommando> [flaggor]\n\n${lines.join('\n')}\n`;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return name ? 0 : 2;
  }
  const builtin = COMMANDS[name];
  const optional = OPTIONAL[name];
  if (!builtin && !optional) {
    process.stderr.write(`Okänt kommando: ${name}\n\n${usage()}`);
    return 2;
  }
  const run = builtin
    ? await builtin.load()
    : ((await import(optional!.path)) as { run: (a: string[]) => Promise<number> }).run;
  return run(rest);
}

/** Runs a command and exits: errors a person made (a bad file, a taken port) print as one clear message. */
export function runCli(argv: string[]): void {
  main(argv).then(
    (code) => exitWhenWritten(code),
    (err: unknown) => {
      const message =
        err instanceof SourceError || err instanceof SourceErrors
          ? err.message
          : `[planvakt] ${(err as Error)?.message ?? err}`;
      console.error(message);
      exitWhenWritten(1);
    },
  );
}

/**
 * Exits once stdout and stderr have handed everything to the pipe: a pipe takes 64 KiB at a time,
 * and exiting straight away cut `planvakt import --json | …` there. A reader that closed the pipe
 * early (`| head`) ends the wait too.
 */
export function exitWhenWritten(code: number): void {
  // Should a stream never report back, the process still ends with this code once idle.
  process.exitCode = code;
  let pending = 2;
  const done = (): void => {
    if (--pending === 0) process.exit(code);
  };
  for (const stream of [process.stdout, process.stderr]) {
    let called = false;
    const once = (): void => {
      if (!called) {
        called = true;
        done();
      }
    };
    stream.once('error', once);
    stream.write('', once);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) runCli(process.argv.slice(2));
