/**
 * Follow-up cycles on the real time-skipping server: the seed plans' activities run as real
 * lifecycles, the department workflow starts the cycles on schedule, answers arrive through the
 * check-in page, and the reports are read back as HTML and as a parsed Excel file.
 */
import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import {
  followUpInputs,
  cycleStateQuery,
  followUpStartedQuery,
  reportIndicator,
  type CycleOutcome,
  planCycles,
  followUpDepartment,
  followUpCycle,
} from '../../src/follow-up';
import { toLifecycleActivity } from '../../src/lifecycle/from-plan';
import { signCheckinToken } from '../../src/checkin/token';
import { placedActivities, readPlanFile, type Plan } from '../../src/plan';
import { timelineQuery } from '../../src/lifecycle';
import { FollowUpHarness, TEST_SECRET } from '../helpers/follow-up';
import { recordHistories } from '../helpers/histories';
import { timeSkippingEnv } from '../helpers/temporal';
import { KOMPETENSPLAN, seedPath, VERKSAMHETSPLAN } from '../plan/seeds';
import { lifecycleWorkflowId } from '../../src/domain/workflow-ids';

let env: TestWorkflowEnvironment;
let h: FollowUpHarness;
let kompetensplan: Plan;
let verksamhetsplan: Plan;

beforeAll(async () => {
  env = await timeSkippingEnv();
  h = new FollowUpHarness(env);
  await h.start();
  kompetensplan = (await readPlanFile(seedPath(KOMPETENSPLAN))).plan;
  verksamhetsplan = (await readPlanFile(seedPath(VERKSAMHETSPLAN))).plan;
});
afterAll(async () => {
  // Replay cases for test/lifecycle/replay.test.ts: a department through two cycles, a cycle through its report, an indicator cycle.
  if (h) await recordHistories(env.client, ['follow-up-forskola', 'cycle-forskola-2022-T1', 'cycle-forskola-2020-VB']);
  await h?.stop();
  await env?.teardown();
});

const inAnHour = () => new Date(Date.now() + 3_600_000).toISOString();
const token = (person: string, scope: { activities?: string[]; cycle?: string }, expires = inAnHour()) =>
  signCheckinToken(TEST_SECRET, { person, ...scope, expires });
const reportsIn = async (activityId: string) =>
  (await env.client.workflow.getHandle(lifecycleWorkflowId(activityId)).query(timelineQuery)).filter(
    (t) => t.type === 'reported',
  );
const submission = (n: string) => `sub-${n}-0123456789`;

async function excelRows(path: string, sheet: string): Promise<string[][]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(path);
  const ws = wb.getWorksheet(sheet);
  if (!ws) throw new Error(`no sheet ${sheet}: ${wb.worksheets.map((w) => w.name).join(', ')}`);
  const rows: string[][] = [];
  ws.eachRow((row) =>
    rows.push((row.values as unknown[]).slice(1).map((v) => (v === null || v === undefined ? '' : String(v)))),
  );
  return rows;
}

