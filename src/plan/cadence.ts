/**
 * Follow-up cadences read from "Uppföljning/kommentar" text, and a verksamhetsplan indicator's
 * Periodicitet read as follow-up periods.
 */
import { CADENCE_IDS, type Cadence, type FollowUpPeriod } from '../domain';

const W = '(?<![\\p{L}\\p{N}])';
const rx = (body: string, flags = 'iu') => new RegExp(`${W}(?:${body})`, flags);

/** Each cadence's words, including the plan's own "tertiärrapportering" and bare "VB". */
const CADENCE_WORDS: Record<Cadence, RegExp[]> = {
  tertial: [rx('terti(?:al|är)'), rx('t[12](?![\\p{L}\\p{N}])')],
  vb: [rx('vb(?![\\p{L}])'), rx('verksamhetsberättelse')],
  apt: [rx('apt(?![\\p{L}])'), rx('arbetsplatsträff')],
  medarbetarsamtal: [rx('medarbetarsamtal'), rx('utvecklingssamtal')],
  ledningsgrupp: [rx('ledningsgrupp')],
  internkontroll: [rx('intern\\s?kontroll')],
  kvalitetsdialog: [rx('kvalitetsdialog'), rx('resultatdialog')],
};

/** The cadences a follow-up text names, in the vocabulary's order; `defaults` when it names none. */
export function parseCadences(raw: string, defaults: readonly Cadence[]): Cadence[] {
  const named = CADENCE_IDS.filter((c) => CADENCE_WORDS[c].some((re) => re.test(raw)));
  return named.length > 0 ? named : [...defaults];
}

/**
 * A plan's default cadences from its own sentence about follow-up ("…i samband med
 * förvaltningens tertiärrapporter, på ledningsgrupper, på apt…"). Only the reporting cycles
 * (tertialrapport, VB) become defaults: every activity is reported there, while meetings such as
 * APT discuss the plan as a whole. A plan that says nothing is followed up per tertial.
 */
export function defaultCadences(planFollowUp: string | undefined): Cadence[] {
  const reporting = parseCadences(planFollowUp ?? '', []).filter((c) => c === 'tertial' || c === 'vb');
  return reporting.length > 0 ? reporting : ['tertial'];
}

/** Periodicitet ("År", "Tertial", "Halvår") as the follow-up periods it is reported in. */
export function parsePeriodicity(raw: string): FollowUpPeriod[] | undefined {
  const text = raw.trim().toLowerCase();
  if (/^(?:år|årsvis|årlig(?:en)?|helår|1 gång per år)$/.test(text)) return ['VB'];
  if (/^(?:tertial|tertialvis|per tertial|3 gånger per år)$/.test(text)) return ['T1', 'T2', 'VB'];
  if (/^(?:halvår|halvårsvis|delår)$/.test(text)) return ['T2', 'VB'];
  return undefined;
}
