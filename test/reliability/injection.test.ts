/**
 * Hostile plan text and names through every output Planvakt makes: email (over real SMTP), the
 * Teams notification and the channel's Adaptive Card (over HTTP), the Utkorg, the follow-up report
 * (HTML and Excel), the simulation preview (CSV and HTML), and the web app's pages on a real
 * Temporal dev server. Each hostile string is the activity text, the goal, the department or unit
 * name and a person's name at once; each output is judged against the same output made with
 * harmless text.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { planId } from '../../src/lifecycle/from-plan';
import { DEV_CHECKIN_SECRET, signCheckinToken } from '../../src/checkin/token';
import { channelsFromEnv, closeChannels } from '../../src/delivery/channels';
import { DevOutbox, readOutboxFile, type OutboxEntry } from '../../src/delivery/dev-sink';
import { MemoryDeliveryLedger } from '../../src/delivery/ledger';
import type { Channel, Message } from '../../src/delivery/message';
import { sendMessage } from '../../src/delivery/send';
import { planToYaml, type Plan } from '../../src/plan';
import { workbookBuffer } from '../../src/follow-up/report/excel';
import { renderReportHtml } from '../../src/follow-up/report/html';
import { buildDepartmentReport, type ReportInput } from '../../src/follow-up/report/model';
import { formatCsv, formatHtml } from '../../src/simulate/format';
import { recipientLabel, type Simulation } from '../../src/simulate/simulate';
import { renderOutboxPage } from '../../src/web/outbox-page';
import { item, message } from '../delivery/fixtures';
import { Session, startWebHarness, waitForCount } from '../helpers/web-app';
import { cardProblems, csvProblems, htmlProblems, norm, workbookProblems } from './inert';
import { recordReliability } from './record';

/** What a planner, HR or a hostile insider could put in a cell, a name or a file. */
const HOSTILE: readonly string[] = [
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "'><svg onload=alert(1)>",
  '</textarea></title><script>alert(2)</script>',
  '<a href="javascript:alert(1)">klicka</a>',
  '{{x}}',
  '${x}',
  '{{DATE(2017-02-14T06:08:39Z, SHORT)}}',
  '*bold* [länk](javascript:alert(1))',
  '# Rubrik\n- punkt\n1. lista',
  '"}],"actions":[{"type":"Action.OpenUrl","url":"https://evil.example"}]',
  '=HYPERLINK("http://evil.example","x")',
  '+1+1',
  '-2+3',
  '@SUM(A1)',
  '\t=1',
  '\r=1',
  "=cmd|' /C calc'!A0",
  'x\r\nBcc: evil@evil.example',
  'x\nX-Injected: 1\n\n<b>kropp</b>',
  'a & b &amp; &lt;b&gt;',
];
const BENIGN = 'Vanlig text';

/** One problem list per hostile string and output; empty when the text stayed text. */
const results: { output: string; hostile: string; problems: string[] }[] = [];
function judged(output: string, hostile: string, problems: string[]) {
  results.push({ output, hostile, problems });
}

// --- Messages over the real channels ----------------------------------------------------------------

const PERSON_EMAIL = 'anna.andersson@kommun.se';

function hostileMessage(text: string, channel: Channel): Message {
  return message({
    channel,
    recipient:
      channel === 'teamsChannel'
        ? { id: 'forskola', name: text }
        : { id: 'p-anna', name: text, email: PERSON_EMAIL, teamsUserId: '11111111-2222-3333-4444-555555555555' },
    items: [item({ activityText: text, goal: text, department: text, reason: text })],
    municipality: text,
  });
}

/** The three channels' messages for one text, delivered to a fresh dev outbox, and its Utkorg page. */
async function deliverAll(dir: string, text: string, n: number) {
  const file = join(dir, `outbox-${n}.jsonl`);
  const outbox = await DevOutbox.start({ file });
  const channels = channelsFromEnv(outbox.env);
  const ledger = new MemoryDeliveryLedger();
  for (const channel of ['email', 'teams', 'teamsChannel'] as const)
    await sendMessage(hostileMessage(text, channel), channels, ledger);
  await closeChannels(channels);
  await outbox.stop();
  const entries = await readOutboxFile(file);
  const byChannel = (c: Channel) => entries.find((e) => e.channel === c)!;
  const page = await renderOutboxPage({ outbox: file, undeliverable: join(dir, 'none.jsonl'), devOutbox: true });
  return { email: byChannel('email'), teams: byChannel('teams'), card: byChannel('teamsChannel'), page };
}

