/**
 * What a plan table's columns mean, found by their headings. Districts write the same plan with
 * different words: `Åtgärd`, `Insats` or `Aktivitet`; `Ansvarig` or `Ansvar`; `Klart senast`,
 * `Tidplan`, `När`, `Slutdatum` or `Måldatum`; `Uppföljning` or `Uppföljs`. The synonyms below are
 * the ones public Swedish handlingsplaner and kompetensförsörjningsplaner use (see the README's
 * list). A table whose headings are not recognised gets its meaning from HR once, as a
 * ColumnMapping keyed by the table's header signature.
 */
import { fold } from './text';

/** The roles a column can have, in the words HR chooses between (also the mapping file's words). */
export const COLUMN_ROLES = {
  avdelning: 'Avdelning',
  avsnitt: 'Avsnitt (Utveckla, Behålla …)',
  mal: 'Mål',
  aktivitet: 'Aktivitet',
  startdatum: 'Startdatum',
  maldatum: 'Måldatum',
  ansvarig: 'Ansvarig',
  uppfoljning: 'Uppföljning',
  ovrigt: 'Används inte',
} as const;
export type ColumnRole = keyof typeof COLUMN_ROLES;
export const COLUMN_ROLE_IDS = Object.keys(COLUMN_ROLES) as ColumnRole[];

/**
 * Heading words per role, matched against the folded heading (lower case, no diacritics, no
 * punctuation). Order matters: "Ansvarig för uppföljning" is an owner column, "Hur följs det upp?"
 * a follow-up column before "Hur …" could be read as the activity; "Måldatum" before "Mål".
 */
const SYNONYMS: [ColumnRole, RegExp][] = [
  [
    'ansvarig',
    /^(?:ansvarig\w*|ansvar|huvudansvarig\w*|vem|vem ansvarar|vem gor det|agare|utfors av|ledande organisation)\b/,
  ],
  [
    'uppfoljning',
    /^(?:uppfolj\w*|folj\w* upp|hur (?:\w+ ){0,3}folj\w* (?:\w+ )?upp|kommentar\w*|status|avstamning|redovisning|rapportering|utvardering)\b/,
  ],
  ['startdatum', /^(?:startdatum|start|paborjas|borjar|fr o m)\b/],
  [
    'maldatum',
    /^(?:maldatum|slutdatum|klart senast|klart|klar senast|klar|fardigt|fardig|tidplan|tidsplan|tidsram|tidpunkt|tid|nar|datum|deadline|senast|genomfors senast|genomforande\w*|period|ar$)\b/,
  ],
  ['avdelning', /^(?:avdelning|avdelningar|verksamhetsomrade|forvaltning)$/],
  [
    'avsnitt',
    /^(?:avsnitt|omrade|fokusomrade|insatsomrade|utvecklingsomrade|malomrade|perspektiv|strategi|kategori|tema)$/,
  ],
  [
    'mal',
    /^(?:mal|malet|malsattning|mal och syfte|delmal|effektmal|verksamhetsmal|nammdmal|namndmal|enhetsmal|specifikt mal|vad ska vi uppna|vad vill vi uppna|onskat lage)\b/,
  ],
  [
    'aktivitet',
    /^(?:aktivitet\w*|atgard\w*|insats\w*|vad ska goras|vad gor vi|hur gor vi|hur$|handling|planerade atgarder|beskrivning)\b/,
  ],
  [
    'ovrigt',
    /^(?:nr|resurs\w*|kostnad\w*|budget|finansiering|forvantat resultat|avsett resultat|resultat|viktiga partners|partners|effekt|indikator\w*|matt|nyckeltal|prioritet\w*|samverkan|berorda|delaktiga|malgrupp)\b/,
  ],
];

/** A heading as it is compared: folded, punctuation gone, spaces single. */
export function headingKey(heading: string): string {
  return fold(heading)
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** The role a heading names, or undefined when no synonym fits. */
export function roleOfHeading(heading: string): ColumnRole | undefined {
  const key = headingKey(heading);
  if (key === '') return undefined;
  return SYNONYMS.find(([, re]) => re.test(key))?.[0];
}

/** Each column's role by its heading; a role a second column names again is kept only for the first. */
export function rolesOfHeader(cells: readonly string[]): (ColumnRole | undefined)[] {
  return cells.map((c) => roleOfHeading(c));
}

/** Headings name a plan's columns when one of them is the activity and at least one more is known. */
export function namesActivityColumns(roles: readonly (ColumnRole | undefined)[]): boolean {
  const known = roles.filter((r) => r !== undefined && r !== 'ovrigt');
  return known.includes('aktivitet') && known.length >= 2;
}

/**
 * A table's shape: its headings folded and joined. Two plans whose tables have the same headings
 * in the same order have the same signature, whatever the case, accents or punctuation.
 */
export function headerSignature(cells: readonly string[]): string {
  return cells.map(headingKey).join(' | ');
}

/** What HR said a table's columns are, for tables with these headings. */
export interface ColumnMapping {
  /** The headings as written, in order. */
  headings: string[];
  roles: ColumnRole[];
}

/** The mapping for a header, when HR has given one for its signature. */
export function mappingFor(
  cells: readonly string[],
  mappings: readonly ColumnMapping[] | undefined,
): ColumnMapping | undefined {
  if (!mappings || mappings.length === 0) return undefined;
  const signature = headerSignature(cells);
  return mappings.find((m) => headerSignature(m.headings) === signature);
}
