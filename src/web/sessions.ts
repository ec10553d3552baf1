/** A new session: a random id (the cookie holds only this) and when it ends, whichever store keeps it. */
function newSession(personId: string, via: Session['via'], ttlMs: number, now: number): Session {
  return {
    id: randomBytes(32).toString('base64url'),
    personId,
    via,
    createdAt: new Date(now).toISOString(),
    expiresAt: now + ttlMs,
  };
}

/**
 * Sessions that end. The session cookie carries only a random session id (signed); the session
 * itself lives here, so signing out, HR's "log out everywhere" and expiry end it on the server,
 * and a cookie copied before that is refused. The store is small on purpose, so it can move to
 * the shared database of the production setup (issue 20) without the web app changing.
 *
 * `FileSessionStore` keeps one small file per session in a folder under the data directory (the
 * embedded default); `SqlSessionStore` keeps them in the shared store (production, every replica). A file is named by the SHA-256 of the session id, so the
 * folder's listing does not hold usable ids.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { SqlExecutor } from '../store';

export interface Session {
  id: string;
  personId: string;
  via: 'entra' | 'dev';
  createdAt: string;
  /** Epoch ms. */
  expiresAt: number;
}

export interface SessionStore {
  /** A new session for a person, valid for `ttlMs`. */
  create(personId: string, via: Session['via'], ttlMs: number): Promise<Session>;
  /** The session, or undefined when it is unknown, ended or expired. */
  get(id: string): Promise<Session | undefined>;
  /** Ends one session (sign-out). */
  end(id: string): Promise<void>;
  /** Ends every session of a person (HR); how many were ended. */
  endAllFor(personId: string): Promise<number>;
}

const Stored = z.object({
  personId: z.string().min(1),
  via: z.enum(['entra', 'dev']),
  createdAt: z.string(),
  expiresAt: z.number(),
});

const ID = /^[A-Za-z0-9_-]{43}$/;

export class FileSessionStore implements SessionStore {
  constructor(
    private readonly dir: string,
    private readonly now: () => number = Date.now,
  ) {}

  private file(id: string) {
    return join(this.dir, `${createHash('sha256').update(id).digest('hex')}.json`);
  }

  async create(personId: string, via: Session['via'], ttlMs: number): Promise<Session> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    await this.sweep();
    const session = newSession(personId, via, ttlMs, this.now());
    const { id } = session;
    const { id: _, ...stored } = session;
    const path = this.file(id);
    const tmp = `${path}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(stored), { mode: 0o600 });
    await rename(tmp, path);
    return session;
  }

  async get(id: string): Promise<Session | undefined> {
    if (!ID.test(id)) return undefined;
    const stored = await this.read(this.file(id));
    if (!stored || stored.expiresAt <= this.now()) return undefined;
    return { id, ...stored };
  }

  async end(id: string): Promise<void> {
    if (ID.test(id)) await rm(this.file(id), { force: true });
  }

  async endAllFor(personId: string): Promise<number> {
    let ended = 0;
    for (const name of await this.names()) {
      const path = join(this.dir, name);
      const stored = await this.read(path);
      if (stored?.personId === personId) {
        await rm(path, { force: true });
        ended++;
      }
    }
    return ended;
  }

  /** Expired sessions are removed when a new one is made: the folder holds only live ones. */
  private async sweep() {
    for (const name of await this.names()) {
      const path = join(this.dir, name);
      const stored = await this.read(path);
      if (!stored || stored.expiresAt <= this.now()) await rm(path, { force: true });
    }
  }

  private async names(): Promise<string[]> {
    try {
      return (await readdir(this.dir)).filter((n) => /^[0-9a-f]{64}\.json$/.test(n));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
  }

  private async read(path: string) {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    try {
      const parsed = Stored.safeParse(JSON.parse(text));
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }
}

interface SessionRow {
  person_id: string;
  via: Session['via'];
  created_at: Date | string;
  expires_at: string | number;
}

/**
 * The sessions in the shared store (PostgreSQL in production): every web replica, on any machine,
 * sees a sign-in and a sign-out at once. Rows are keyed by the SHA-256 of the session id, as the
 * files are named, so the table holds no usable id.
 */
export class SqlSessionStore implements SessionStore {
  constructor(
    private readonly sql: SqlExecutor,
    private readonly now: () => number = Date.now,
  ) {}

  async create(personId: string, via: Session['via'], ttlMs: number): Promise<Session> {
    // Expired sessions go when a new one is made: the table holds only live ones.
    await this.sql.query('DELETE FROM web_sessions WHERE expires_at <= $1', [this.now()]);
    const session = newSession(personId, via, ttlMs, this.now());
    const { id } = session;
    await this.sql.query(
      'INSERT INTO web_sessions (id_sha256, person_id, via, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)',
      [sha256(id), personId, via, session.createdAt, session.expiresAt],
    );
    return session;
  }

  async get(id: string): Promise<Session | undefined> {
    if (!ID.test(id)) return undefined;
    const { rows } = await this.sql.query<SessionRow>(
      'SELECT person_id, via, created_at, expires_at FROM web_sessions WHERE id_sha256 = $1 AND expires_at > $2',
      [sha256(id), this.now()],
    );
    const r = rows[0];
    return r
      ? {
          id,
          personId: r.person_id,
          via: r.via,
          createdAt: new Date(r.created_at).toISOString(),
          expiresAt: Number(r.expires_at),
        }
      : undefined;
  }

  async end(id: string): Promise<void> {
    if (ID.test(id)) await this.sql.query('DELETE FROM web_sessions WHERE id_sha256 = $1', [sha256(id)]);
  }

  async endAllFor(personId: string): Promise<number> {
    // Expired ones are not counted: they had ended already.
    return (
      await this.sql.query('DELETE FROM web_sessions WHERE person_id = $1 AND expires_at > $2', [personId, this.now()])
    ).rowCount;
  }
}

const sha256 = (id: string) => createHash('sha256').update(id).digest('hex');
