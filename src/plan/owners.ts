/**
 * "Ansvarig" cells as written ("Rektorerna och förvaltningsledning", "BoU, AIB och vuxen",
 * "1.Enhetschef 2.Avdelningchef") read into role references. Plural, definite and misspelt forms
 * map to one canonical role; every reference keeps the words it was read from.
 */
import { cleanCell, splitNumbered } from './text';
import type { Role, RoleRef } from '../domain';

interface RolePattern {
  role: Role;
  re: RegExp;
  /** Forms that name everyone in the role ("Rektorer", "Enhetscheferna"). */
  plural?: RegExp;
  /** Words that always name a group ("Medarbetare"). */
  alwaysAll?: boolean;
}

const W = '(?<![\\p{L}\\p{N}])';
const E = '(?![\\p{L}\\p{N}])';
const rx = (body: string) => new RegExp(`${W}(?:${body})${E}`, 'giu');
const CHEF_PLURAL = /(?:er|erna)$/i;

/** Longer, more specific names first: "Biträdande enhetschef" before "enhetschef". */
const ROLE_PATTERNS: RolePattern[] = [
  { role: 'bitradandeEnhetschef', re: rx('(?:biträdande|bitr\\.?)\\s*enhetschef(?:en|er|erna)?'), plural: CHEF_PLURAL },
  { role: 'verksamhetschefHsl', re: rx('verksamhetschef(?:en)?\\s+(?:för\\s+)?hsl') },
  { role: 'forvaltningschef', re: rx('förvaltningschef(?:en)?|stadsdelsdirektör(?:en)?') },
  { role: 'forvaltningsledning', re: rx('förvaltningsledning(?:en)?') },
  // "Förvaltningen avdelning förskola" names the department, whose head answers for it.
  { role: 'avdelningschef', re: rx('förvaltningen\\s+avdelning(?:en)?(?:\\s+\\p{L}+)?') },
  { role: 'avdelningschef', re: rx('avdelnings?chef(?:en|er|erna)?|avd\\.?\\s*chef(?:en)?'), plural: CHEF_PLURAL },
  { role: 'enhetschef', re: rx('enhetschef(?:en|er|erna)?'), plural: CHEF_PLURAL },
  { role: 'rektor', re: rx('rektor(?:n|er|erna)?'), plural: CHEF_PLURAL },
  { role: 'hr', re: rx('hr(?:-avdelningen|-konsult|-partner)?') },
  { role: 'controller', re: rx('(?:ekonomi)?controller(?:n|na|s)?'), plural: /na$/i },
  {
    role: 'pedagogiskUtvecklingsledare',
    re: rx('pedagogiska?\\s+utvecklingsledare(?:n|na)?'),
    plural: /(?:pedagogiska\s.*|na)$/i,
  },
  { role: 'administrator', re: rx('administratör(?:en|er|erna)?'), plural: CHEF_PLURAL },
  { role: 'introduktionsansvarig', re: rx('introduktionsansvarig(?:a)?') },
  { role: 'brandombud', re: rx('brandombud(?:et|en)?') },
  { role: 'anhorigsamordnare', re: rx('anhörigsamordnare(?:n|na)?'), plural: /na$/i },
  { role: 'forskolestod', re: rx('förskolestöd(?:et)?') },
  { role: 'medarbetare', re: rx('medarbetar(?:e|en|na)'), alwaysAll: true },
];

/** Units a plan names by name; the unit's head answers for it unless a role is written beside it. */
const UNIT_PATTERNS: { unit: string; re: RegExp }[] = [
  { unit: 'bou', re: rx('bou') },
  { unit: 'aib', re: rx('aib') },
  { unit: 'vuxen', re: rx('vuxen(?:enheten)?') },
  { unit: 'resursenheten', re: rx('resursenheten') },
];

/** Words that fan out to everyone in the role after them ("Berörda enhetschefer", "Samtliga"). */
const FAN_OUT = rx('samtliga|alla|berörda|respektive');
/** What may stand between a role and its unit ("Medarbetare vuxenenheten", "Enhetschef inom BoU"). */
const ROLE_UNIT_GAP = /^\s*(?:(?:inom|på|i|för)\s+)?$/i;

