import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Every saved configuration (rules.yaml, organisation.yaml) is a new version kept with its time,
 * author and content hash, so HR can see who changed what and the service can hand running
 * workflows a definite version. Files under `<dir>/<name>/`: `000007.yaml` (the text as saved)
 * and `000007.json` (its metadata, written last, so a version without it was never completed).
 * Version numbers are claimed by exclusive create, so two concurrent saves cannot share one.
 */

export interface ConfigVersion {
  name: string;
  version: number;
  savedAt: string;
  author: string;
  sha256: string;
}

/** Validates a text before it is stored (throws, e.g. SourceErrors); `file` is for its messages. */
export type ConfigValidator = (file: string, text: string) => unknown;

/**
 * HR's saved configuration versions, wherever they are kept: files in the data folder
 * (`ConfigStore`, one process or a shared folder) or the shared store (`SqlConfigVersions` in
 * src/store, PostgreSQL in production: every worker and the web app read the same versions).
 */
export interface ConfigVersionStore {
  /** Validates and stores `text` as the next version; the same text as the latest returns that one. */
  save(name: string, text: string, by: { author: string; at: Date }): Promise<ConfigVersion>;
  /** All completed versions, oldest first. */
  list(name: string): Promise<ConfigVersion[]>;
  latest(name: string): Promise<ConfigVersion | undefined>;
  /** The text of one version, checked against its recorded hash. */
  read(name: string, version: number): Promise<string>;
  /** The configurations that have versions (`organisation`, `rules`). */
  names(): Promise<string[]>;
  /** Deletes the versions `select` picks, never the latest; returns how many. */
  forget(name: string, select: (meta: ConfigVersion, text: string) => boolean): Promise<number>;
}

const NAME = /^[a-z][a-z0-9-]*$/;

/** The check every implementation makes before it stores a version; returns the text's SHA-256. */
export function checkConfigText(
  validators: Readonly<Record<string, ConfigValidator>>,
  name: string,
  text: string,
): string {
  const validate = validators[name];
  if (!NAME.test(name) || !validate) throw new Error(`Unknown configuration "${name}"`);
  validate(`${name}.yaml`, text);
  return createHash('sha256').update(text).digest('hex');
}

/**
 * The text in force: the latest saved version when there is one, otherwise the file HR deployed
 * (`<configDir>/<name>.yaml`, which becomes version 1 at the first save from the web app).
 */
export async function currentConfigText(
  versions: ConfigVersionStore | undefined,
  name: string,
  file: string,
): Promise<{ text: string; version?: number }> {
  const latest = await versions?.latest(name);
  if (versions && latest) return { text: await versions.read(name, latest.version), version: latest.version };
  return { text: await readFile(file, 'utf8') };
}

/** Where the web app's settings pages keep the versions: `<dataDir>/config-versions`. */
export const configVersionsDir = (dataDir: string) => join(dataDir, 'config-versions');

export class ConfigStore implements ConfigVersionStore {
  constructor(
    private readonly dir: string,
    private readonly validators: Readonly<Record<string, ConfigValidator>>,
  ) {}

  /**
   * Validates and stores `text` as the next version of `name`. Saving the same text as the latest
   * version returns that version instead of adding a copy.
   */
  async save(name: string, text: string, by: { author: string; at: Date }): Promise<ConfigVersion> {
    const sha256 = checkConfigText(this.validators, name, text);
    const latest = await this.latest(name);
    if (latest?.sha256 === sha256) return latest;

    const folder = join(this.dir, name);
    await mkdir(folder, { recursive: true });
    for (let version = (await this.highestNumber(folder)) + 1; ; version++) {
      try {
        await writeFile(join(folder, `${pad(version)}.yaml`), text, { flag: 'wx' });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EEXIST') continue;
        throw e;
      }
      const meta: ConfigVersion = { name, version, savedAt: by.at.toISOString(), author: by.author, sha256 };
      const tmp = join(folder, `${pad(version)}.json.tmp`);
      await writeFile(tmp, `${JSON.stringify(meta, null, 2)}\n`);
      await rename(tmp, join(folder, `${pad(version)}.json`));
      return meta;
    }
  }

  /** All completed versions, oldest first. */
  async list(name: string): Promise<ConfigVersion[]> {
    const folder = join(this.dir, name);
    const files = await readdir(folder).catch((e: NodeJS.ErrnoException) =>
      e.code === 'ENOENT' ? [] : Promise.reject(e),
    );
    const metas = await Promise.all(
      files
        .filter((f) => /^\d{6}\.json$/.test(f))
        .map(async (f) => JSON.parse(await readFile(join(folder, f), 'utf8')) as ConfigVersion),
    );
    return metas.sort((a, b) => a.version - b.version);
  }

  async latest(name: string): Promise<ConfigVersion | undefined> {
    return (await this.list(name)).at(-1);
  }

  /** The text of one version, checked against its recorded hash. */
  async read(name: string, version: number): Promise<string> {
    const folder = join(this.dir, name);
    const [text, meta] = await Promise.all([
      readFile(join(folder, `${pad(version)}.yaml`), 'utf8'),
      readFile(join(folder, `${pad(version)}.json`), 'utf8').then((t) => JSON.parse(t) as ConfigVersion),
    ]);
    if (createHash('sha256').update(text).digest('hex') !== meta.sha256)
      throw new Error(`${name} version ${version} does not match its recorded hash`);
    return text;
  }

  /** The configurations that have versions here (`organisation`, `rules`). */
  async names(): Promise<string[]> {
    const entries = await readdir(this.dir, { withFileTypes: true }).catch((e: NodeJS.ErrnoException) =>
      e.code === 'ENOENT' ? [] : Promise.reject(e),
    );
    return entries
      .filter((e) => e.isDirectory() && NAME.test(e.name))
      .map((e) => e.name)
      .sort();
  }

  /**
   * Deletes the versions `select` picks, never the latest (the one in force): old organisation
   * files name people, so the retention prune and `planvakt erase` remove them. Returns how many.
   */
  async forget(name: string, select: (meta: ConfigVersion, text: string) => boolean): Promise<number> {
    const folder = join(this.dir, name);
    let removed = 0;
    for (const meta of (await this.list(name)).slice(0, -1)) {
      const text = await readFile(join(folder, `${pad(meta.version)}.yaml`), 'utf8').catch(() => '');
      if (!select(meta, text)) continue;
      // The metadata first: a version without it reads as never completed, never as a broken one.
      await rm(join(folder, `${pad(meta.version)}.json`), { force: true });
      await rm(join(folder, `${pad(meta.version)}.yaml`), { force: true });
      removed++;
    }
    return removed;
  }

  private async highestNumber(folder: string): Promise<number> {
    const numbers = (await readdir(folder))
      .map((f) => /^(\d{6})\.yaml$/.exec(f)?.[1])
      .filter((n): n is string => n !== undefined)
      .map(Number);
    return Math.max(0, ...numbers);
  }
}

function pad(version: number): string {
  return String(version).padStart(6, '0');
}
