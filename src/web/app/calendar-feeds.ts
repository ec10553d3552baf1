/**
 * Calendar feed addresses that can be taken back. A feed's token is an HMAC of the person id and
 * the person's feed generation; giving a person a new address (she herself, or HR) raises the
 * generation, and every link made with the old one stops working. Generation 0 is the token
 * every person had before addresses could be changed, so links already in Outlook keep working
 * until someone asks for a new one. The generations live in one small file per person in a
 * folder under the data directory (embedded), or in the shared store (production).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { SqlExecutor } from '../../store';

export function calendarToken(secret: string, personId: string, generation = 0): string {
  const message =
    generation === 0 ? `planvakt-calendar.v1.${personId}` : `planvakt-calendar.v2.${personId}.${generation}`;
  return createHmac('sha256', secret).update(message).digest('base64url').slice(0, 32);
}

export function validCalendarToken(secret: string, personId: string, generation: number, token: string): boolean {
  const want = Buffer.from(calendarToken(secret, personId, generation));
  const got = Buffer.from(token);
  return want.length === got.length && timingSafeEqual(want, got);
}

const PERSON = /^[a-z0-9][a-z0-9-]{0,99}$/;
const Stored = z.object({ generation: z.number().int().min(0), changedAt: z.string(), by: z.string() });

/** Each person's feed generation: files under the data folder (embedded) or the shared store (production). */
export interface CalendarFeedGenerationStore {
  generation(personId: string): Promise<number>;
  /** A new address for the person: the old links stop working. Returns the new generation. */
  rotate(personId: string, by: string): Promise<number>;
}

export class CalendarFeedGenerations implements CalendarFeedGenerationStore {
  /** One renewal at a time: two at once (she and HR) read the same generation and wrote one file twice. */
  private queue: Promise<unknown> = Promise.resolve();
  constructor(private readonly dir: string) {}

  async generation(personId: string): Promise<number> {
    if (!PERSON.test(personId)) return 0;
    try {
      const parsed = Stored.safeParse(JSON.parse(await readFile(join(this.dir, `${personId}.json`), 'utf8')));
      return parsed.success ? parsed.data.generation : 0;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
      throw err;
    }
  }

  /** A new address for the person: the old links stop working. Returns the new generation. */
  rotate(personId: string, by: string): Promise<number> {
    const next = this.queue.then(() => this.rotateNow(personId, by));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async rotateNow(personId: string, by: string): Promise<number> {
    if (!PERSON.test(personId)) throw new Error(`not a person id: ${personId}`);
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const generation = (await this.generation(personId)) + 1;
    const path = join(this.dir, `${personId}.json`);
    const tmp = `${path}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify({ generation, changedAt: new Date().toISOString(), by }), { mode: 0o600 });
    await rename(tmp, path);
    return generation;
  }
}

/** The generations in the shared store: one statement raises a person's, so two renewals at once give two. */
export class SqlCalendarFeedGenerations implements CalendarFeedGenerationStore {
  constructor(private readonly sql: SqlExecutor) {}

  async generation(personId: string): Promise<number> {
    if (!PERSON.test(personId)) return 0;
    const { rows } = await this.sql.query<{ generation: number }>(
      'SELECT generation FROM calendar_feed_generations WHERE person_id = $1',
      [personId],
    );
    return rows[0]?.generation ?? 0;
  }

  async rotate(personId: string, by: string): Promise<number> {
    if (!PERSON.test(personId)) throw new Error(`not a person id: ${personId}`);
    const { rows } = await this.sql.query<{ generation: number }>(
      `INSERT INTO calendar_feed_generations AS g (person_id, generation, changed_at, changed_by) VALUES ($1, 1, $2, $3)
       ON CONFLICT (person_id) DO UPDATE SET generation = g.generation + 1, changed_at = EXCLUDED.changed_at,
         changed_by = EXCLUDED.changed_by
       RETURNING generation`,
      [personId, new Date().toISOString(), by],
    );
    return rows[0]!.generation;
  }
}