describe('followUpCycle on the time-skipping server', () => {
  it('förskola, tertial 1 2022: requests at window open, two answer, one is reminded and reported to the avdelningschef; the report shows exactly those answers', async () => {
    // By hand from config/rules.yaml (förskola overrides T1: opens 04-11, due 05-03; remind 3 wd before due; send 08:00):
    //  window opens Mon 2022-04-11 08:00 CEST = 06:00Z (the lifecycles' status requests, the cycle starts);
    //  reminder 3 working days before Tue 05-03: Mon 05-02, Fri 04-29, Thu 04-28 → 2022-04-28 06:00Z;
    //  the cycle closes the first working day after the due date: Wed 2022-05-04 08:00 = 06:00Z.
    // Activities (section Behålla): 2c569654cf7d rektor (Rut, Sven; Vera is inactive) — Rut answers Pågår;
    // a5a39c2602d3 pedagogisk utvecklingsledare (Paula) — answers Försenad, new date 2022-10-31;
    // d3f5fe33dd8a förskolestöd (Stina) — does not answer; she is reminded, and reported to Anna Avdelning.
    const chosen = ['2c569654cf7d', 'a5a39c2602d3', 'd3f5fe33dd8a'];
    const shift = await h.shiftFor('2022-04-01T09:00:00+02:00');
    const activities = placedActivities(kompetensplan)
      .filter((p) => chosen.includes(p.activity.id))
      .map((p) => toLifecycleActivity(kompetensplan, p));
    expect(activities.map((a) => a.id).sort()).toEqual([...chosen].sort());
    for (const a of activities) await h.launchLifecycle(a, shift);
    const input = followUpInputs(kompetensplan, h.rulesFile, new Date(await env.currentTimeMs()), shift).find(
      (i) => i.department === 'forskola',
    )!;
    expect(input.year).toBe(2022);
    const planKey = Object.keys(input.plans)[0]!;
    input.plans[planKey] = { activities, indicators: [] };
    const department = await env.client.workflow.start(followUpDepartment, {
      workflowId: 'follow-up-forskola',
      taskQueue: h.taskQueue,
      args: [{ ...input, untilYear: 2022 }],
    });

    await h.sleepUntil('2022-04-11T10:00:00+02:00', shift);
    const requests = h.messages({ kind: 'statusRequest', keyPrefix: 'status:T1:2022' });
    expect(requests.map((m) => `${m.activityId} ${m.at} ${m.recipients.sort().join(',')}`).sort()).toEqual([
      '2c569654cf7d 2022-04-11T06:00:00.000Z rut-rektor,sven-rektor',
      'a5a39c2602d3 2022-04-11T06:00:00.000Z paula-pedagog',
      'd3f5fe33dd8a 2022-04-11T06:00:00.000Z stina-stod',
    ]);
    // The lifecycles asked; the cycle does not ask the same people again.
    expect(h.messages({ workflowId: 'cycle-forskola-2022-T1', kind: 'statusRequest' })).toHaveLength(0);
    const cycle = env.client.workflow.getHandle<(i: unknown) => Promise<CycleOutcome>>('cycle-forskola-2022-T1');
    const opened = await cycle.query(cycleStateQuery);
    expect(opened).toMatchObject({
      phase: 'open',
      occasion: { openAt: '2022-04-11T06:00:00.000Z', closeAt: '2022-05-04T06:00:00.000Z', due: '2022-05-03' },
    });
    expect(opened.activityIds.sort()).toEqual([...chosen].sort());

    // Rejected tokens: clear pages, nothing recorded.
    const rut = token('rut-rektor', { activities: ['2c569654cf7d'] });
    const [payload, sig] = rut.split('.') as [string, string];
    const forged = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), a: ['a5a39c2602d3'] }),
    ).toString('base64url');
    const tampered = await h.app.inject(`/status/${forged}.${sig}`);
    expect(tampered.statusCode).toBe(400);
    expect(tampered.body).toContain('Länken är ogiltig');
    const tamperedPost = await h.post(`${forged}.${sig}`, {
      submission: submission('t'),
      activity: 'a5a39c2602d3',
      status: 'done',
    });
    expect(tamperedPost.statusCode).toBe(400);
    const expired = token('rut-rektor', { activities: ['2c569654cf7d'] }, new Date(Date.now() - 1000).toISOString());
    expect((await h.app.inject(`/status/${expired}`)).body).toContain('Länken har gått ut');
    expect(
      (await h.post(expired, { submission: submission('e'), activity: '2c569654cf7d', status: 'done' })).statusCode,
    ).toBe(410);
    const notHers = token('rut-rektor', { activities: ['a5a39c2602d3'] });
    const notHersPage = await h.app.inject(`/status/${notHers}`);
    expect(notHersPage.statusCode).toBe(403);
    expect(notHersPage.body).toContain('inte ansvarig för aktiviteten');
    expect(
      (await h.post(notHers, { submission: submission('n'), activity: 'a5a39c2602d3', status: 'done' })).statusCode,
    ).toBe(403);
    expect(await reportsIn('a5a39c2602d3')).toHaveLength(0);
    expect(await reportsIn('2c569654cf7d')).toHaveLength(0);

    // Rut answers from the email link: a Swedish page, four status buttons; the form submitted twice records once.
    const page = await h.app.inject(`/status/${rut}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<html lang="sv">');
    for (const label of ['Klar', 'Pågår', 'Försenad', 'Ej påbörjad']) expect(page.body).toContain(`>${label}</button>`);
    const rutForm = {
      submission: submission('rut'),
      activity: '2c569654cf7d',
      status: 'inProgress',
      comment: 'Samtal pågår på alla enheter',
    };
    const first = await h.post(rut, rutForm);
    expect(first.statusCode).toBe(200);
    expect(first.body).toContain('Tack');
    expect((await h.post(rut, rutForm)).statusCode).toBe(200);
    expect(await reportsIn('2c569654cf7d')).toHaveLength(1);

    // Paula answers from the cycle's link: only her activity is on it; Försenad needs a date.
    const paula = token('paula-pedagog', { cycle: 'cycle-forskola-2022-T1' });
    const paulaPage = await h.app.inject(`/status/${paula}`);
    expect(paulaPage.body).toContain('Utbildning genom Mediateket.');
    expect(paulaPage.body).not.toContain('Utbildning av Förskolestöd');
    const noDate = await h.post(paula, { submission: submission('p1'), activity: 'a5a39c2602d3', status: 'late' });
    expect(noDate.statusCode).toBe(400);
    expect(noDate.body).toContain('Försenad kräver ett nytt föreslaget datum');
    expect(await reportsIn('a5a39c2602d3')).toHaveLength(0);
    const late = await h.post(paula, {
      submission: submission('p2'),
      activity: 'a5a39c2602d3',
      status: 'late',
      proposedDate: '2022-10-31',
      comment: '- Mediateket <stängt> i vår',
    });
    expect(late.statusCode).toBe(200);
    expect(await reportsIn('a5a39c2602d3')).toHaveLength(1);

    await h.sleepUntil('2022-05-04T10:00:00+02:00', shift);
    // Reminders only to the one who has not answered, on 04-28.
    const reminders = h.messages({ keyPrefix: 'status:T1:2022:reminder' });
    expect(reminders.map((m) => `${m.activityId} ${m.localDate} ${m.recipients.join(',')}`)).toEqual([
      'd3f5fe33dd8a 2022-04-28 stina-stod',
    ]);
    // At the due date the avdelningschef gets the non-responder list, and the report goes to her and HR.
    const escalations = h.messages({ workflowId: 'cycle-forskola-2022-T1', kind: 'escalation' });
    expect(escalations.map((m) => `${m.activityId} ${m.localDate} ${m.recipients.join(',')}`)).toEqual([
      'd3f5fe33dd8a 2022-05-04 anna-avdelning',
    ]);
    expect(escalations[0]!.reason).toContain('Stina Stöd');
    const reportMessages = h.messages({ workflowId: 'cycle-forskola-2022-T1', kind: 'report' as never });
    expect(reportMessages.map((m) => m.recipients.sort().join(','))).toEqual(['anna-avdelning,helena-hr']);

    const outcome = await h.outcome('cycle-forskola-2022-T1');
    expect(outcome.nonResponders).toEqual([
      { activityId: 'd3f5fe33dd8a', activityText: expect.stringContaining('Förskolestöd'), owners: ['Stina Stöd'] },
    ]);
    expect(outcome.totals).toMatchObject({ activities: 3, reported: 2, notReported: 1 });

    const html = readFileSync(outcome.files.html, 'utf8');
    const row = (id: string) => html.match(new RegExp(`<tr data-activity="${id}"[^]*?</tr>`))?.[0] ?? '';
    expect(row('2c569654cf7d')).toMatch(/Pågår[^]*Samtal pågår på alla enheter[^]*Rut Rektor, 2022-04-1/);
    expect(row('a5a39c2602d3')).toMatch(/Försenad[^]*- Mediateket &lt;stängt&gt; i vår[^]*Nytt datum: 2022-10-31/);
    expect(row('d3f5fe33dd8a')).toContain('class="not-reported"');
    expect(row('d3f5fe33dd8a')).toContain('Ej rapporterad');
    expect(html).not.toContain('<stängt>');
    expect(html).toContain('grön = minst 80 %');

    const sheet = await excelRows(outcome.files.xlsx, 'Avdelning förskola');
    const header = sheet.find((r) => r[0] === 'Avsnitt')!;
    const col = (name: string) => header.indexOf(name);
    const byText = (text: string) => sheet.find((r) => r[col('Aktivitet')]?.startsWith(text))!;
    expect(byText('Intern kompetensutveckling')[col('Status')]).toBe('Pågår');
    expect(byText('Intern kompetensutveckling')[col('Ansvarig')]).toBe('Rut Rektor, Sven Rektor');
    expect(byText('Utbildning genom Mediateket')[col('Status')]).toBe('Försenad');
    expect(byText('Utbildning genom Mediateket')[col('Kommentar')]).toBe("'- Mediateket <stängt> i vår");
    expect(byText('Utbildning genom Mediateket')[col('Nytt datum')]).toBe('2022-10-31');
    expect(byText('Utbildning av Förskolestöd')[col('Status')]).toBe('Ej rapporterad');
    expect(
      sheet.filter((r) => r[col('Ej rapporterat')] === 'Ja').map((r) => r[col('Aktivitet')]?.slice(0, 26)),
    ).toEqual(['Utbildning av Förskolestöd']);
    const summary = await excelRows(outcome.files.xlsx, 'Förvaltningen');
    // Totalt: 3 activities, 0 Klar, 1 Pågår, 1 Försenad, 0 Ej påbörjad, 1 ej rapporterad; 1 of 3 in time → röd.
    expect(summary.find((r) => r[2] === 'Totalt')?.slice(3)).toEqual([
      '3',
      '0',
      '1',
      '1',
      '0',
      '1',
      '0',
      String(1 / 3),
      'röd',
    ]);

    // Replaying the cycle's link after it closed: refused, nothing recorded.
    const replay = await h.post(paula, { submission: submission('p3'), activity: 'a5a39c2602d3', status: 'done' });
    expect(replay.statusCode).toBe(410);
    expect(replay.body).toContain('Uppföljningen är stängd');
    expect(await reportsIn('a5a39c2602d3')).toHaveLength(1);

    // A late answer still reaches the activity (its own link) and is a correction in tertial 2's report.
    await h.sleepUntil('2022-05-10T10:00:00+02:00', shift);
    const stina = token('stina-stod', { activities: ['d3f5fe33dd8a'] });
    expect(
      (
        await h.post(stina, {
          submission: submission('s'),
          activity: 'd3f5fe33dd8a',
          status: 'inProgress',
          comment: 'Startade i maj',
        })
      ).statusCode,
    ).toBe(200);
    // Tertial 2 förskola: opens Mon 08-15, due Fri 09-02, closes Mon 2022-09-05 08:00.
    await h.sleepUntil('2022-09-05T10:00:00+02:00', shift);
    const t2 = await h.outcome('cycle-forskola-2022-T2');
    const t2html = readFileSync(t2.files.html, 'utf8');
    expect(t2html).toMatch(/Sent svar efter Tertial 1 2022, 2022-05-10 av Stina Stöd: Pågår – Startade i maj/);
    expect(await department.query(followUpStartedQuery)).toEqual(['cycle-forskola-2022-T1', 'cycle-forskola-2022-T2']);
    await department.terminate('test done');
    for (const id of chosen)
      await env.client.workflow
        .getHandle(lifecycleWorkflowId(id))
        .terminate('test done')
        .catch(() => undefined);
  });

  it('the seed verksamhetsplan, VB 2020: every indicator with Periodicitet År is asked for once; the report lists each value beside its Årsmål', async () => {
    // VB (rules.yaml): opens 12-01, due 01-20 next year, remind 5 wd before.
    //  opens Tue 2020-12-01 08:00 CET = 07:00Z; reminder: 01-19, 01-18, 01-15, 01-14, 01-13 → Wed 2021-01-13;
    //  closes Thu 2021-01-21 08:00 = 07:00Z. Indicators go to the unit head of Resursenheten: Erik Resurs.
    const shift = await h.shiftFor('2020-11-20T09:00:00+01:00');
    const input = followUpInputs(verksamhetsplan, h.rulesFile, new Date(await env.currentTimeMs()), shift)[0]!;
    const { activities, indicators } = Object.values(input.plans)[0]!;
    expect(indicators.filter((i) => i.periodicityRaw === 'År')).toHaveLength(5);
    for (const a of activities) await h.launchLifecycle(a, shift);
    const vb = planCycles({
      department: input.department,
      year: 2020,
      activities,
      indicators,
      rules: input.rules,
      timeShiftMs: shift,
    }).find((c) => c.occasion.period === 'VB')!;
    expect(vb.cycleId).toBe('cycle-forskola-2020-VB');
    expect(vb.indicators).toHaveLength(5);
    const cycle = await env.client.workflow.start(followUpCycle, {
      workflowId: vb.cycleId,
      taskQueue: h.taskQueue,
      args: [vb],
    });

    await h.sleepUntil('2020-12-01T10:00:00+01:00', shift);
    const asked = h.messages({ workflowId: vb.cycleId, keyPrefix: 'indicator:VB:2020:' });
    expect(asked).toHaveLength(5);
    expect(new Set(asked.map((m) => m.activityId)).size).toBe(5);
    expect(
      asked.every(
        (m) =>
          m.kind === 'statusRequest' && m.at === '2020-12-01T07:00:00.000Z' && m.recipients.join() === 'erik-resurs',
      ),
    ).toBe(true);

    const byName = (start: string) => indicators.find((i) => i.name.startsWith(start))!;
    const erik = token('erik-resurs', { cycle: vb.cycleId });
    const page = await h.app.inject(`/status/${erik}`);
    expect(page.body).toContain('Indikator: Klimatpåverkan från upphandlade livsmedel');
    const form = {
      submission: submission('klimat'),
      indicator: byName('Klimatpåverkan').id,
      value: '1,8',
      comment: 'Mindre kött i menyn',
    };
    expect((await h.post(erik, form)).statusCode).toBe(200);
    expect((await h.post(erik, form)).statusCode).toBe(200); // twice: records once
    const values: [string, string][] = [
      ['Andelen vårdnadshavare', '92 %'],
      ['Självvärdering', '3,4'],
      ['Relativ energieffektivisering', '2,5 %'],
    ];
    for (const [name, value] of values) {
      await cycle.executeUpdate(reportIndicator, {
        args: [
          {
            submissionId: submission(name.slice(0, 5)),
            indicatorId: byName(name).id,
            value,
            personId: 'erik-resurs',
            name: 'Erik Resurs',
          },
        ],
      });
    }
    const state = await cycle.query(cycleStateQuery);
    expect(Object.keys(state.values)).toHaveLength(4);

    await h.sleepUntil('2021-01-21T10:00:00+01:00', shift);
    const missing = byName('Totalt köpt energi');
    expect(
      h
        .messages({ workflowId: vb.cycleId, keyPrefix: 'indicator:VB:2020:reminder' })
        .map((m) => `${m.activityId} ${m.localDate}`),
    ).toEqual([`indikator-${missing.id} 2021-01-13`]);
    expect(
      h.messages({ workflowId: vb.cycleId, keyPrefix: 'indicator:VB:2020:' }).filter((m) => m.kind === 'statusRequest'),
    ).toHaveLength(5);
    const outcome = await h.outcome(vb.cycleId);
    expect(outcome.missingIndicators).toEqual([missing.id]);
    expect(outcome.totals).toMatchObject({ indicators: 5, indicatorsReported: 4 });
    expect(
      h
        .messages({ workflowId: vb.cycleId, kind: 'escalation' })
        .some((m) => m.activityId === `indikator-${missing.id}` && m.recipients.join() === 'anna-avdelning'),
    ).toBe(true);

    const html = readFileSync(outcome.files.html, 'utf8');
    expect(html).toMatch(
      /Klimatpåverkan från upphandlade livsmedel och måltider<\/td><td class="value">1,8<\/td><td>1,9<\/td><td>1,9 kg CO2 per kg livsmedel<\/td>/,
    );
    expect(html).toMatch(
      /Totalt köpt energi i stadens verksamheter<\/td><td class="value"><strong>Ej rapporterad<\/strong><\/td><td>3,3 GWh<\/td><td>1945 GWh<\/td>/,
    );
    const sheet = await excelRows(outcome.files.xlsx, 'Avdelning förskola');
    const klimat = sheet.find((r) => r[1]?.startsWith('Klimatpåverkan'))!;
    expect(klimat.slice(1, 5)).toEqual([
      'Klimatpåverkan från upphandlade livsmedel och måltider',
      '1,8',
      '1,9',
      '1,9 kg CO2 per kg livsmedel',
    ]);
    for (const a of activities)
      await env.client.workflow
        .getHandle(lifecycleWorkflowId(a.id))
        .terminate('test done')
        .catch(() => undefined);
  });

  it('VB 2022 over the whole stadsutveckling department, Löpande activities included', async () => {
    // VB opens Thu 2022-12-01 08:00 CET; due Fri 2023-01-20; closes Mon 2023-01-23 08:00 = 07:00Z.
    // All 8 activities have cadence tertial (T1, T2), so no lifecycle asks for the VB: the cycle asks
    // each one's owners itself. Fia Fritid (enhetschef) answers both Löpande ones Pågår; Bertil
    // Avdelning (avdelningschef) answers 3da9b01d3483 Klar; the other five are reported to him.
    const shift = await h.shiftFor('2022-11-25T09:00:00+01:00');
    const input = followUpInputs(kompetensplan, h.rulesFile, new Date(await env.currentTimeMs()), shift).find(
      (i) => i.department === 'stadsutveckling',
    )!;
    const { activities } = Object.values(input.plans)[0]!;
    expect(activities).toHaveLength(8);
    const lopande = activities.filter((a) => a.deadlineRaw === 'Löpande').map((a) => a.id);
    expect(lopande).toEqual(['f819d66c6560', 'd17615e72ea1']);
    for (const a of activities) await h.launchLifecycle(a, shift);
    const department = await env.client.workflow.start(followUpDepartment, {
      workflowId: 'follow-up-stadsutveckling',
      taskQueue: h.taskQueue,
      args: [input],
    });

    await h.sleepUntil('2022-12-01T10:00:00+01:00', shift);
    const requests = h.messages({ workflowId: 'cycle-stadsutveckling-2022-VB', kind: 'statusRequest' });
    expect(requests.map((m) => m.activityId).sort()).toEqual(activities.map((a) => a.id).sort());
    expect(
      requests.filter((m) => lopande.includes(m.activityId)).every((m) => m.recipients.join() === 'fia-fritid'),
    ).toBe(true);

    const fia = token('fia-fritid', { cycle: 'cycle-stadsutveckling-2022-VB' });
    for (const id of lopande)
      expect(
        (
          await h.post(fia, {
            submission: submission(id),
            activity: id,
            status: 'inProgress',
            comment: 'Pågår hela året',
          })
        ).statusCode,
      ).toBe(200);
    const bertil = token('bertil-avdelning', { cycle: 'cycle-stadsutveckling-2022-VB' });
    expect(
      (
        await h.post(bertil, {
          submission: submission('b'),
          activity: '3da9b01d3483',
          status: 'done',
          confirmed: '1',
        })
      ).statusCode,
    ).toBe(200);

    await h.sleepUntil('2023-01-23T10:00:00+01:00', shift);
    const outcome = await h.outcome('cycle-stadsutveckling-2022-VB');
    expect(outcome.closedAt.slice(0, 16)).toBe('2023-01-23T07:00');
    expect(outcome.totals).toMatchObject({ activities: 8, reported: 3, notReported: 5 });
    expect(
      h.messages({ workflowId: 'cycle-stadsutveckling-2022-VB', kind: 'escalation' }).map((m) => m.recipients.join()),
    ).toEqual(Array(5).fill('bertil-avdelning'));
    const sheet = await excelRows(outcome.files.xlsx, 'Avdelning stadsutveckling');
    const header = sheet.find((r) => r[0] === 'Avsnitt')!;
    const rows = sheet.filter((r) => r.length > 8 && r !== header && r[1] !== 'Summa avsnitt');
    expect(rows).toHaveLength(8);
    const lop = rows.filter((r) => r[header.indexOf('Måldatum')] === 'Löpande');
    expect(lop.map((r) => [r[header.indexOf('Status')], r[header.indexOf('Försenad')]])).toEqual([
      ['Pågår', 'Nej'],
      ['Pågår', 'Nej'],
    ]);
    // The five unanswered have deadline 2022-12-31, before the due date: not reported and overdue.
    const unanswered = rows.filter((r) => r[header.indexOf('Ej rapporterat')] === 'Ja');
    expect(unanswered.map((r) => r[header.indexOf('Försenad')])).toEqual(Array(5).fill('Ja'));
    expect(rows.find((r) => r[header.indexOf('Status')] === 'Klar')?.[header.indexOf('Rapporterad av')]).toBe(
      'Bertil Avdelning',
    );
    await department.terminate('test done');
    for (const a of activities)
      await env.client.workflow
        .getHandle(lifecycleWorkflowId(a.id))
        .terminate('test done')
        .catch(() => undefined);
  });
});
