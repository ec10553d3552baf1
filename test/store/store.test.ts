/**
 * The shared store, the same tests for both implementations: PostgreSQL (Debian's server, started
 * here on a loopback port, as production's database) and the embedded PGlite of `npm start`.
 * "Separate workers" are separate stores (separate connection pools, as on separate machines).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Channels } from '../../src/delivery/channel';
import { DeliveryError } from '../../src/delivery/errors';
import { sendMessage, type SendOutcome } from '../../src/delivery/send';
import type { Message } from '../../src/delivery/message';
import {
  migrate,
  openStore,
  SqlDeliveryLedger,
  SqlUndeliverableLog,
  type Store,
  type StoreOptions,
} from '../../src/store';
import { embeddedSql } from '../../src/store/embedded';
import { postgresSql } from '../../src/store/postgres';
import { message } from '../delivery/fixtures';
import { parseRules } from '../../src/rules';
import { FileSessionStore, SqlSessionStore, type SessionStore } from '../../src/web/sessions';
import {
  CalendarFeedGenerations,
  SqlCalendarFeedGenerations,
  type CalendarFeedGenerationStore,
} from '../../src/web/app/calendar-feeds';
import { SqlColumnMappingStore } from '../../src/web/app/upload';
import { FileReportStore, SqlReportStore, type ReportStore } from '../../src/follow-up/report/store';
import {
  readUndeliverableFile,
  UndeliverableLog,
  type UndeliverableEntry,
  type UndeliverableRecorder,
} from '../../src/delivery/undeliverable';
import { FileColumnMappingStore, type ColumnMapping, type ColumnMappingStore } from '../../src/plan';
import {
  ConfigStore,
  configVersionsDir,
  type ConfigValidator,
  type ConfigVersionStore,
} from '../../src/config/versions';
import { postgresBin, startPostgres } from '../production/cluster';
import { spawnPlanvakt } from '../helpers/cli';

const configDir = fileURLToPath(new URL('../../config', import.meta.url));

const pgBin = postgresBin();
if (!pgBin && process.env.CI) throw new Error('CI must run the store tests on PostgreSQL: apt-get install postgresql');

/** A channel that counts what it was asked to send, after a pause that lets others race. */
function countingChannels(counts: Map<string, number>, fail = false): Channels {
  return {
    email: {
      channel: 'email',
      async send(m: Message) {
        await new Promise((r) => setTimeout(r, 20));
        if (fail)
          throw new DeliveryError('email: 421 try later', { code: 'serverError', retryable: true, channel: 'email' });
        counts.set(m.key, (counts.get(m.key) ?? 0) + 1);
        return { providerMessageId: `<${m.key}@test>` };
      },
    },
  };
}

interface Engine {
  name: string;
  /** Options for a store; each call is another "process" on the same data. */
  options(): StoreOptions;
  setUp(): Promise<void>;
  tearDown(): Promise<void>;
  /** Whether several stores can be open on the same data at once (separate processes). */
  shared: boolean;
}

const folders: string[] = [];
let pgStop: (() => void) | undefined;
let pgUrl = '';

const engines: Engine[] = [
  {
    name: 'embedded (PGlite)',
    shared: false,
    options: () => ({ kind: 'embedded' }),
    setUp: async () => {},
    tearDown: async () => {},
  },
];
if (pgBin)
  engines.push({
    name: 'PostgreSQL',
    shared: true,
    options: () => ({ kind: 'postgresql', connectionString: pgUrl }),
    async setUp() {
      const dir = mkdtempSync(join(tmpdir(), 'planvakt-store-pg-'));
      folders.push(dir);
      const server = await startPostgres(pgBin, dir);
      pgStop = server.stop;
      const admin = new pg.Client({ connectionString: `postgres://temporal@127.0.0.1:${server.port}/postgres` });
      await admin.connect();
      await admin.query('CREATE DATABASE planvakt');
      await admin.end();
      pgUrl = `postgres://temporal@127.0.0.1:${server.port}/planvakt`;
    },
    async tearDown() {
      pgStop?.();
    },
  });

