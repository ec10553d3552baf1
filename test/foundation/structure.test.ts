/**
 * The shape of src/ as a whole: no import circle (type-only imports count too: a circle of types
 * is a circle a reader has to hold in their head), and no casts that switch the type checker off.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const src = join(root, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/** A relative specifier as the bundler resolves it: `x.ts`, or `x/index.ts`. */
function resolveImport(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const base = resolve(dirname(from), specifier).replace(/\.js$/, '');
  for (const candidate of [`${base}.ts`, join(base, 'index.ts')]) if (existsSync(candidate)) return candidate;
  return undefined;
}

/** Every file's imports inside src/: import, import type, export … from, dynamic import(). */
export function importGraph(files: string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const targets = info.importedFiles
      .map((f) => resolveImport(file, f.fileName))
      .filter((t): t is string => t !== undefined);
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** The strongly connected components with more than one file (or a file importing itself): Tarjan. */
export function circles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string) => {
    indices.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!indices.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, indices.get(w)!));
    }
    if (low.get(v) === indices.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) out.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!indices.has(v)) visit(v);
  return out;
}

const files = sourceFiles(src);
const rel = (path: string) => relative(root, path);

describe('the import graph of src/', () => {
  it('finds a circle when there is one (the check itself)', () => {
    const a = '/a.ts';
    const b = '/b.ts';
    const c = '/c.ts';
    expect(
      circles(
        new Map([
          [a, [b]],
          [b, [c]],
          [c, [a]],
        ]),
      ),
    ).toEqual([[a, b, c]]);
    expect(
      circles(
        new Map([
          [a, [b]],
          [b, [c]],
          [c, []],
        ]),
      ),
    ).toEqual([]);
    expect(circles(new Map([[a, [a]]]))).toEqual([[a]]);
  });

  it('reads type-only imports and re-exports as edges', () => {
    const graph = importGraph(files);
    const notice = join(src, 'domain', 'notice.ts');
    expect(graph.get(notice)!.map(rel)).toContain('src/domain/vocabulary.ts');
  });

  it('has no import circle, type-only imports included', () => {
    expect(circles(importGraph(files)).map((c) => c.map(rel))).toEqual([]);
  });
});

describe('casts in src/', () => {
  /** Every `x as T` in src/ whose written form matches, read from the syntax tree (comments do not count). */
  const casts = (matches: (node: ts.AsExpression) => boolean) =>
    files.flatMap((file) => {
      const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
      const found: string[] = [];
      const walk = (node: ts.Node) => {
        if (ts.isAsExpression(node) && matches(node)) {
          const { line } = source.getLineAndCharacterOfPosition(node.getStart());
          found.push(`${rel(file)}:${line + 1}: ${node.getText().slice(0, 100)}`);
        }
        ts.forEachChild(node, walk);
      };
      walk(source);
      return found;
    });

  it('has no `as unknown as`', () => {
    const unknownFirst = (n: ts.AsExpression) => {
      let inner: ts.Expression = n.expression;
      while (ts.isParenthesizedExpression(inner)) inner = inner.expression;
      return ts.isAsExpression(inner) && inner.type.kind === ts.SyntaxKind.UnknownKeyword;
    };
    expect(casts(unknownFirst)).toEqual([]);
  });

  it('has no `as never`', () => {
    expect(casts((n) => n.type.kind === ts.SyntaxKind.NeverKeyword)).toEqual([]);
  });
});

describe('folders in src/', () => {
  const graph = importGraph(files);
  const folderOf = (path: string) => relative(src, path).split('/')[0]!;
  /** What the worker bundles for Temporal's sandbox: it imports files directly, never an index that could pull in I/O. */
  const workflowCode = new Set<string>();
  const pending = [join(src, 'worker', 'workflows.ts')];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (workflowCode.has(file)) continue;
    workflowCode.add(file);
    pending.push(...(graph.get(file) ?? []));
  }

  it('reaches another folder only through its index.ts (workflow code and the cli program excepted)', () => {
    const around = [...graph].flatMap(([file, targets]) =>
      workflowCode.has(file)
        ? []
        : targets
            .filter(
              (t) =>
                folderOf(t) !== folderOf(file) && folderOf(t) !== 'cli' && t !== join(src, folderOf(t), 'index.ts'),
            )
            .map((t) => `${rel(file)} → ${rel(t)}`),
    );
    expect(around).toEqual([]);
  });

  it('has an index.ts in every folder, holding re-exports only', () => {
    const folders = readdirSync(src).filter((name) => statSync(join(src, name)).isDirectory() && name !== 'cli');
    expect(folders.filter((f) => !existsSync(join(src, f, 'index.ts')))).toEqual([]);
    const code = folders.flatMap((f) => {
      const index = join(src, f, 'index.ts');
      const source = ts.createSourceFile(index, readFileSync(index, 'utf8'), ts.ScriptTarget.ES2022, true);
      return source.statements
        .filter((s) => !(ts.isExportDeclaration(s) && s.moduleSpecifier))
        .map((s) => `${rel(index)}: ${s.getText().slice(0, 60)}`);
    });
    expect(code).toEqual([]);
  });
});