function headerProblems(mail: OutboxEntry, baseline: OutboxEntry): string[] {
  const problems: string[] = [];
  const names = (e: OutboxEntry) =>
    Object.keys(e.headers ?? {})
      .sort()
      .join(',');
  if (names(mail) !== names(baseline)) problems.push(`headers ${names(mail)} against ${names(baseline)}`);
  if (/[\r\n]/.test(mail.subject)) problems.push(`line break in the subject: ${JSON.stringify(mail.subject)}`);
  const to = JSON.parse(mail.headers?.to ?? '{}') as { value?: { address?: string }[] };
  const addresses = (to.value ?? []).map((a) => a.address);
  if (JSON.stringify(addresses) !== JSON.stringify([PERSON_EMAIL]))
    problems.push(`recipients ${JSON.stringify(addresses)}`);
  return problems;
}

function notificationProblems(entry: OutboxEntry, baseline: OutboxEntry, text: string): string[] {
  const problems: string[] = [];
  const shape = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(shape)
      : v && typeof v === 'object'
        ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, shape(x)]))
        : typeof v;
  if (JSON.stringify(shape(entry.notification)) !== JSON.stringify(shape(baseline.notification)))
    problems.push('the notification has another shape');
  const strings: string[] = [];
  JSON.stringify(entry.notification, (_k, v: unknown) => (typeof v === 'string' && strings.push(v), v));
  for (const s of strings) if (/[\u0000-\u001f]/.test(s)) problems.push(`control character in ${JSON.stringify(s)}`);
  const title = entry.notification?.templateParameters.find((p) => p.name === 'title')?.value ?? '';
  if (!title.startsWith(norm(text).slice(0, 100))) problems.push(`title ${JSON.stringify(title)}`);
  return problems;
}

// --- The follow-up report and the simulation preview -------------------------------------------

function reportInput(text: string): ReportInput {
  const at = '2022-04-20T08:00:00Z';
  return {
    cycleId: 'cycle-forskola-2022-T1',
    department: 'forskola',
    departmentName: text,
    occasion: { period: 'T1', id: 'T1:2022', label: 'Tertial 1 2022', requestOn: '2022-04-11', due: '2022-05-03' },
    closedAt: '2022-05-04T06:00:00Z',
    activities: [
      {
        activity: { id: 'a1', section: text, goal: text, text, deadline: '2022-12-31', deadlineRaw: text },
        owners: [text],
        answer: { status: 'late', comment: text, proposedDate: '2022-10-31', by: text, at },
      },
      { activity: { id: 'a2', section: text, goal: text, text, deadlineRaw: text }, owners: [text] },
    ],
    indicators: [
      {
        indicator: {
          id: 'i1',
          section: text,
          goal: text,
          name: text,
          annualTarget: text,
          kfAnnualTarget: text,
          periodicityRaw: text,
        },
        owners: [text],
        value: { value: text, comment: text, by: text, at },
      },
    ],
  };
}

function simulation(text: string): Simulation {
  const m = (key: string): Simulation['messages'][number] => ({
    workflowId: 'activity-a',
    activityId: 'a',
    key,
    kind: 'reminder',
    to: 'owners',
    at: '2022-12-02T07:00:00.000Z',
    localDate: '2022-12-02',
    reason: text,
    recipients: [recipientLabel(text, 'Enhetschef'), text],
    channel: 'email',
    activity: {
      id: 'a',
      plan: 'p',
      department: text,
      section: text,
      goal: text,
      text,
      deadlineRaw: text,
      milestones: [],
      owners: [],
      cadences: [],
      followUp: text,
      source: { file: 'f', line: 1 },
    },
  });
  return { activities: 1, refused: [], messages: [m('k1'), m('k2')] };
}

// --- The web app ------------------------------------------------------------------------------

/** A plan.yaml as HR could upload it: one activity per text, the text also as goal, section and department name. */
function planWith(title: string, department: string, texts: readonly string[], idPrefix: string): Plan {
  const source = { file: `${idPrefix}.yaml`, line: 1 };
  return {
    kind: 'kompetensforsorjningsplan',
    title,
    file: `${idPrefix}.yaml`,
    defaultCadences: ['tertial'],
    departments: [
      {
        id: department,
        name: texts[0]!,
        sections: texts.map((t, i) => ({
          name: t,
          kinds: [],
          source,
          goals: [
            {
              level: 'goal',
              text: t,
              source,
              indicators: [],
              activities: [
                {
                  id: `${idPrefix}-${String(i).padStart(2, '0')}`,
                  text: t,
                  deadline: { kind: 'date', date: '2022-12-31', checkpoints: [], raw: t },
                  owners: [{ role: 'enhetschef', raw: t }],
                  ownersRaw: t,
                  milestones: [],
                  followUp: t,
                  cadences: [],
                  notes: [t],
                  source,
                },
              ],
            },
          ],
        })),
      },
    ],
  };
}