afterAll(() => {
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

/** The state besides the ledger, one implementation's way: SQL (PGlite, PostgreSQL) or files. */
interface StateImpl {
  name: string;
  /** Separate processes on the same data (PostgreSQL); else one process's objects. */
  shared: boolean;
  /** Another process on the same data (PostgreSQL: its own pool), for races. */
  process(): Promise<{
    configVersions(validators?: Readonly<Record<string, ConfigValidator>>): ConfigVersionStore;
    close(): Promise<void>;
  }>;
  sessions(now: () => number): SessionStore;
  calendarFeeds(): CalendarFeedGenerationStore;
  undeliverable(): Promise<UndeliverableRecorder>;
  /** Newest first. */
  undeliverableList(): Promise<UndeliverableEntry[]>;
  reports(): ReportStore;
  columnMappings(): ColumnMappingStore;
}

function stateTests(get: () => StateImpl) {
  it("keeps HR's configuration versions: numbered in order, the same text not twice, invalid text refused", async () => {
    const p = await get().process();
    try {
      const versions = p.configVersions({ rules: (file, text) => parseRules(file, text) });
      const shipped = readFileSync(join(configDir, 'rules.yaml'), 'utf8');
      const later = shipped.replace('sendTime: "08:00"', 'sendTime: "07:30"');
      expect(later).not.toBe(shipped);
      const at = new Date('2025-12-17T09:00:00Z');
      const v1 = await versions.save('rules', shipped, { author: 'rules.yaml (filen)', at });
      const v2 = await versions.save('rules', later, { author: 'Hanna HR-chef', at });
      expect([v1.version, v2.version]).toEqual([1, 2]);
      expect(await versions.save('rules', later, { author: 'Hanna HR-chef', at })).toEqual(v2);
      expect(await versions.latest('rules')).toEqual({ ...v2, savedAt: '2025-12-17T09:00:00.000Z' });
      expect(await versions.read('rules', 1)).toBe(shipped);
      expect(await versions.read('rules', 2)).toBe(later);
      await expect(versions.save('rules', 'reminders: inte en lista', { author: 'x', at })).rejects.toThrow(
        /rules\.yaml/,
      );
      await expect(versions.save('okänd', 'a: 1', { author: 'x', at })).rejects.toThrow(/Unknown configuration/);
      expect(await versions.names()).toEqual(['rules']);
      // The retention prune forgets old ones, never the one in force.
      expect(await versions.forget('rules', () => true)).toBe(1);
      expect((await versions.list('rules')).map((v) => v.version)).toEqual([2]);
      expect(await versions.read('rules', 2)).toBe(later);
    } finally {
      await p.close();
    }
  });

  it('gives two saves at once two version numbers', async () => {
    const processes = await Promise.all(Array.from({ length: 20 }, () => get().process()));
    try {
      const saved = await Promise.all(
        processes.map((p, i) =>
          p.configVersions({ organisation: () => undefined }).save('organisation', `# utkast ${i}\n`, {
            author: `HR ${i}`,
            at: new Date(),
          }),
        ),
      );
      expect(saved.map((v) => v.version).sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      const versions = processes[0]!.configVersions();
      for (const v of saved)
        expect(await versions.read('organisation', v.version)).toBe(`# utkast ${v.author.slice(3)}\n`);
    } finally {
      await Promise.all(processes.map((p) => p.close()));
    }
  });

  it('keeps sessions for every web replica: sign-out and "log out everywhere" end them, expired ones are gone', async () => {
    let now = Date.parse('2025-12-17T09:00:00Z');
    const replicaA = get().sessions(() => now);
    const replicaB = get().sessions(() => now);
    const anna = await replicaA.create('anna-sess', 'entra', 60 * 60_000);
    const annaPhone = await replicaA.create('anna-sess', 'entra', 60 * 60_000);
    const olle = await replicaB.create('olle-sess', 'dev', 60 * 60_000);
    expect(await replicaB.get(anna.id)).toEqual(anna);
    await replicaB.end(anna.id);
    expect(await replicaA.get(anna.id)).toBeUndefined();
    expect(await replicaA.endAllFor('anna-sess')).toBe(1);
    expect(await replicaB.get(annaPhone.id)).toBeUndefined();
    expect(await replicaA.get(olle.id)).toEqual(olle);
    now += 61 * 60_000;
    expect(await replicaA.get(olle.id)).toBeUndefined();
    expect(await replicaA.get('not-a-session-id')).toBeUndefined();
  });

  it('gives a person a new calendar address once per renewal, also when two renew at once', async () => {
    const feeds = get().calendarFeeds();
    expect(await feeds.generation('rut-feed')).toBe(0);
    const both = await Promise.all([feeds.rotate('rut-feed', 'Rut'), feeds.rotate('rut-feed', 'Hanna HR')]);
    expect(both.sort()).toEqual([1, 2]);
    expect(await get().calendarFeeds().generation('rut-feed')).toBe(2);
    await expect(feeds.rotate('../etc', 'x')).rejects.toThrow(/not a person id/);
  });

  it('records an undeliverable message once per key and lists the newest first', async () => {
    const entry = (key: string, recordedAt: string): UndeliverableEntry => ({
      key,
      recordedAt,
      kind: 'message',
      personId: 'asa-und',
      personName: 'Åsa Ödmark',
      reason: 'Ingen kanal nådde fram',
      activities: [{ activityId: 'a1', activityText: 'Rekrytera <chefer>', reason: 'påminnelse' }],
    });
    const older = entry('digest:asa:2025-12-16', '2025-12-16T07:01:00.000Z');
    const newer = entry('digest:asa:2025-12-17', '2025-12-17T07:01:00.000Z');
    const [a, b] = [await get().undeliverable(), await get().undeliverable()];
    // A retried activity records the same key at the same moment (on PostgreSQL: another worker could).
    expect((await Promise.all([a.record(older), b.record(older)])).sort()).toEqual([false, true]);
    expect(await b.record(newer)).toBe(true);
    expect((await get().undeliverableList()).filter((e) => e.personId === 'asa-und')).toEqual([newer, older]);
  });

  it('keeps a follow-up report whole, readable by any process; a retried close replaces it', async () => {
    const reports = get().reports();
    const xlsx = Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0xff]);
    const where = await reports.put({
      cycleId: 'cycle-skola-2025-T1',
      department: 'skola',
      html: '<h1>Tertial 1 – Skola</h1>',
      xlsx,
    });
    expect(where.html).toContain('cycle-skola-2025-T1');
    const other = get().reports();
    expect((await other.get('cycle-skola-2025-T1', 'html'))?.toString('utf8')).toBe('<h1>Tertial 1 – Skola</h1>');
    expect(await other.get('cycle-skola-2025-T1', 'xlsx')).toEqual(xlsx);
    await reports.put({ cycleId: 'cycle-skola-2025-T1', department: 'skola', html: '<h1>Omgjord</h1>', xlsx });
    expect((await other.get('cycle-skola-2025-T1', 'html'))?.toString('utf8')).toBe('<h1>Omgjord</h1>');
    expect(await other.get('cycle-skola-2025-T2', 'html')).toBeUndefined();
  });

  it("keeps HR's column mappings, one per table shape, for every replica", async () => {
    const a = get().columnMappings();
    const b = get().columnMappings();
    const first: ColumnMapping = { headings: ['Vad', 'Vem', 'När'], roles: ['aktivitet', 'ansvarig', 'maldatum'] };
    const other: ColumnMapping = { headings: ['Åtgärd', 'Klart'], roles: ['aktivitet', 'maldatum'] };
    await Promise.all([a.save(first), b.save(other)]);
    // The same shape again (another case and spacing: the same signature) replaces the mapping.
    await b.save({ headings: ['vad', 'VEM ', 'när'], roles: ['aktivitet', 'ovrigt', 'maldatum'] });
    const listed = await a.list();
    expect(listed).toHaveLength(2);
    expect(listed).toContainEqual({ headings: ['Åtgärd', 'Klart'], roles: ['aktivitet', 'maldatum'] });
    expect(listed).toContainEqual({ headings: ['vad', 'VEM ', 'när'], roles: ['aktivitet', 'ovrigt', 'maldatum'] });
  });
}

describe.each(engines)('store on $name', (engine) => {
  let store: Store;
  beforeAll(async () => {
    await engine.setUp();
    store = await openStore(engine.options());
  }, 120_000);
  afterAll(async () => {
    await store?.close();
    await engine.tearDown();
  });

  it('brings its schema up once: opening again applies no migration', async () => {
    const applied = await store.sql.query<{ version: number }>(
      'SELECT version FROM planvakt_migrations ORDER BY version',
    );
    expect(applied.rows.map((r) => r.version)).toEqual([1, 2, 3, 4]);
    expect(await migrate(store.sql)).toEqual([]);
  });

  it('claims a key for one attempt only; a sent key reads back as sent', async () => {
    const msg = message({ eventKey: 'claim-once' });
    const who = { recipientId: msg.recipient.id, channel: msg.channel };
    const first = await store.ledger.claim(msg.key, who);
    expect(first.status).toBe('claimed');
    expect(await store.ledger.claim(msg.key, who)).toEqual({ status: 'busy' });
    expect(await store.ledger.has(msg.key)).toBe(false);
    await store.ledger.record(msg.key, { ...who, sentAt: '2025-12-17T07:00:00.000Z', providerMessageId: '<x@test>' });
    expect(await store.ledger.claim(msg.key, who)).toEqual({
      status: 'sent',
      record: {
        key: msg.key,
        recipientId: 'p-anna',
        channel: 'email',
        sentAt: '2025-12-17T07:00:00.000Z',
        providerMessageId: '<x@test>',
      },
    });
  });

  it('sends a message once when many attempts race for it', async () => {
    const counts = new Map<string, number>();
    const msg = message({ eventKey: 'race' });
    // On PostgreSQL each attempt has its own store (its own pool): separate workers. Embedded,
    // separate ledger objects on the one database, so this process's in-flight sharing is bypassed.
    const stores = engine.shared ? await Promise.all(Array.from({ length: 6 }, () => openStore(engine.options()))) : [];
    const ledgers = engine.shared
      ? stores.map((s) => s.ledger)
      : Array.from({ length: 6 }, () => new SqlDeliveryLedger(store.sql));
    try {
      const outcomes = await Promise.allSettled(ledgers.map((l) => sendMessage(msg, countingChannels(counts), l)));
      expect(counts.get(msg.key)).toBe(1);
      const sent = outcomes.filter((o) => o.status === 'fulfilled' && (o.value as SendOutcome).status === 'sent');
      expect(sent).toHaveLength(1);
      // The others either saw it sent or were told to retry later; none sent.
      for (const o of outcomes) {
        if (o.status === 'rejected') expect((o.reason as DeliveryError).code).toBe('inFlight');
      }
      expect(await store.ledger.has(msg.key)).toBe(true);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  it('frees the key when the send fails, so the retry sends it', async () => {
    const counts = new Map<string, number>();
    const msg = message({ eventKey: 'fails-first' });
    await expect(sendMessage(msg, countingChannels(counts, true), store.ledger)).rejects.toMatchObject({
      code: 'serverError',
    });
    expect(await store.ledger.has(msg.key)).toBe(false);
    const retry = await sendMessage(msg, countingChannels(counts), store.ledger);
    expect(retry.status).toBe('sent');
    expect(counts.get(msg.key)).toBe(1);
  });

  it("takes over a dead attempt's claim only after its lease", async () => {
    const msg = message({ eventKey: 'dead-attempt' });
    const who = { recipientId: msg.recipient.id, channel: msg.channel };
    const sql = store.sql;
    const at = (iso: string) => new SqlDeliveryLedger(sql, () => new Date(iso), 10 * 60_000);
    expect((await at('2025-12-17T07:00:00Z').claim(msg.key, who)).status).toBe('claimed');
    // The worker died here. Nine minutes later its claim still holds; eleven minutes later it is taken over.
    expect((await at('2025-12-17T07:09:00Z').claim(msg.key, who)).status).toBe('busy');
    expect((await at('2025-12-17T07:11:00Z').claim(msg.key, who)).status).toBe('claimed');
  });

  it("lets the next attempt of the same activity take over a killed attempt's claim at once, nobody else", async () => {
    const msg = message({ eventKey: 'killed-attempt' });
    const who = (holder: string, number: number) => ({
      recipientId: msg.recipient.id,
      channel: msg.channel,
      attempt: { holder, number },
    });
    const at = new SqlDeliveryLedger(store.sql, () => new Date('2025-12-17T07:00:00Z'));
    const then = new SqlDeliveryLedger(store.sql, () => new Date('2025-12-17T07:01:30Z'));
    expect((await at.claim(msg.key, who('digest:anna:2025-12-17/1', 1))).status).toBe('claimed');
    // The worker was killed mid-send. Another activity, or the same attempt again, must still wait.
    expect((await then.claim(msg.key, who('digest:anna:2025-12-17/2', 2))).status).toBe('busy');
    expect((await then.claim(msg.key, who('digest:anna:2025-12-17/1', 1))).status).toBe('busy');
    expect((await then.claim(msg.key, { recipientId: msg.recipient.id, channel: msg.channel })).status).toBe('busy');
    // Temporal started attempt 2 because attempt 1 failed or timed out: it sends now, not after the lease.
    const taken = await then.claim(msg.key, who('digest:anna:2025-12-17/1', 2));
    expect(taken.status).toBe('claimed');
    await then.record(msg.key, { recipientId: msg.recipient.id, channel: msg.channel, sentAt: '2025-12-17T07:01:31Z' });
    expect((await then.claim(msg.key, who('digest:anna:2025-12-17/1', 3))).status).toBe('sent');
  });

  stateTests(() => ({
    name: engine.name,
    shared: engine.shared,
    async process() {
      // On PostgreSQL another process is another store (its own pool): the web app on two machines.
      const other = engine.shared ? await openStore(engine.options()) : store;
      return {
        configVersions: (validators) => other.configVersions(validators),
        close: () => (other === store ? Promise.resolve() : other.close()),
      };
    },
    sessions: (now) => new SqlSessionStore(store.sql, now),
    calendarFeeds: () => new SqlCalendarFeedGenerations(store.sql),
    undeliverable: async () => new SqlUndeliverableLog(store.sql),
    undeliverableList: () => store.undeliverable.list(),
    reports: () => new SqlReportStore(store.sql),
    columnMappings: () => new SqlColumnMappingStore(store.sql),
  }));

  it.skipIf(!engine.shared)(
    'takes the next version number when another save took its number between reading and writing',
    async () => {
      // Another web replica's save holds version 1 of `kapplopning` in an open transaction; ours
      // computes the same number, waits on that row, and must take 2 once the other commits.
      const other = new pg.Client({ connectionString: pgUrl });
      await other.connect();
      try {
        await other.query('BEGIN');
        await other.query(
          `INSERT INTO config_versions (name, version, saved_at, author, sha256, text)
           VALUES ('kapplopning', 1, now(), 'HR på den andra servern', 'x', 'x')`,
        );
        const saving = store
          .configVersions({ kapplopning: () => undefined })
          .save('kapplopning', 'vår text', { author: 'HR', at: new Date() });
        await expect
          .poll(async () =>
            Number((await other.query('SELECT count(*) AS n FROM pg_locks WHERE NOT granted')).rows[0].n),
          )
          .toBeGreaterThan(0);
        await other.query('COMMIT');
        expect((await saving).version).toBe(2);
      } finally {
        await other.end();
      }
    },
  );

  it('keeps only the SHA-256 of a session id; erases and prunes undeliverable messages', async () => {
    const session = await new SqlSessionStore(store.sql).create('hash-sess', 'dev', 60_000);
    const ids = await store.sql.query<{ id_sha256: string }>('SELECT id_sha256 FROM web_sessions');
    expect(ids.rows.map((r) => r.id_sha256)).not.toContain(session.id);
    const log = store.undeliverable;
    const entry = (key: string, recordedAt: string): UndeliverableEntry => ({
      key,
      recordedAt,
      kind: 'message',
      personId: 'erik-und',
      reason: 'x',
      activities: [],
    });
    await log.record(entry('digest:erik:2024-01-02', '2024-01-02T07:01:00.000Z'));
    await log.record(entry('digest:erik:2025-12-17', '2025-12-17T07:01:00.000Z'));
    expect(await log.pruneBefore(new Date('2025-01-01T00:00:00Z'))).toBeGreaterThanOrEqual(1);
    expect((await log.list()).filter((e) => e.personId === 'erik-und').map((e) => e.key)).toEqual([
      'digest:erik:2025-12-17',
    ]);
    expect(await log.eraseRecipient('erik-und')).toBe(1);
    expect((await log.list()).filter((e) => e.personId === 'erik-und')).toEqual([]);
  });

  it('erases a person and prunes old sends', async () => {
    const a = message({ eventKey: 'erase-a', recipient: { id: 'p-erase', name: 'E', email: 'e@kommun.se' } });
    const b = message({ eventKey: 'prune-b' });
    const c = message({ eventKey: 'keep-c' });
    await store.ledger.record(a.key, { recipientId: 'p-erase', channel: 'email', sentAt: '2025-12-17T07:00:00.000Z' });
    await store.ledger.record(b.key, { recipientId: 'p-anna', channel: 'email', sentAt: '2024-01-02T07:00:00.000Z' });
    await store.ledger.record(c.key, { recipientId: 'p-anna', channel: 'email', sentAt: '2025-12-17T07:00:00.000Z' });
    expect(await store.ledger.eraseRecipient('p-erase')).toBe(1);
    expect(await store.ledger.has(a.key)).toBe(false);
    expect(await store.ledger.pruneSentBefore(new Date('2025-01-01T00:00:00Z'))).toBeGreaterThanOrEqual(1);
    expect(await store.ledger.has(b.key)).toBe(false);
    expect(await store.ledger.has(c.key)).toBe(true);
  });
});

/**
 * The embedded default's implementations (`npm start`, no DATABASE_URL): files in the data folder,
 * the same tests as the SQL engines above.
 */
describe('store on files (the embedded default)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'planvakt-store-files-'));
  folders.push(dir);
  const undeliverablePath = join(dir, 'undeliverable.jsonl');
  let log: UndeliverableLog | undefined;
  let mappings: FileColumnMappingStore | undefined;
  stateTests(() => ({
    name: 'files',
    shared: false,
    process: async () => ({
      configVersions: (validators) => new ConfigStore(configVersionsDir(dir), validators ?? {}),
      close: async () => {},
    }),
    sessions: (now) => new FileSessionStore(join(dir, 'sessions'), now),
    calendarFeeds: () => new CalendarFeedGenerations(join(dir, 'calendar-feeds')),
    undeliverable: async () => (log ??= await UndeliverableLog.open(undeliverablePath)),
    undeliverableList: () => readUndeliverableFile(undeliverablePath),
    reports: () => new FileReportStore(join(dir, 'reports')),
    // One process's store: its queue is what keeps two saves from losing one.
    columnMappings: () => (mappings ??= new FileColumnMappingStore(join(dir, 'kolumner.json'))),
  }));
});

describe.skipIf(!pgBin)('PostgreSQL store, several processes starting at once', () => {
  it('applies the migrations once when three processes open the store together', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'planvakt-store-pg-'));
    folders.push(dir);
    const server = await startPostgres(pgBin!, dir);
    try {
      const url = `postgres://temporal@127.0.0.1:${server.port}/postgres`;
      const sqls = [
        postgresSql({ connectionString: url }),
        postgresSql({ connectionString: url }),
        postgresSql({ connectionString: url }),
      ];
      try {
        const applied = await Promise.all(sqls.map((s) => migrate(s)));
        expect(applied.flat().sort()).toEqual([1, 2, 3, 4]);
      } finally {
        await Promise.all(sqls.map((s) => s.close()));
      }
    } finally {
      server.stop();
    }
  }, 120_000);
});

