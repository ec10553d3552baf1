/**
 * `planvakt migrate`: brings the shared store's schema (DATABASE_URL or the PG* variables) up to
 * date and exits: the compose file's one-shot step before the workers and the web app start.
 * Every process also migrates when it opens the store (under the same advisory lock), so the step
 * is where a failed migration shows, once, rather than a requirement.
 */
import { readEnv } from '../config';
import { openStore, sharedStoreOptions } from '../store';
import { processIo, type Io } from './args';

export async function run(_argv: string[], io: Io = processIo): Promise<number> {
  const options = sharedStoreOptions(readEnv());
  if (!options) {
    io.err('planvakt migrate behöver DATABASE_URL (eller PGHOST och de andra PG*-variablerna).');
    return 2;
  }
  const store = await openStore(options);
  try {
    const versions = await store.sql.query<{ version: number; name: string }>(
      'SELECT version, name FROM planvakt_migrations ORDER BY version',
    );
    const latest = versions.rows.at(-1);
    io.out(`Databasen är uppdaterad: ${versions.rows.length} migreringar, senast ${latest?.version} ${latest?.name}.`);
    return 0;
  } finally {
    await store.close();
  }
}