interface Span {
  start: number;
  end: number;
}
interface Found extends Span {
  ref: RoleRef;
}

function spans(re: RegExp, text: string): (Span & { text: string })[] {
  return [...text.matchAll(re)].map((m) => ({ start: m.index ?? 0, end: (m.index ?? 0) + m[0].length, text: m[0] }));
}

/** Role references in the order written, each with the span of text it was read from. */
function findOwners(text: string): Found[] {
  const taken: Span[] = [];
  const free = (s: Span) => taken.every((t) => s.end <= t.start || s.start >= t.end);
  const roles: (Span & { pattern: RolePattern; text: string })[] = [];
  for (const pattern of ROLE_PATTERNS) {
    for (const s of spans(pattern.re, text)) {
      if (!free(s)) continue;
      taken.push(s);
      roles.push({ ...s, pattern });
    }
  }
  roles.sort((a, b) => a.start - b.start);
  const units = UNIT_PATTERNS.flatMap((u) => spans(u.re, text).map((s) => ({ ...s, unit: u.unit, used: false })));
  const fanOuts = spans(FAN_OUT, text).map((s) => ({ ...s, used: false }));

  const found: Found[] = roles.map((r) => {
    let { start, end } = r;
    let all = r.pattern.alwaysAll === true || (r.pattern.plural?.test(r.text) ?? false);
    const fan = fanOuts.find((f) => !f.used && f.end <= start && text.slice(f.end, start).trim() === '');
    if (fan) {
      fan.used = true;
      start = fan.start;
      all = true;
    }
    const unit = units.find((u) => !u.used && u.start >= end && ROLE_UNIT_GAP.test(text.slice(end, u.start)));
    if (unit) unit.used = true;
    if (unit) end = unit.end;
    const ref: RoleRef = { role: r.pattern.role, raw: text.slice(start, end) };
    if (unit) ref.unit = unit.unit;
    if (all) ref.all = true;
    return { start, end, ref };
  });
  for (const u of units.filter((u) => !u.used)) {
    found.push({ start: u.start, end: u.end, ref: { role: 'enhetschef', unit: u.unit, raw: u.text } });
  }
  // "Samtliga" alone: every unit head of the department, who answers for their staff.
  if (found.length === 0) {
    for (const f of fanOuts)
      found.push({ start: f.start, end: f.end, ref: { role: 'enhetschef', all: true, raw: f.text } });
  }
  return found.sort((a, b) => a.start - b.start);
}

/** The roles an Ansvarig cell names, once each, in the order written. */
export function parseOwners(raw: string): RoleRef[] {
  const text = cleanCell(raw).replace(/\n/g, ' ');
  const out: RoleRef[] = [];
  for (const { ref } of findOwners(text)) {
    const same = out.find((r) => r.role === ref.role && r.unit === ref.unit);
    if (!same) out.push(ref);
    else if (ref.all && !same.all) same.all = true;
  }
  return out;
}

/**
 * An Ansvarig cell split into the owner groups of a row's milestones: the numbered items of
 * "1.Enhetschef 2.Avdelningchef", or, for "Enhetschef Avdelningschef och enhetschef", a new group
 * wherever a role follows another with nothing but a space between (no "och", comma or slash).
 */
export function splitOwnerGroups(raw: string): string[] {
  const text = cleanCell(raw).replace(/\n/g, ' ');
  const numbered = splitNumbered(text);
  if (numbered) return numbered.map((p) => p.text);
  const found = findOwners(text);
  const starts = [0];
  for (let i = 1; i < found.length; i++) {
    const prev = found[i - 1];
    const cur = found[i];
    if (prev && cur && prev.end < cur.start && /^\s+$/.test(text.slice(prev.end, cur.start))) starts.push(cur.start);
  }
  return starts.map((s, i) => text.slice(s, starts[i + 1] ?? text.length).trim());
}