describe.skipIf(!pgBin)('planvakt erase with the shared store', () => {
  it("removes a person's sends from PostgreSQL and leaves others'", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'planvakt-store-erase-'));
    folders.push(dir);
    const server = await startPostgres(pgBin!, dir);
    try {
      const url = `postgres://temporal@127.0.0.1:${server.port}/postgres`;
      const store = await openStore({ kind: 'postgresql', connectionString: url });
      const gone = message({ eventKey: 'gone', recipient: { id: 'p-gone', name: 'G', email: 'g@kommun.se' } });
      const kept = message({ eventKey: 'kept' });
      await store.ledger.record(gone.key, {
        recipientId: 'p-gone',
        channel: 'email',
        sentAt: '2025-12-17T07:00:00.000Z',
      });
      await store.ledger.record(kept.key, {
        recipientId: 'p-anna',
        channel: 'email',
        sentAt: '2025-12-17T07:00:00.000Z',
      });
      // p-gone is not in organisation.yaml (has left): erase by id, as an administrator would.
      const run = spawnPlanvakt(['erase', 'p-gone'], {
        DATABASE_URL: url,
        PLANVAKT_DATA_DIR: join(dir, 'data'),
        PLANVAKT_CONFIG_DIR: configDir,
      });
      expect(await run.exited).toBe(0);
      expect(run.output()).toMatch(/leveransloggen \(PostgreSQL och delivery-ledger\.jsonl\): +1\n/);
      expect(await store.ledger.has(gone.key)).toBe(false);
      expect(await store.ledger.has(kept.key)).toBe(true);
      await store.close();
    } finally {
      server.stop();
    }
  }, 120_000);
});

describe('embedded store on disk', () => {
  it('keeps what it recorded across a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'planvakt-store-embedded-'));
    folders.push(dir);
    const msg = message({ eventKey: 'restart' });
    const first = await openStore({ kind: 'embedded', dataDir: join(dir, 'store') });
    await first.ledger.record(msg.key, { recipientId: 'p-anna', channel: 'email', sentAt: '2025-12-17T07:00:00.000Z' });
    await first.close();
    const again = await embeddedSql(join(dir, 'store'));
    const ledger = new SqlDeliveryLedger(again);
    expect(await ledger.has(msg.key)).toBe(true);
    await again.close();
  }, 120_000);
});