interface OrgYaml {
  departments: { id: string; name: string; units: { id: string; name: string }[] }[];
  people: { id: string; name: string; email: string; roles: { role: string; department?: string }[] }[];
}

/** The organisation with förskola, a unit of it and one enhetschef per text named by the text; a harmless one in äldreomsorg. */
function hostileOrganisation(yaml: string): string {
  const org = parse(yaml) as OrgYaml;
  const forskola = org.departments.find((d) => d.id === 'forskola')!;
  forskola.name = HOSTILE[0]!;
  HOSTILE.forEach((t, i) => forskola.units.push({ id: `fientlig-enhet-${i}`, name: t }));
  HOSTILE.forEach((t, i) =>
    org.people.push({
      id: `fientlig-${i}`,
      name: t,
      email: `fientlig${i}@exempel.se`,
      roles: [{ role: 'enhetschef', department: 'forskola' }],
    }),
  );
  org.people.push({
    id: 'vanlig-person',
    name: BENIGN,
    email: 'vanlig@exempel.se',
    roles: [{ role: 'enhetschef', department: 'aldreomsorg' }],
  });
  return stringify(org);
}

async function webPages() {
  const h = await startWebHarness({ checkin: true });
  try {
    const hr = await new Session(h.app).signIn('hanna-hrchef');
    const hostilePlan = planWith('Kompetensförsörjningsplan fientlig 2022', 'forskola', HOSTILE, 'fientlig');
    const benignPlan = planWith(
      'Kompetensförsörjningsplan vanlig 2022',
      'aldreomsorg',
      HOSTILE.map(() => BENIGN),
      'vanlig',
    );
    const imported = async (plan: Plan) => {
      const form = await hr.get('/importera');
      const preview = await hr.upload(
        '/importera',
        { _csrf: Session.csrf(form.body) },
        { field: 'plan', name: plan.file, content: planToYaml(plan) },
      );
      expect(preview.statusCode, preview.body.slice(0, 500)).toBe(200);
      const pending = /name="pending" value="([^"]+)"/.exec(preview.body)![1]!;
      expect((await hr.post('/importera/bekrafta', { _csrf: Session.csrf(preview.body), pending })).statusCode).toBe(
        200,
      );
      await waitForCount(h.env, `PlanvaktPlan = '${planId(plan)}' AND ExecutionStatus = 'Running'`, HOSTILE.length);
      return preview.body;
    };
    // The harmless plan first, so the pages that list everything have a twin without any hostile text.
    const benignPreview = await imported(benignPlan);
    const loginBefore = (await new Session(h.app).get('/logga-in')).body;
    const dashboardBefore = (await hr.get('/?avdelning=aldreomsorg')).body;
    writeFileSync(
      join(h.configDir, 'organisation.yaml'),
      hostileOrganisation(readFileSync(join(h.configDir, 'organisation.yaml'), 'utf8')),
    );
    const hostilePreview = await imported(hostilePlan);

    // Each hostile enhetschef reports on "their" activity with the text as comment, from the check-in link.
    const expires = new Date(Date.now() + 3_600_000).toISOString();
    const ids = (prefix: string) => HOSTILE.map((_, i) => `${prefix}-${String(i).padStart(2, '0')}`);
    const checkin = async (person: string, activities: string[]) =>
      (await h.app.inject(`/status/${signCheckinToken(DEV_CHECKIN_SECRET, { person, activities, expires })}`)).body;
    const post = (person: string, activity: string, comment: string, n: string) =>
      h.app.inject({
        method: 'POST',
        url: `/status/${signCheckinToken(DEV_CHECKIN_SECRET, { person, activities: [activity], expires })}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({
          submission: `injektion-${n}`,
          activity,
          status: 'inProgress',
          comment,
        }).toString(),
      });
    for (const [i, t] of HOSTILE.entries())
      expect((await post(`fientlig-${i}`, ids('fientlig')[i]!, t, `f${i}`)).statusCode).toBe(200);
    expect((await post('vanlig-person', ids('vanlig')[0]!, BENIGN, 'v0')).statusCode).toBe(200);

    const benignActivity = (await hr.get(`/aktivitet/${ids('vanlig')[0]}`)).body;
    const pages = {
      login: (await new Session(h.app).get('/logga-in')).body,
      dashboard: (await hr.get('/?avdelning=forskola')).body,
      // Översikt's export of the hostile avdelning: every activity of it, from all pages.
      overviewXlsx: (await hr.get('/oversikt.xlsx?avdelning=forskola')).rawPayload,
      overviewCsv: (await hr.get('/oversikt.csv?avdelning=forskola')).body.replace(/^\uFEFF/, ''),
      preview: hostilePreview,
      checkin: await checkin('fientlig-0', ids('fientlig')),
      activities: await Promise.all(ids('fientlig').map(async (id) => (await hr.get(`/aktivitet/${id}`)).body)),
    };
    const baselines = {
      login: loginBefore,
      dashboard: dashboardBefore,
      preview: benignPreview,
      checkin: await checkin('vanlig-person', ids('vanlig')),
      activity: benignActivity,
    };
    return { pages, baselines };
  } finally {
    await h.stop();
  }
}

// --- The test ---------------------------------------------------------------------------------

describe('hostile text in every output', () => {
  it('stays text: no live markup, no injected card action or header, no formula', async () => {
    await recordReliability(
      {
        id: '05-injection',
        test: 'Injektion: planens text är ofarlig i e-post, kort, sidor och arbetsböcker (injection: plan text is inert in email, cards, pages and workbooks)',
        file: 'test/reliability/injection.test.ts',
      },
      async (r) => {
        const dir = await mkdtemp(join(tmpdir(), 'planvakt-injection-'));
        try {
          const base = await deliverAll(dir, BENIGN, -1);
          const baseReport = buildDepartmentReport(reportInput(BENIGN));
          const baseSimulation = simulation(BENIGN);
          for (const [n, text] of HOSTILE.entries()) {
            const got = await deliverAll(dir, text, n);
            judged('e-post (HTML)', text, htmlProblems(got.email.html ?? '', base.email.html ?? '', text));
            judged(
              'e-post (text)',
              text,
              norm(got.email.text ?? '').includes(norm(text)) ? [] : ['the text part lacks the text'],
            );
            judged('e-post (rubriker)', text, headerProblems(got.email, base.email));
            judged('Teams-avisering (Graph)', text, notificationProblems(got.teams, base.teams, text));
            judged(
              'Teams-kanal (Adaptive Card)',
              text,
              cardProblems(JSON.stringify(got.card.card), JSON.stringify(base.card.card), text),
            );
            judged('Utkorg', text, htmlProblems(got.page, base.page, text));

            const report = buildDepartmentReport(reportInput(text));
            judged(
              'uppföljningsrapport (HTML)',
              text,
              htmlProblems(renderReportHtml(report), renderReportHtml(baseReport), text),
            );
            judged('uppföljningsrapport (Excel)', text, await workbookProblems(await workbookBuffer([report]), text));
            const sim = simulation(text);
            judged('förhandsvisning (CSV)', text, csvProblems(formatCsv(sim), { rows: 3, columns: 7 }, text));
            judged(
              'förhandsvisning (HTML)',
              text,
              htmlProblems(formatHtml(sim, text), formatHtml(baseSimulation, BENIGN), text),
            );
          }

          const web = await webPages();
          for (const [i, text] of HOSTILE.entries()) {
            judged('webb: inloggning', text, htmlProblems(web.pages.login, web.baselines.login, text));
            judged('webb: översikt', text, htmlProblems(web.pages.dashboard, web.baselines.dashboard, text));
            judged('webb: översikt, export (Excel)', text, await workbookProblems(web.pages.overviewXlsx, text));
            judged(
              'webb: översikt, export (CSV)',
              text,
              csvProblems(web.pages.overviewCsv, { rows: HOSTILE.length + 1, columns: 7, separator: ';' }, text),
            );
            judged('webb: importförhandsvisning', text, htmlProblems(web.pages.preview, web.baselines.preview, text));
            judged('webb: aktivitetssida', text, htmlProblems(web.pages.activities[i]!, web.baselines.activity, text));
            judged('webb: incheckning', text, htmlProblems(web.pages.checkin, web.baselines.checkin, text));
          }
        } finally {
          await rm(dir, { recursive: true, force: true });
        }

        const outputs = new Set(results.map((x) => x.output));
        const active = results.filter((x) => x.problems.length > 0);
        r.size = `${HOSTILE.length} fientliga strängar × ${outputs.size} utdata (${results.length} kontroller)`;
        r.result = `${active.length} aktiva`;
        expect(active.map((x) => `${x.output} ← ${JSON.stringify(x.hostile)}: ${x.problems.join('; ')}`)).toEqual([]);
        expect(results).toHaveLength(HOSTILE.length * outputs.size);
      },
    );
  }, 240_000);
});
