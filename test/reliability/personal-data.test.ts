/**
 * Personal data (GDPR): names and addresses are kept no longer than PLANVAKT_RETENTION_DAYS (the
 * real `planvakt start` sets the dev server's namespace retention and prunes the worker's files), a
 * person removed from organisation.yaml gets no more messages (the real lifecycle and digest
 * workflows on the time-skipping server, delivering through the real channels to the dev outbox),
 * and `planvakt erase` (the real command, in its own process) removes a person's records and only
 * theirs while the worker's ledger is open in this process.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Connection } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { ConfigStore, configVersionsDir } from '../../src/config/versions';
import { DevOutbox, readOutboxFile, type OutboxEntry } from '../../src/delivery/dev-sink';
import { deliveryFiles } from '../../src/delivery/files';
import { readJsonLines } from '../../src/delivery/json-lines';
import { FileDeliveryLedger, type DeliveryRecord } from '../../src/delivery/ledger';
import { readUndeliverableFile, type UndeliverableEntry } from '../../src/delivery/undeliverable';
import { parseOrganisation } from '../../src/organisation/load';
import { FileOrganisationSource } from '../../src/organisation/source';
import { MASK } from '../../src/personal-data/erase';
import { namespaceRetentionDays } from '../../src/temporal/retention';
import { timelineQuery } from '../../src/lifecycle';
import { digestStateQuery } from '../../src/digest';
import { digestWorkflowId } from '../../src/domain/workflow-ids';
import { spawnPlanvakt } from '../helpers/cli';
import { DeliveryHarness, TEST_ORGANISATION, testRulesFile } from '../helpers/delivery';
import { makeActivity, testRules } from '../helpers/lifecycle';
import { freePort } from '../helpers/ports';
import { timeSkippingEnv } from '../helpers/temporal';
import { recordReliability } from './record';

const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * DAY).toISOString();
const writeLines = (path: string, entries: unknown[]) =>
  writeFileSync(path, entries.map((e) => `${JSON.stringify(e)}\n`).join(''));
const orgValidator = { organisation: (file: string, text: string) => parseOrganisation(file, text) };

/** What each part measured, for the one row of the README table. */
const parts = new Map<string, { size: string; result: string }>();

