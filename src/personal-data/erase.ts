/**
 * Erasure of one person (GDPR art. 17) from Planvakt's own files: the records that are theirs are
 * deleted (ledger records of messages to them, their undeliverable messages, the dev outbox's
 * copies of what they were sent, old organisation files that list them), and where another
 * person's record mentions them (an HR gap naming a deactivated holder, an escalation listing
 * non-responders) their name and address are masked, so the other record stays whole.
 *
 * Temporal's histories cannot be edited: a person's name in an activity's timeline goes when the
 * activity's workflow has closed and the namespace's retention has passed (README, Personuppgifter).
 */
import { writtenForms } from '../domain';
import {
  deliveryFiles,
  readJsonLines,
  rewriteJsonLines,
  type DeliveryRecord,
  type OutboxEntry,
  type UndeliverableEntry,
} from '../delivery';
import { ConfigStore, configVersionsDir } from '../config';
import type { Organisation, Person } from '../organisation';

/** Everything that identifies the person in the files: person ids, addresses (email, Teams), names. */
export interface Identity {
  ids: string[];
  addresses: string[];
  names: string[];
  /** The organisation file's entries for them (empty when they have been removed from it). */
  inOrganisation: Person[];
}

export interface EraseCounts {
  ledger: number;
  undeliverable: number;
  outbox: number;
  configVersions: number;
  /** Other people's records in which their name or address was masked. */
  masked: number;
}

export const MASK = '[raderad person]';

/**
 * The person behind `refs` (person ids or email addresses, several allowed for one person): what
 * the organisation file says of them, and their name from the undeliverable log, which keeps it
 * once they have left the organisation file.
 */
export async function identify(
  refs: readonly string[],
  org: Organisation | undefined,
  dataDir: string,
): Promise<Identity> {
  const ids = new Set<string>();
  const addresses = new Set<string>();
  const names = new Set<string>();
  for (const ref of refs) (ref.includes('@') ? addresses : ids).add(ref.includes('@') ? ref.toLowerCase() : ref);
  const inOrganisation = (org?.people ?? []).filter(
    (p) => ids.has(p.id) || [p.email, p.teamsUpn].some((a) => a !== undefined && addresses.has(a.toLowerCase())),
  );
  for (const p of inOrganisation) {
    ids.add(p.id);
    names.add(p.name);
    for (const a of [p.email, p.teamsUpn, p.teamsUserId]) if (a) addresses.add(a.toLowerCase());
  }
  for (const e of await readJsonLines<UndeliverableEntry>(deliveryFiles(dataDir).undeliverable)) {
    if (e.personId && ids.has(e.personId) && e.personName) names.add(e.personName);
  }
  return { ids: [...ids], addresses: [...addresses], names: [...names], inOrganisation };
}

export async function erasePerson(dataDir: string, who: Identity): Promise<EraseCounts> {
  const files = deliveryFiles(dataDir);
  const ids = new Set(who.ids);
  const mask = masker(who);
  let masked = 0;
  const keepMasked = <T>(entry: T): T => {
    const out = mask(entry);
    if (out !== entry) masked++;
    return out;
  };

  const ledger = await rewriteJsonLines<DeliveryRecord>(files.ledger, (r) => (ids.has(r.recipientId) ? undefined : r));
  const undeliverable = await rewriteJsonLines<UndeliverableEntry>(files.undeliverable, (e) =>
    e.personId !== undefined && ids.has(e.personId) ? undefined : keepMasked(e),
  );
  const addressedTo = (e: OutboxEntry) =>
    e.to.split(',').some((to) => who.addresses.some((a) => to.toLowerCase().includes(a)));
  const outbox = await rewriteJsonLines<OutboxEntry>(files.outbox, (e) => (addressedTo(e) ? undefined : keepMasked(e)));

  const store = new ConfigStore(configVersionsDir(dataDir), {});
  const mentioned = mentions(who);
  const configVersions = await store.forget('organisation', (_meta, text) => mentioned(text));

  return {
    ledger: ledger.before - ledger.after,
    undeliverable: undeliverable.before - undeliverable.after,
    outbox: outbox.before - outbox.after,
    configVersions,
    masked,
  };
}

/** Whether an organisation file lists the person: by id, address or name. */
export function mentions(who: Identity): (text: string) => boolean {
  const pattern = personPattern(who, '');
  return (text) => pattern !== undefined && pattern.test(text);
}

/**
 * Replaces the person's ids, names and addresses in every string of an entry. Returns the same
 * object when nothing changed.
 */
function masker(who: Identity): <T>(entry: T) => T {
  const pattern = personPattern(who, 'g');
  if (!pattern) return (entry) => entry;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return v.replace(pattern, MASK);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return <T>(entry: T): T => {
    const out = walk(entry) as T;
    return JSON.stringify(out) === JSON.stringify(entry) ? entry : out;
  };
}

/**
 * One pattern for every form the person appears in: an id as a whole id (not the prefix of a
 * longer one), an address, a name as written, as an HTML body escapes it and as a Teams card does.
 */
function personPattern(who: Identity, flags: string): RegExp | undefined {
  const names = who.names.flatMap(writtenForms);
  const forms = [...new Set([...names, ...who.addresses])].filter((f) => f.length >= 3).map(escapeRegExp);
  const ids = who.ids.map((id) => `(?<![a-z0-9-])${escapeRegExp(id)}(?![a-z0-9-])`);
  const all = [...forms, ...ids];
  return all.length > 0 ? new RegExp(all.join('|'), `i${flags}`) : undefined;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
