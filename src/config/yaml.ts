import { isMap, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import type { z } from 'zod';
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
  const result = schema.safeParse(doc.toJS());
  if (result.success) return result.data;
  throw new SourceErrors(
    result.error.issues.map((issue) => {
      const path = issue.path.map(String);
      const node = nodeAt(doc.contents, issue.path as (string | number)[]);
      const line = node?.range ? lineCounter.linePos(node.range[0]).line : undefined;
      return new SourceError({ file, line, field: path.join('.') || undefined }, issue.message);
    }),
  );
}

/** The deepest node along `path` that exists, so a missing field points at its parent's line. */
function nodeAt(root: unknown, path: (string | number)[]): Node | undefined {
  let node = root as Node | undefined;
  for (const key of path) {
    let next: unknown;
    if (isMap(node)) next = node.get(key, true);
    else if (isSeq(node) && typeof key === 'number') next = node.get(key, true);
    if (next === undefined || next === null || typeof next !== 'object') {
      // A scalar value's node is returned by get(…, true); anything else means the key is absent.
      return node;
    }
    node = next as Node;
  }
  return node;
}
