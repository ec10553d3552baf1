import { isMap, isNode, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { z } from 'zod';
import { SourceError, SourceErrors } from './source-error';

/**
 * Parses YAML text and validates it with a zod schema; every problem becomes a SourceError with
 * the line of the offending node, so "people.3.email" points at line 41 of organisation.yaml.
 * The same function loads organisation.yaml, rules.yaml and plan.yaml, and validates web forms'
 * YAML previews, so all of them report errors the same way.
 */
export function parseYaml<S extends z.ZodType>(file: string, text: string, schema: S): z.output<S> {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new SourceErrors(
      doc.errors.map((err) => {
        const pos = err.linePos?.[0];
        return new SourceError(
          { file, line: pos?.line, column: pos?.col },
          `YAML syntax: ${err.message.split('\n')[0]}`,
          `YAML-fel: ${err.message.split('\n')[0]}`,
        );
      }),
    );
  }
  const data = doc.toJS();
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  // zod words a message when it raises the issue, so the Swedish text needs a second pass; the
  // issues come in the same order because parsing is deterministic.
  const swedish = schema.safeParse(data, { error: swedishErrorMap });
  const svIssues = swedish.success ? [] : swedish.error.issues;
  throw new SourceErrors(
    result.error.issues.map((issue, i) => {
      const path = issue.path.map(String);
      // An unknown key is best shown on its own line, not on its parent's.
      const at = issue.code === 'unrecognized_keys' && issue.keys.length === 1 ? [...issue.path, issue.keys[0]!] : issue.path;
      const node = nodeAt(doc.contents, at as (string | number)[]);
      const line = node?.range ? lineCounter.linePos(node.range[0]).line : undefined;
      const svIssue = svIssues[i];
      const sv = swedishDetail(issue) ?? (svIssue && sameIssue(svIssue, issue) ? (swedishDetail(svIssue) ?? svIssue.message) : issue.message);
      return new SourceError({ file, line, field: path.join('.') || undefined }, issue.message, sv);
    }),
  );
}

/**
 * Custom checks carry their Swedish text in `params.sv` (zod keeps params on custom issues), so a
 * schema can state both languages in one place: `.refine(ok, { message, params: { sv } })`.
 */
function swedishDetail(issue: z.core.$ZodIssue): string | undefined {
  const sv = issue.code === 'custom' ? (issue.params as { sv?: unknown } | undefined)?.sv : undefined;
  return typeof sv === 'string' ? sv : undefined;
}

function sameIssue(a: z.core.$ZodIssue, b: z.core.$ZodIssue): boolean {
  return a.code === b.code && a.path.join('.') === b.path.join('.');
}

const SWEDISH_TYPE: Record<string, string> = {
  string: 'text',
  number: 'ett tal',
  int: 'ett heltal',
  boolean: 'true eller false',
  array: 'en lista',
  object: 'ett objekt',
  null: 'ingenting',
  undefined: 'ingenting',
  date: 'ett datum',
};

function typeOfInput(input: unknown): string {
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'array';
  return typeof input;
}

/** zod's Swedish locale, with plain words for the types HR sees ("förväntade ett tal, fick text"). */
const swedishErrorMap: z.core.$ZodErrorMap = (issue) => {
  if (issue.code === 'invalid_type') {
    const want = SWEDISH_TYPE[issue.expected] ?? issue.expected;
    const got = typeOfInput(issue.input);
    return issue.input === undefined ? `saknas: förväntade ${want}` : `fel typ: förväntade ${want}, fick ${SWEDISH_TYPE[got] ?? got}`;
  }
  return swedishLocale(issue);
};
const swedishLocale = z.locales.sv().localeError;

/**
 * The deepest node along `path` that exists, so a missing field points at its parent's line. A
 * field found in a map is located by its key, so `departments.skolan` points at `skolan:` rather
 * than at the first line of its value.
 */
function nodeAt(root: unknown, path: (string | number)[]): Node | undefined {
  let node = root as Node | undefined;
  let located: Node | undefined = node;
  for (const key of path) {
    let next: unknown;
    let keyNode: unknown;
    if (isMap(node)) {
      const pair = node.items.find((p) => String(isScalar(p.key) ? p.key.value : p.key) === String(key));
      next = pair?.value;
      keyNode = pair?.key;
    } else if (isSeq(node) && typeof key === 'number') next = node.get(key, true);
    if (next === undefined || next === null || typeof next !== 'object') {
      // A scalar value's node is returned by get(…, true); anything else means the key is absent.
      return (isNode(keyNode) ? keyNode : undefined) ?? located;
    }
    node = next as Node;
    located = isNode(keyNode) ? keyNode : node;
  }
  return located;
}
