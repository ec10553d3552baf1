/**
 * The web app's templating: a tagged template `html` that escapes every interpolation by
 * construction. Only values that are already `SafeHtml` (produced by `html` itself) pass through
 * unescaped, so plan text, names and comments can never become markup. Arrays are joined;
 * `null`, `undefined` and `false` render as nothing. Attribute values must be quoted in the
 * template (they always are here): quotes are escaped too.
 */
import { escapeHtml } from './escape';

export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export type Renderable = SafeHtml | string | number | boolean | null | undefined | readonly Renderable[];

function render(v: Renderable): string {
  if (v === null || v === undefined || v === false) return '';
  if (v instanceof SafeHtml) return v.value;
  if (Array.isArray(v)) return v.map(render).join('');
  return escapeHtml(String(v));
}

export function html(strings: TemplateStringsArray, ...values: Renderable[]): SafeHtml {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i]!) + strings[i + 1]!;
  return new SafeHtml(out);
}

/** Fragments with markup between them (a line break, `<br>`): `html` itself joins arrays with nothing. */
export function joinHtml(items: readonly Renderable[], separator: SafeHtml): SafeHtml {
  return new SafeHtml(items.map(render).join(separator.value));
}

/** A query string from parameters, each value URL-encoded; empty values are left out. */
export function qs(params: Record<string, string | number | undefined>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}
