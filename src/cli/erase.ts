/**
 * `planvakt erase <person-id or email>...`: erases a person who has left from Planvakt's own files
 * and prints what went, for the record of the request. Several identifiers name one person (a
 * person removed from organisation.yaml is known to the ledger by id, to the dev outbox by
 * address). A command rather than a button in the web app: erasure is rare, irreversible and an
 * administrator's act on the server that holds the files, and the printed counts are the evidence.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readEnv, SourceError, SourceErrors } from '../config';
import { loadOrganisation, type Organisation } from '../organisation';
import { erasePerson, identify, mentions } from '../personal-data';
import { processIo, type Io } from './args';
import { openStore, sharedStoreOptions } from '../store';

const USAGE = 'Användning: planvakt erase <person-id eller e-post> [fler id eller adresser för samma person]';

export async function run(argv: string[], io: Io = processIo): Promise<number> {
  let refs: string[];
  try {
    const parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { help: { type: 'boolean', short: 'h' } },
    });
    if (parsed.values.help) {
      io.out(USAGE);
      return 0;
    }
    refs = parsed.positionals;
  } catch (e) {
    io.err(`${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  if (refs.length === 0) {
    io.err(USAGE);
    return 2;
  }

  const env = readEnv();
  const orgPath = join(env.configDir, 'organisation.yaml');
  let org: Organisation | undefined;
  try {
    org = await loadOrganisation(orgPath);
  } catch (e) {
    if (!(e instanceof SourceError || e instanceof SourceErrors)) throw e;
    io.err(`Obs: ${orgPath} kunde inte läsas (${e.message.split('\n')[0]}); raderar på de angivna uppgifterna.`);
  }

  const who = await identify(refs, org, env.dataDir);
  const active = who.inOrganisation.filter((p) => p.active);
  if (active.length > 0) {
    const names = active.map((p) => `${p.name} (${p.id})`).join(', ');
    io.err(
      `${names} är aktiv i ${orgPath} och skulle få meddelanden igen. Ta bort personen ur filen (eller sätt active: false) och kör kommandot igen.\n` +
        `${names} is still active in organisation.yaml; remove them (or set active: false) first.`,
    );
    return 1;
  }

  const n = await erasePerson(env.dataDir, who);
  // The shared store (production): its ledger, undeliverable log, the person's sessions and the
  // organisation versions that name them, besides whatever the data folder still holds.
  const storeOptions = sharedStoreOptions(env);
  if (storeOptions) {
    const store = await openStore(storeOptions);
    try {
      for (const id of who.ids) {
        n.ledger += await store.ledger.eraseRecipient(id);
        n.undeliverable += await store.undeliverable.eraseRecipient(id);
        await store.sql.query('DELETE FROM web_sessions WHERE person_id = $1', [id]);
      }
      n.configVersions += await store.configVersions().forget('organisation', (_meta, text) => mentions(who)(text));
    } finally {
      await store.close();
    }
  }
  const label = [...who.ids, ...who.addresses].join(', ') + (who.names.length ? ` (${who.names.join(', ')})` : '');
  io.out(`Raderat för ${label}:`);
  const rows: [string, number][] = [
    [
      storeOptions ? 'leveransloggen (PostgreSQL och delivery-ledger.jsonl)' : 'leveransloggen (delivery-ledger.jsonl)',
      n.ledger,
    ],
    [
      storeOptions
        ? 'olevererbara meddelanden (PostgreSQL och undeliverable.jsonl)'
        : 'olevererbara meddelanden (undeliverable.jsonl)',
      n.undeliverable,
    ],
    ['utkorgen (outbox.jsonl)', n.outbox],
    ['äldre versioner av organisation.yaml', n.configVersions],
    ['omnämnanden maskerade i andras poster', n.masked],
  ];
  for (const [what, count] of rows) io.out(`  ${`${what}:`.padEnd(48)} ${count}`);
  if (rows.every(([, count]) => count === 0) && who.inOrganisation.length === 0) {
    io.out('Inga poster hittades: kontrollera id och adress (stavning, versaler i id).');
  }
  if (who.inOrganisation.length > 0) {
    io.out(`Personen står kvar (inaktiv) i ${orgPath} med namn och e-post: ta bort raden där för att radera även den.`);
  } else if (who.addresses.length === 0) {
    io.out(
      'Personen finns inte i organisation.yaml: utkorgen söktes inte på e-post. Ange även adressen (planvakt erase <id> <e-post>) för att få med den.',
    );
  }
  io.out(
    `Temporal: namnet finns kvar i historiken för aktiviteter personen fått meddelanden om eller rapporterat i, tills aktiviteten avslutats och ${env.PLANVAKT_RETENTION_DAYS} dagar gått (PLANVAKT_RETENTION_DAYS); Temporals historik kan inte ändras i efterhand.`,
  );
  io.out(
    `Erased: ledger ${n.ledger}, undeliverable ${n.undeliverable}, outbox ${n.outbox}, organisation versions ${n.configVersions}, mentions masked ${n.masked}. ` +
      `Temporal histories naming them are deleted ${env.PLANVAKT_RETENTION_DAYS} days after their workflows close.`,
  );
  return 0;
}
