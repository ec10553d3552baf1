import {
  CST,
  isMap,
  isNode,
  isScalar,
  isSeq,
  Lexer,
  LineCounter,
  Parser,
  parseDocument,
  visit,
  type Alias,
  type Document,
  type Node,
} from 'yaml';
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
  refuseDeepNesting(file, text);
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
  const data = toData(file, doc, lineCounter);
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
      const at =
        issue.code === 'unrecognized_keys' && issue.keys.length === 1 ? [...issue.path, issue.keys[0]!] : issue.path;
      const node = nodeAt(doc.contents, at as (string | number)[]);
      const line = node?.range ? lineCounter.linePos(node.range[0]).line : undefined;
      const svIssue = svIssues[i];
      const sv =
        swedishDetail(issue) ??
        (svIssue && sameIssue(svIssue, issue) ? (swedishDetail(svIssue) ?? svIssue.message) : issue.message);
      return new SourceError({ file, line, field: path.join('.') || undefined }, issue.message, sv);
    }),
  );
}

/**
 * Far deeper than any file Planvakt reads, and far below the depth at which the yaml library's
 * recursive composer overflows the stack: such an overflow inside a regular expression left V8
 * unable to compile the next one and took the whole process down.
 */
const MAX_DEPTH = 64;

/**
 * Measures nesting before composing, which recurses. Flow collections are counted on the lexer's
 * tokens first: they cost two characters a level, so a short file nests deep, and the lexer can stop
 * at the first level too many instead of parsing all of it. Then the parser's tokens, built without
 * recursion, give the depth of block and flow collections together.
 */
function refuseDeepNesting(file: string, text: string): void {
  const tooDeep = (line: number, column?: number) =>
    new SourceErrors([
      new SourceError(
        { file, line, column },
        `nested deeper than ${MAX_DEPTH} levels`,
        `nästlad djupare än ${MAX_DEPTH} nivåer`,
      ),
    ]);
  let line = 1;
  let flow = 0;
  for (const source of new Lexer().lex(text)) {
    const type = CST.tokenType(source);
    if (type === 'flow-seq-start' || type === 'flow-map-start') {
      if (++flow > MAX_DEPTH) throw tooDeep(line);
    } else if (type === 'flow-seq-end' || type === 'flow-map-end') flow--;
    for (let i = source.indexOf('\n'); i !== -1; i = source.indexOf('\n', i + 1)) line++;
  }
  const lineCounter = new LineCounter();
  for (const token of new Parser(lineCounter.addNewLine).parse(text)) {
    const pending: [CST.Token, number][] = [[token, 0]];
    for (let next = pending.pop(); next; next = pending.pop()) {
      const [t, depth] = next;
      if (t.type === 'document' && t.value) pending.push([t.value, depth]);
      if (t.type !== 'block-map' && t.type !== 'block-seq' && t.type !== 'flow-collection') continue;
      if (depth >= MAX_DEPTH) {
        const { line, col } = lineCounter.linePos(t.offset);
        throw tooDeep(line, col);
      }
      for (const item of t.items as { key?: CST.Token | null; value?: CST.Token }[]) {
        if (item.key) pending.push([item.key, depth + 1]);
        if (item.value) pending.push([item.value, depth + 1]);
      }
    }
  }
}

/**
 * The plain data of a document. Resolving aliases can fail after parsing succeeded (an alias to
 * an anchor defined later, or so many aliases that the data would explode, "billion laughs"); that
 * is the writer's error too, shown at the first alias that can be to blame.
 */
function toData(file: string, doc: Document, lineCounter: LineCounter): unknown {
  try {
    return doc.toJS();
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const aliases: Alias[] = [];
    visit(doc, { Alias: (_, alias) => void aliases.push(alias) });
    const blamed = aliases.find((a) => message.endsWith(`: ${a.source}`)) ?? aliases[0];
    const line = blamed?.range ? lineCounter.linePos(blamed.range[0]).line : undefined;
    throw new SourceErrors([
      new SourceError({ file, line }, `YAML aliases: ${message}`, `YAML-alias som inte går att lösa upp: ${message}`),
    ]);
  }
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
    return issue.input === undefined
      ? `saknas: förväntade ${want}`
      : `fel typ: förväntade ${want}, fick ${SWEDISH_TYPE[got] ?? got}`;
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
