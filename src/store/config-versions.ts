/**
 * HR's configuration versions in the shared store: the web app saves, every worker reads the
 * latest (src/config/versions.ts, ConfigVersionStore). A version's number is decided by one
 * statement and the primary key (name, version): two saves at once compute the same next number,
 * one insert gets it, the other gets no row back and takes the number after.
 */
import { createHash } from 'node:crypto';
import { checkConfigText, type ConfigValidator, type ConfigVersion, type ConfigVersionStore } from '../config';
import type { SqlExecutor } from './sql';

interface Row {
  name: string;
  version: number;
  saved_at: Date | string;
  author: string;
  sha256: string;
}

const meta = (r: Row): ConfigVersion => ({
  name: r.name,
  version: Number(r.version),
  savedAt: new Date(r.saved_at).toISOString(),
  author: r.author,
  sha256: r.sha256,
});

const COLUMNS = 'name, version, saved_at, author, sha256';

export class SqlConfigVersions implements ConfigVersionStore {
  constructor(
    private readonly sql: SqlExecutor,
    private readonly validators: Readonly<Record<string, ConfigValidator>> = {},
  ) {}

  async save(name: string, text: string, by: { author: string; at: Date }): Promise<ConfigVersion> {
    const sha256 = checkConfigText(this.validators, name, text);
    for (;;) {
      const latest = await this.latest(name);
      if (latest?.sha256 === sha256) return latest;
      const { rows } = await this.sql.query<Row>(
        `INSERT INTO config_versions (name, version, saved_at, author, sha256, text)
         SELECT $1, coalesce(max(version), 0) + 1, $2, $3, $4, $5 FROM config_versions WHERE name = $1
         ON CONFLICT (name, version) DO NOTHING
         RETURNING ${COLUMNS}`,
        [name, by.at.toISOString(), by.author, sha256, text],
      );
      if (rows[0]) return meta(rows[0]);
    }
  }

  async list(name: string): Promise<ConfigVersion[]> {
    const { rows } = await this.sql.query<Row>(
      `SELECT ${COLUMNS} FROM config_versions WHERE name = $1 ORDER BY version`,
      [name],
    );
    return rows.map(meta);
  }

  async latest(name: string): Promise<ConfigVersion | undefined> {
    const { rows } = await this.sql.query<Row>(
      `SELECT ${COLUMNS} FROM config_versions WHERE name = $1 ORDER BY version DESC LIMIT 1`,
      [name],
    );
    return rows[0] ? meta(rows[0]) : undefined;
  }

  async read(name: string, version: number): Promise<string> {
    const { rows } = await this.sql.query<{ text: string; sha256: string }>(
      'SELECT text, sha256 FROM config_versions WHERE name = $1 AND version = $2',
      [name, version],
    );
    const row = rows[0];
    if (!row) throw new Error(`${name} version ${version} does not exist`);
    if (createHash('sha256').update(row.text).digest('hex') !== row.sha256)
      throw new Error(`${name} version ${version} does not match its recorded hash`);
    return row.text;
  }

  async names(): Promise<string[]> {
    const { rows } = await this.sql.query<{ name: string }>('SELECT DISTINCT name FROM config_versions ORDER BY name');
    return rows.map((r) => r.name);
  }

  async forget(name: string, select: (meta: ConfigVersion, text: string) => boolean): Promise<number> {
    const all = await this.list(name);
    let removed = 0;
    for (const m of all.slice(0, -1)) {
      if (!select(m, await this.read(name, m.version).catch(() => ''))) continue;
      removed += (
        await this.sql.query('DELETE FROM config_versions WHERE name = $1 AND version = $2', [name, m.version])
      ).rowCount;
    }
    return removed;
  }
}
