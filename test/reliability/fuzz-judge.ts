/**
 * Runs inside a worker thread for the reliability fuzz test: parses one hostile input with the
 * importer or loader it names and judges the outcome against the promise those make. A parse that
 * hangs blocks only this thread, so the test thread can still notice and stop it.
 */
import { parentPort } from 'node:worker_threads';
import { parseDocument } from 'yaml';
import { SourceError, SourceErrors } from '../../src/config/source-error';
import { parseOrganisation } from '../../src/organisation/load';
import { parsePlan, PlanError, planFromYaml, planSchema } from '../../src/plan';
import { parseRules } from '../../src/rules/load';

export type Target = 'plan' | 'plan.yaml' | 'organisation.yaml' | 'rules.yaml';

export interface FuzzCase {
  target: Target;
  text: string;
  /** Never answers: the test's check that its time limit works. */
  spinForever?: boolean;
}

export interface Verdict {
  outcome: 'accepted' | 'rejected';
  /** A rejection whose every error names a line (the rest are about the whole file: empty, binary). */
  withLine: boolean;
  /** What broke the promise: an error that is not the project's, or one that does not say where. */
  broken?: string;
}

const FILES: Record<Target, string> = {
  plan: 'fuzz.md',
  'plan.yaml': 'plan.yaml',
  'organisation.yaml': 'organisation.yaml',
  'rules.yaml': 'rules.yaml',
};

const LOADERS: Record<Exclude<Target, 'plan'>, (file: string, text: string) => unknown> = {
  'plan.yaml': planFromYaml,
  'organisation.yaml': parseOrganisation,
  'rules.yaml': parseRules,
};

export function judge({ target, text, spinForever }: FuzzCase): Verdict {
  while (spinForever);
  const file = FILES[target];
  const lineCount = text.split(/\r\n|\r|\n/).length;
  /** What is wrong with where an error says it is; undefined when it names the file and a real line. */
  const misplaced = (e: SourceError, lineOptional: boolean): string | undefined => {
    if (!e.message.startsWith(file)) return `does not name ${file}: ${e.message}`;
    const { line } = e.location;
    if (line === undefined) return lineOptional ? undefined : `no line: ${e.message}`;
    if (!Number.isInteger(line) || line < 1 || line > lineCount)
      return `line ${line} outside 1–${lineCount}: ${e.message}`;
    return undefined;
  };
  const broken = (why: string): Verdict => ({ outcome: 'rejected', withLine: false, broken: why });

  if (target === 'plan') {
    try {
      const result = parsePlan(file, text);
      for (const w of result.warnings) {
        if (!(w instanceof PlanError)) return broken(`warning of class ${(w as Error).name}`);
        // A few warnings are about the whole plan (no title, no department table at all).
        const where = misplaced(w, true);
        if (where) return broken(`warning ${where}`);
      }
      const valid = planSchema.safeParse(result.plan);
      if (!valid.success) return broken(`imported plan is not a valid plan.yaml: ${valid.error.message.slice(0, 300)}`);
      return { outcome: 'accepted', withLine: false };
    } catch (e) {
      if (!(e instanceof PlanError)) return broken(`threw ${describeError(e)}`);
      // parsePlan throws only when nothing in the file can be read, which has no line to name.
      const where = misplaced(e, true);
      return where ? broken(where) : { outcome: 'rejected', withLine: e.location.line !== undefined };
    }
  }

  try {
    LOADERS[target](file, text);
    return { outcome: 'accepted', withLine: false };
  } catch (e) {
    const errors = e instanceof SourceErrors ? e.errors : e instanceof SourceError ? [e] : undefined;
    if (!errors || errors.length === 0 || errors.some((x) => !(x instanceof SourceError)))
      return broken(`threw ${describeError(e)}`);
    for (const err of errors) {
      // Only a file with no YAML content at all (empty, comments only) is at fault as a whole.
      const where = misplaced(err, err.location.line === undefined && parseDocument(text).contents === null);
      if (where) return broken(where);
      // A schema error names its field unless it is about the top level (the file is a list, say).
      if (!err.detail.startsWith('YAML') && !err.detail.startsWith('nested') && !err.location.field && !topLevel(err)) {
        return broken(`no field: ${err.message}`);
      }
    }
    return { outcome: 'rejected', withLine: errors.every((x) => x.location.line !== undefined) };
  }
}

function topLevel(err: SourceError): boolean {
  return /^(Unrecognized keys?:|Invalid input: expected (object|record), received)/.test(err.detail);
}

function describeError(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message.split('\n')[0]}` : String(e);
}

parentPort?.on('message', (c: FuzzCase) => parentPort?.postMessage(judge(c)));
parentPort?.postMessage('ready');