describe('Personuppgifter: gallring, radering och borttagen person', () => {
  it('planvakt start with PLANVAKT_RETENTION_DAYS=30: the dev server namespace keeps closed histories 30 days, and the worker prunes older records at start', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'planvakt-retention-'));
    const files = deliveryFiles(dataDir);
    // Per file: records 400 and 31 days old (past 30 days: go), 29 days and 1 hour old (stay).
    const ages = [400, 31, 29, 1 / 24];
    writeLines(
      files.ledger,
      ages.map((d, i) => ({
        key: `pv1-${String(i).padStart(40, '0')}`,
        recipientId: `p${i}`,
        channel: 'email',
        sentAt: ago(d),
      })),
    );
    writeLines(
      files.undeliverable,
      ages.map((d, i) => ({
        key: `digest-p${i}`,
        recordedAt: ago(d),
        kind: 'message',
        personId: `p${i}`,
        reason: 'x',
        activities: [],
      })),
    );
    writeLines(
      files.outbox,
      ages.map((d, i) => ({ id: `o${i}`, receivedAt: ago(d), channel: 'email', to: `p${i}@testby.se`, subject: 's' })),
    );
    // Organisation versions saved 100, 40 and 1 day ago: the two old ones go; the only rules version stays although old, being the one in force.
    const store = new ConfigStore(configVersionsDir(dataDir), { ...orgValidator, rules: () => undefined });
    for (const [i, d] of [100, 40, 1].entries()) {
      await store.save('organisation', TEST_ORGANISATION.replace('Olle Enhetschef', `Olle Enhetschef ${i}`), {
        author: 'hr',
        at: new Date(Date.now() - d * DAY),
      });
    }
    await store.save('rules', 'version: 1\n', { author: 'hr', at: new Date(Date.now() - 100 * DAY) });

    const env = {
      PLANVAKT_DATA_DIR: dataDir,
      PLANVAKT_RETENTION_DAYS: '30',
      TEMPORAL_PORT: String(await freePort()),
      TEMPORAL_UI_PORT: String(await freePort()),
      PLANVAKT_PORT: String(await freePort()),
    };
    const run = spawnPlanvakt(['start'], env);
    try {
      await run.waitFor(/Ready\. Ctrl-C stops everything\./);
      const connection = await Connection.connect({ address: `127.0.0.1:${env.TEMPORAL_PORT}` });
      const retention = await namespaceRetentionDays(connection, 'planvakt').finally(() => connection.close());
      expect(retention).toBe(30);

      expect(run.output()).toContain(
        'Gallring (30 dagar): 2 leveransposter, 2 olevererbara, 2 i utkorgen, 2 konfigurationsversioner borttagna',
      );
      const ledger = await readJsonLines<DeliveryRecord>(files.ledger);
      const undeliverable = await readJsonLines<UndeliverableEntry>(files.undeliverable);
      const outbox = await readJsonLines<OutboxEntry>(files.outbox);
      expect(ledger.map((r) => r.recipientId)).toEqual(['p2', 'p3']);
      expect(undeliverable.map((e) => e.personId)).toEqual(['p2', 'p3']);
      expect(outbox.map((e) => e.id)).toEqual(['o2', 'o3']);
      expect((await store.list('organisation')).map((v) => v.version)).toEqual([3]);
      expect((await store.list('rules')).map((v) => v.version)).toEqual([1]);
      parts.set('prune', {
        size: `${3 * ages.length} poster i 3 filer + 4 konfigurationsversioner, gräns 30 dagar`,
        result: `namespace-retention ${retention} dagar; 6 av 6 poster äldre än 30 dagar borttagna vid workerstart, 6 av 6 nyare kvar; 2 gamla organisationsversioner borttagna, gällande versioner kvar`,
      });
    } finally {
      run.child.kill('SIGINT');
      await run.exited;
    }
  }, 180_000);

  describe('on the time-skipping server', () => {
    let env: TestWorkflowEnvironment;
    let outbox: DevOutbox;
    let ledger: FileDeliveryLedger;
    let h: DeliveryHarness;
    const dataDir = mkdtempSync(join(tmpdir(), 'planvakt-personal-'));
    const configDir = join(dataDir, 'config');
    const orgFile = join(configDir, 'organisation.yaml');
    const files = deliveryFiles(dataDir);
    const versions = new ConfigStore(configVersionsDir(dataDir), orgValidator);
    /** HR edits organisation.yaml (as the Inställningar page does: the file and a saved version). */
    const saveOrganisation = async (text: string) => {
      writeFileSync(orgFile, text);
      await versions.save('organisation', text, { author: 'Hugo HR', at: new Date() });
    };

    beforeAll(async () => {
      mkdirSync(configDir, { recursive: true });
      await saveOrganisation(TEST_ORGANISATION);
      env = await timeSkippingEnv();
      outbox = await DevOutbox.start({ file: files.outbox });
      ledger = await FileDeliveryLedger.open(files.ledger);
      h = new DeliveryHarness(env, {
        channelsEnv: outbox.env,
        // Sent at 09:00 after an hour's gathering, so the organisation can change between routing and sending.
        rules: await testRulesFile({ preferredChannel: 'email', fallbackChannel: 'teams', gatherMinutes: 60 }),
        ledger,
        organisation: new FileOrganisationSource(orgFile),
        undeliverablePath: files.undeliverable,
      });
      await h.start();
    });
    afterAll(async () => {
      await h?.stop();
      await ledger?.close();
      await outbox?.stop();
      await env?.teardown();
    });

    it('a person removed from organisation.yaml, or set active: false, gets no further message: the line above gets it, HR gets the gap, and a digest already gathering is surfaced, never sent', async () => {
      // Reminders 5 working days before and on the Måldatum, Wed 2023-10-18: Wed 10-11 and Wed 10-18.
      const rules = await testRules({ reminders: { beforeDeadline: [5, 0] } });
      const a = await h.launch(
        makeActivity({ id: 'gdpr-olle', deadline: '2023-10-18', unit: 'u2', text: 'Aktivitet hos Olle' }),
        '2023-10-02T09:00:00+02:00',
        rules,
      );
      const b = await h.launch(
        makeActivity({ id: 'gdpr-pia', deadline: '2023-10-18', unit: 'u1', text: 'Aktivitet hos Pia' }),
        '2023-10-02T09:00:00+02:00',
        rules,
      );
      const shift = a.timeShiftMs;
      const digest = (person: string, day: string) =>
        env.client.workflow.getHandle(digestWorkflowId(person, day)).query(digestStateQuery);
      const to = (address: string) => outbox.listOutbox().filter((e) => e.to.includes(address));

      // 08:30 on 10-11: both reminders are routed to Olle's and Pia's digests, which send at 09:00.
      await h.sleepUntil('2023-10-11T08:30:00+02:00', shift);
      expect(await digest('olle-chef', '2023-10-11')).toMatchObject({
        phase: 'gathering',
        items: [{ activityId: 'gdpr-olle' }],
      });
      // Olle leaves: HR removes his line from organisation.yaml before his digest sends.
      await saveOrganisation(
        TEST_ORGANISATION.split('\n')
          .filter((l) => !l.includes('id: olle-chef'))
          .join('\n'),
      );
      await h.sleepUntil('2023-10-11T10:00:00+02:00', shift);

      expect(await digest('pia-chef', '2023-10-11')).toMatchObject({ phase: 'sent', channel: 'email' });
      const olleDay1 = await digest('olle-chef', '2023-10-11');
      expect(olleDay1.phase).toBe('undeliverable');
      expect(olleDay1.failures.map((f) => `${f.channel}: ${f.error}`)).toEqual([
        'email: ApplicationFailure: olle-chef is not in the organisation',
        'teams: ApplicationFailure: olle-chef is not in the organisation',
      ]);
      const surfaced = (await readUndeliverableFile(files.undeliverable)).filter((e) => e.personId === 'olle-chef');
      expect(surfaced).toMatchObject([
        { key: digestWorkflowId('olle-chef', '2023-10-11'), kind: 'message', hrNotified: ['Hugo HR'] },
      ]);
      expect(to('hugo@testby.se').map((e) => e.subject)).toEqual([expect.stringMatching(/^Lucka att åtgärda/)]);

      // Pia is deactivated (she stays in the file for the record) after her digest of 10-11.
      await saveOrganisation(
        readFileSync(orgFile, 'utf8').replace('email: pia@testby.se,', 'email: pia@testby.se, active: false,'),
      );
      await h.sleepUntil('2023-10-18T12:00:00+02:00', shift);

      // 10-18: both activities' owners are gone; the avdelningschef gets both, HR the two gaps.
      const ada = await digest('ada-avd', '2023-10-18');
      expect(ada.phase).toBe('sent');
      expect(ada.items.map((i) => i.activityId).sort()).toEqual(['gdpr-olle', 'gdpr-pia']);
      const hugo = await digest('hugo-hr', '2023-10-18');
      expect(hugo.items.map((i) => `${i.kind} ${i.activityId}`).sort()).toEqual(['gap gdpr-olle', 'gap gdpr-pia']);
      expect(hugo.items.find((i) => i.activityId === 'gdpr-pia')?.reason).toContain('(avaktiverade: Pia Enhetschef)');
      for (const l of [a, b]) {
        const sent = (await l.handle.query(timelineQuery)).filter((t) => t.type === 'sent');
        expect(sent.at(-1)).toMatchObject({ recipients: ['Ada Avdelningschef'] });
      }

      // Olle never got a message; Pia only the one before she was deactivated.
      expect(to('olle@testby.se')).toHaveLength(0);
      expect(to('pia@testby.se')).toHaveLength(1);
      const events = 4; // two activities, two reminders each
      const delivered = ada.items.length + (await digest('pia-chef', '2023-10-11')).items.length;
      expect(delivered + surfaced.length).toBe(events);
      parts.set('removed', {
        size: `2 aktiviteter × 2 påminnelser (10-11, 10-18), 1 person borttagen och 1 avaktiverad`,
        result: `0 meddelanden till borttagen person, 0 efter avaktivering; ${delivered} av ${events} levererade till rätt person, ${surfaced.length} synliggjord som olevererbar och till HR, ${hugo.items.length} luckor till HR`,
      });
      await a.handle.terminate('test done');
      await b.handle.terminate('test done');
    }, 120_000);

    it('planvakt erase removes every record of the person and only theirs, and masks them in other people’s records, while the worker’s ledger stays open', async () => {
      const cli = { PLANVAKT_DATA_DIR: dataDir, PLANVAKT_CONFIG_DIR: configDir, PLANVAKT_RETENTION_DAYS: '400' };
      const snapshot = async () => ({
        ledger: await readJsonLines<DeliveryRecord>(files.ledger),
        undeliverable: await readUndeliverableFile(files.undeliverable),
        outbox: await readOutboxFile(files.outbox),
        versions: (await versions.list('organisation')).map((v) => v.version),
      });
      const text = (s: Awaited<ReturnType<typeof snapshot>>) => JSON.stringify([s.ledger, s.undeliverable, s.outbox]);
      const before = await snapshot();
      expect(before.ledger.map((r) => r.recipientId).sort()).toEqual(['ada-avd', 'hugo-hr', 'hugo-hr', 'pia-chef']);
      expect(before.versions).toEqual([1, 2, 3]);

      // Ada is still active: refused, nothing touched.
      const refused = spawnPlanvakt(['erase', 'ada@testby.se'], cli);
      expect(await refused.exited).toBe(1);
      expect(refused.output()).toContain('Ada Avdelningschef (ada-avd) är aktiv i');
      expect(text(await snapshot())).toBe(text(before));

      // Olle has left organisation.yaml: named by id and address.
      const olle = spawnPlanvakt(['erase', 'olle-chef', 'olle@testby.se'], cli);
      expect(await olle.exited).toBe(0);
      const afterOlle = await snapshot();
      expect(olle.output()).toMatch(/olevererbara meddelanden \(undeliverable\.jsonl\): +1\n/);
      expect(olle.output()).toMatch(/äldre versioner av organisation\.yaml: +1\n/);
      expect(olle.output()).toContain(
        'Erased: ledger 0, undeliverable 1, outbox 0, organisation versions 1, mentions masked 1.',
      );
      expect(afterOlle.undeliverable.filter((e) => e.personId === 'olle-chef')).toHaveLength(0);
      expect(afterOlle.versions).toEqual([2, 3]);
      // HR's email about his undeliverable message stays, without his id.
      expect(text(afterOlle)).not.toMatch(/olle-chef|olle@testby\.se|Olle Enhetschef/);
      expect(afterOlle.outbox).toHaveLength(before.outbox.length);
      expect(
        JSON.stringify(
          afterOlle.outbox.find((e) => e.to.includes('hugo@testby.se') && e.text?.includes('nådde ingen kanal')),
        ),
      ).toContain(MASK);

      // Pia is deactivated, so organisation.yaml still knows her id, name and addresses: her id is enough.
      const pia = spawnPlanvakt(['erase', 'pia-chef'], cli);
      expect(await pia.exited).toBe(0);
      expect(pia.output()).toContain(
        'Erased: ledger 1, undeliverable 0, outbox 1, organisation versions 1, mentions masked 1.',
      );
      expect(pia.output()).toContain('Personen står kvar (inaktiv) i');
      const afterPia = await snapshot();
      expect(text(afterPia)).not.toMatch(/pia-chef|pia@testby\.se|Pia Enhetschef/);
      expect(afterPia.versions).toEqual([3]);

      // Only theirs: every other record is still there, in order, differing only by the masks.
      const others = (s: Awaited<ReturnType<typeof snapshot>>) => ({
        ledger: s.ledger.filter((r) => r.recipientId !== 'pia-chef').map((r) => r.key),
        outbox: s.outbox.filter((e) => !e.to.includes('pia@testby.se')).map((e) => e.id),
        undeliverable: s.undeliverable.filter((e) => e.personId !== 'olle-chef').map((e) => e.key),
      });
      expect(others(afterPia)).toEqual(others(before));
      const removed =
        before.ledger.length +
        before.undeliverable.length +
        before.outbox.length -
        (afterPia.ledger.length + afterPia.undeliverable.length + afterPia.outbox.length);

      // The worker's ledger (open in this process) saw the file replaced: it forgets Pia and appends to the new file.
      const piaKey = before.ledger.find((r) => r.recipientId === 'pia-chef')!.key;
      expect(await ledger.has(piaKey)).toBe(true);
      await ledger.record('pv1-ffffffffffffffffffffffffffffffffffffffff', {
        recipientId: 'ada-avd',
        channel: 'email',
        sentAt: new Date().toISOString(),
      });
      expect(await ledger.has(piaKey)).toBe(false);
      expect((await readJsonLines<DeliveryRecord>(files.ledger)).map((r) => r.recipientId).sort()).toEqual([
        'ada-avd',
        'ada-avd',
        'hugo-hr',
        'hugo-hr',
      ]);

      parts.set('erase', {
        size: `2 personer via planvakt erase (1 borttagen, 1 avaktiverad), 1 vägran för aktiv person; ${before.ledger.length + before.undeliverable.length + before.outbox.length} poster, 3 organisationsversioner`,
        result: `${removed} poster och 2 versioner raderade, 2 omnämnanden maskerade, 0 spår kvar av personerna, övrigas poster oförändrade`,
      });
    }, 60_000);
  });

  it('records the row', async () => {
    await recordReliability(
      {
        id: '07-personal-data',
        test: 'Personuppgifter: gallring, radering och borttagen person (personal data: retention, erasure, removed person)',
        file: 'test/reliability/personal-data.test.ts',
      },
      async (r) => {
        const missing = ['prune', 'removed', 'erase'].filter((p) => !parts.has(p));
        r.size = [...parts.values()].map((p) => p.size).join('; ');
        r.result = [...parts.values()].map((p) => p.result).join('; ');
        expect(missing, 'parts that failed').toEqual([]);
      },
    );
  });
});
