import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lifecycleWorkflowId } from '../../src/domain/workflow-ids';
import { nextEventQuery, stateQuery, toLifecycleActivity } from '../../src/lifecycle';
import { calendarToken } from '../../src/web/app/calendar';
import { parsePlan, placedActivities, planToYaml } from '../../src/plan';
import { seedPlanPath, Session, startWebHarness, waitForCount, type WebHarness } from '../helpers/web-app';

const seed = readFileSync(seedPlanPath, 'utf8');
const PLAN = `PlanvaktPlan = 'kompetensforsorjningsplan-2021-2023' AND ExecutionStatus = 'Running'`;
let h: WebHarness;
let hr: Session;
let anna: Session;

beforeAll(async () => {
  h = await startWebHarness();
  hr = await new Session(h.app).signIn('hanna-hrchef');
  anna = await new Session(h.app).signIn('anna-avdelning');
}, 120_000);
afterAll(async () => {
  await h?.stop();
});

/** A förskola activity whose next event is a reminder before its Måldatum. */
async function reminderActivity(): Promise<string> {
  for await (const wf of h.env.client.workflow.list({ query: `${PLAN} AND PlanvaktDepartment = 'forskola'` })) {
    const next = await h.env.client.workflow.getHandle(wf.workflowId).query(nextEventQuery);
    if (next?.kind === 'reminder' && /^påminnelse 5 arbetsdagar/.test(next.reason))
      return wf.workflowId.replace(/^activity-/, '');
  }
  throw new Error('no förskola activity with a reminder next');
}

/** An activity id of a department, from visibility. */
async function activityOf(department: string): Promise<string> {
  for await (const wf of h.env.client.workflow.list({
    query: `${PLAN} AND PlanvaktDepartment = '${department}' AND PlanvaktDeadline >= '2022-06-01T00:00:00Z' AND PlanvaktDeadline < '2023-01-01T00:00:00Z'`,
  })) {
    return wf.workflowId.replace(/^activity-/, '');
  }
  throw new Error(`no activity in ${department}`);
}

describe('sign-in and access', () => {
  it('sends a signed-out user to the sign-in page, which is the marked development sign-in', async () => {
    const anon = new Session(h.app);
    const res = await anon.get('/');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/logga-in?till=%2F');
    const page = await anon.get('/logga-in');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<html lang="sv">');
    expect(page.body).toContain('Utvecklingsinloggning');
    expect(page.body).toContain('Logga in som Anna Avdelning');
    expect(page.headers['content-security-policy']).toContain("script-src 'none'");
    expect(page.headers['x-frame-options']).toBeDefined();
    expect((await anon.get('/installningar')).statusCode).toBe(303);
    expect((await anon.post('/importera/bekrafta', {})).statusCode).toBe(401);
  });

  it('rejects a form without a valid CSRF token', async () => {
    const page = await new Session(h.app).get('/logga-in');
    const s = new Session(h.app);
    // The CSRF cookie is there, the token is not (or is another's): refused, nobody signed in.
    await s.get('/logga-in');
    expect((await s.post('/logga-in/utveckling', { person: 'hanna-hrchef' })).statusCode).toBe(403);
    expect(
      (await s.post('/logga-in/utveckling', { person: 'hanna-hrchef', _csrf: Session.csrf(page.body) })).statusCode,
    ).toBe(403);
    expect((await s.get('/')).statusCode).toBe(303);
    const signedIn = await hr.get('/installningar');
    const refused = await hr.post('/installningar/regler', { beforeDeadline: '1' });
    expect(refused.statusCode).toBe(403);
    expect(refused.body).toContain('Formuläret kunde inte verifieras');
    expect(signedIn.statusCode).toBe(200);
  });

  it('keeps HR pages from a department head', async () => {
    for (const url of ['/importera', '/installningar', '/forhandsvisning'])
      expect((await anna.get(url)).statusCode).toBe(403);
  });
});

describe('import, dashboard, activity, settings', () => {
  it('imports the seed plan through the page: parsed result, warnings with lines, diff, then confirm', async () => {
    const page = await hr.get('/importera');
    const preview = await hr.upload(
      '/importera',
      { _csrf: Session.csrf(page.body) },
      { field: 'plan', name: 'kompetensforsorjningsplan-2021-2023.md', content: seed },
    );
    expect(preview.statusCode).toBe(200);
    expect(preview.body).toContain('73 aktiviteter i 5 avdelningar');
    expect(preview.body).toContain('73 nya, 0 ändrade, 0 borttagna');
    expect(preview.body).toMatch(/<caption>Varningar \(\d+\)<\/caption>/);
    expect(preview.body).toMatch(/kompetensforsorjningsplan-2021-2023\.md, rad \d+/);
    const pending = /name="pending" value="([^"]+)"/.exec(preview.body)![1]!;

    // Another person cannot confirm HR's upload.
    const frida = await new Session(h.app).signIn('frida-forvaltare');
    const other = await frida.post('/importera/bekrafta', {
      _csrf: Session.csrf((await frida.get('/importera')).body),
      pending,
    });
    expect(other.statusCode).toBe(410);

    const done = await hr.post('/importera/bekrafta', { _csrf: Session.csrf(preview.body), pending });
    expect(done.statusCode).toBe(200);
    expect(done.body).toContain('Startade 73, uppdaterade 0, avbröt 0');
    await waitForCount(h.env, PLAN, 73);
  });

  it('names an activity a re-import would cancel by its text, and counts in Swedish agreement', async () => {
    const lines = seed.split('\n');
    const gone = lines.findIndex((l) => l.includes('Förbättra kompetensen för fritidsledare inom öppna förskolan'));
    lines.splice(gone, 1);
    const preview = await hr.upload(
      '/importera',
      { _csrf: Session.csrf((await hr.get('/importera')).body) },
      { field: 'plan', name: 'kompetensforsorjningsplan-2021-2023.md', content: lines.join('\n') },
    );
    expect(preview.statusCode).toBe(200);
    expect(preview.body).toContain('0 nya, 0 ändrade, 1 borttagen, 72 oförändrade');
    // Not confirmed: the running plan stays as it is for the tests after this one.
    const removed = /<ul id="removed">(.*?)<\/ul>/s.exec(preview.body)?.[1] ?? '';
    // The plan's row: mål "Förbättra kompetensen …", aktivitet "Utbildningsinsats …".
    expect(removed).toContain('Utbildningsinsats för fritidsledare inom öppen förskola');
    expect(removed).not.toContain('activity-');
  });

  it('shows every department with a traffic light and counts to HR, only förskola to its head', async () => {
    const res = await hr.get('/');
    expect(res.statusCode).toBe(200);
    const rows = [...res.body.matchAll(/<tr data-department="([^"]+)">/g)].map((m) => m[1]);
    expect(rows).toEqual(['forskola', 'stadsutveckling', 'aldreomsorg', 'individ-och-familj', 'funktionsnedsattning']);
    expect(res.body).toMatch(
      /class="light light-(green|yellow|red)"><span aria-hidden="true">●<\/span> (Grön|Gul|Röd)/,
    );
    expect(res.body).toContain('73 aktiviteter matchar');

    const own = await anna.get('/');
    expect([...own.body.matchAll(/<tr data-department="([^"]+)">/g)].map((m) => m[1])).toEqual(['forskola']);
    // A filter on another department is dropped, not obeyed.
    const sneaky = await anna.get('/?avdelning=aldreomsorg');
    expect(sneaky.body).not.toContain('Avdelning äldreomsorg');
    const n = Number(/(\d+) aktiviteter matchar/.exec(sneaky.body)![1]);
    expect(n).toBeGreaterThan(0);
    expect(n).toBeLessThan(73);

    const filtered = await hr.get('/?avdelning=aldreomsorg&roll=enhetschef&status=notReported&manad=2022-12');
    expect(filtered.statusCode).toBe(200);
    expect(filtered.body).toMatch(/\d+ aktiviteter matchar/);
  });

  it('a department head of förskola can neither see nor change äldreomsorg', async () => {
    const elder = await activityOf('aldreomsorg');
    const page = await anna.get(`/aktivitet/${elder}`);
    expect(page.statusCode).toBe(403);
    expect(page.body).not.toContain('Nästa planerade händelse');
    const token = Session.csrf((await anna.get('/')).body);
    const post = await anna.post(`/aktivitet/${elder}/status`, { _csrf: token, status: 'done' });
    expect(post.statusCode).toBe(403);
    const view = await h.env.client.workflow.getHandle(lifecycleWorkflowId(elder)).query(stateQuery);
    expect(view.status).toBeUndefined();
    const own = await activityOf('forskola');
    expect((await anna.get(`/aktivitet/${own}`)).statusCode).toBe(200);
  });

  it('shows one activity: owners as people, the next event with its reason, the timeline; a status report moves it', async () => {
    const id = await activityOf('forskola');
    const other = await reminderActivity();
    expect((await anna.get(`/aktivitet/${other}`)).body).toMatch(
      /id="next-event"><strong>2022-06-\d\d kl\. 08:00<\/strong>: Påminnelse 5 arbetsdagar före måldatum 2022-06-30, till (?!till )[^<]*Rektor [A-ZÅÄÖ]/,
    );
    const page = await anna.get(`/aktivitet/${id}`);
    expect(page.body).toContain('Nästa planerade händelse');
    expect(page.body).toMatch(/id="next-event"><strong>2022-\d\d-\d\d kl\. 08:00<\/strong>: /);
    expect(page.body).toContain('Ansvariga');
    const saved = await anna.post(`/aktivitet/${id}/status`, {
      _csrf: Session.csrf(page.body),
      status: 'inProgress',
      comment: 'På gång <b>nu</b>',
    });
    expect(saved.statusCode).toBe(303);
    const after = await anna.get(saved.headers.location as string);
    expect(after.body).toContain('Statusen är sparad');
    expect(after.body).toContain('På gång &lt;b&gt;nu&lt;/b&gt;');
    expect(after.body).toMatch(/Status rapporterad<\/td><td><strong>Pågår<\/strong> av Anna Avdelning/);
    const late = await anna.post(`/aktivitet/${id}/status`, { _csrf: Session.csrf(after.body), status: 'late' });
    expect(late.statusCode).toBe(400);
    expect(late.body).toContain('Försenad kräver ett nytt föreslaget datum');
  });

  it('counts an activity reported Klar (its lifecycle completes) under Klar, and the light follows', async () => {
    const clara = await new Session(h.app).signIn('clara-avdelning');
    const id = await activityOf('aldreomsorg');
    const page = await clara.get(`/aktivitet/${id}`);
    expect(
      (await clara.post(`/aktivitet/${id}/status`, { _csrf: Session.csrf(page.body), status: 'done' })).statusCode,
    ).toBe(303);
    await waitForCount(h.env, `PlanvaktDepartment = 'aldreomsorg' AND PlanvaktStatus = 'done'`, 1);
    const dash = await clara.get('/');
    const row = /<tr data-department="aldreomsorg">([\s\S]*?)<\/tr>/.exec(dash.body)![1]!;
    expect(row).toContain('aria-label="Avdelning äldreomsorg: Klar 1"');
    expect(row).toContain('aria-label="Avdelning äldreomsorg: Ej rapporterad 10"');
    expect(row).toContain('Röd');
  });

  it('HR changes the reminder offsets: preview, new version with who and when, signalled, next event moves', async () => {
    const id = await reminderActivity();
    const handle = h.env.client.workflow.getHandle(lifecycleWorkflowId(id));
    const before = await handle.query(nextEventQuery);
    expect(before?.kind).toBe('reminder');

    const form = await hr.get('/installningar');
    expect(form.body).toContain('value="20, 5, 1, 0"');
    const fields = Object.fromEntries(
      [
        ...form.body.matchAll(/<input type="(?:text|number|time|email|hidden)"[^>]*?name="([^"]+)" value="([^"]*)"/g),
      ].map((m) => [m[1]!, m[2]!.replace(/&amp;/g, '&')]),
    );
    const bad = await hr.post('/installningar/regler', {
      ...fields,
      _csrf: Session.csrf(form.body),
      beforeDeadline: 'fem',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Påminnelser före måldatum: ange arbetsdagar som heltal');
    const badTime = await hr.post('/installningar/regler', {
      ...fields,
      _csrf: Session.csrf(form.body),
      beforeDeadline: '10, 0',
      sendTime: '25:00',
      digest: 'on',
    });
    expect(badTime.statusCode).toBe(400);
    expect(badTime.body).toMatch(/rules\.yaml, rad \d+, fält delivery\.sendTime/);

    const preview = await hr.post('/installningar/regler', {
      ...fields,
      _csrf: Session.csrf(form.body),
      beforeDeadline: '10, 0',
      digest: 'on',
      preferredChannel: 'teams',
      fallbackChannel: 'email',
      escalationTo0: 'avdelningschef',
      escalationTo1: 'forvaltningschef',
    });
    expect(preview.statusCode).toBe(200);
    expect(preview.body).toContain('Påminnelser före måldatum (arbetsdagar)</th><td>20, 5, 1, 0</td><td>10, 0</td>');
    expect(preview.body).toMatch(/\d+ aktiviteter som följs upp får ändringen direkt/);
    const pending = /name="pending" value="([^"]+)"/.exec(preview.body)![1]!;
    const saved = await hr.post('/installningar/spara', { _csrf: Session.csrf(preview.body), pending });
    expect(saved.statusCode).toBe(200);
    expect(saved.body).toMatch(/Reglerna är nu version 2, sparad \d{1,2} [a-z]+ av Hanna HR-chef\./);
    expect(saved.body).toMatch(/id="rollout">7[23] aktiviteter fick de nya reglerna/);
    const text = readFileSync(`${h.configDir}/rules.yaml`, 'utf8');
    expect(text).toContain('beforeDeadline: [ 10, 0 ]');
    expect(text).toContain('# Påminnelser till ansvariga före måldatum.');

    let after = await handle.query(nextEventQuery);
    for (let i = 0; i < 20 && after?.key === before?.key; i++) {
      await new Promise((r) => setTimeout(r, 100));
      after = await handle.query(nextEventQuery);
    }
    expect(after?.reason).toMatch(/^påminnelse 10 arbetsdagar före måldatum/);
    expect(after!.at).not.toBe(before!.at);
    const page = await hr.get(`/aktivitet/${id}`);
    expect(page.body).toContain('Påminnelse 10 arbetsdagar före måldatum');
    // Issue 19: the rules an activity runs with, and the timeline's change, as the saved version, never a hash.
    expect(page.body).toMatch(/<dt>Regler<\/dt><dd>version 2, sparad \d{1,2} [a-z]+ av Hanna HR-chef<\/dd>/);
    expect(page.body).toMatch(/<td>Nya regler<\/td><td>Regler version 2, sparad \d{1,2} [a-z]+ av Hanna HR-chef<\/td>/);
    // Saved at a Stockholm time, said without "UTC".
    expect((await hr.get('/installningar')).body).toMatch(
      /<td>rules\.yaml<\/td><td>2<\/td><td>\d{4}-\d\d-\d\d \d\d:\d\d<\/td><td>Hanna HR-chef<\/td>/,
    );
  });

  it('edits the organisation in a form, validated by the same schema', async () => {
    const form = await hr.get('/installningar');
    const i = [...form.body.matchAll(/name="p(\d+)-id" value="rut-rektor"/g)][0]![1];
    const bad = await hr.post('/installningar/organisation', {
      _csrf: Session.csrf(form.body),
      [`p${i}-id`]: 'rut-rektor',
      [`p${i}-email`]: 'inte-en-adress',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toMatch(/organisation\.yaml, rad \d+, fält people\.\d+\.email/);
    const preview = await hr.post('/installningar/organisation', {
      _csrf: Session.csrf(form.body),
      [`p${i}-id`]: 'rut-rektor',
      [`p${i}-name`]: 'Rut Rektor',
      [`p${i}-email`]: 'rut.rektor@example.se',
      [`p${i}-roles`]: 'rektor@forskoleenhet-norr',
    });
    expect(preview.body).toContain('Rut Rektor: avaktiverad');
    const pending = /name="pending" value="([^"]+)"/.exec(preview.body)![1]!;
    const saved = await hr.post('/installningar/spara', { _csrf: Session.csrf(preview.body), pending });
    expect(saved.body).toMatch(/Organisationen är nu version 2, sparad \d{1,2} [a-z]+ av Hanna HR-chef\./);
    expect(readFileSync(`${h.configDir}/organisation.yaml`, 'utf8')).toMatch(/id: rut-rektor[\s\S]*?active: false/);
  });

  it('shows plan text with <script> as text', async () => {
    const { plan } = parsePlan('kompetensforsorjningsplan-2021-2023.md', seed);
    const activity = plan.departments[0]!.sections[0]!.goals[0]!.activities[0]!;
    activity.text = 'Kökspersonal <script>alert("x")</script>';
    const page = await hr.get('/importera');
    const preview = await hr.upload(
      '/importera',
      { _csrf: Session.csrf(page.body) },
      { field: 'plan', name: 'plan<script>.yaml', content: planToYaml(plan) },
    );
    expect(preview.statusCode).toBe(200);
    expect(preview.body).not.toContain('<script>');
    expect(preview.body).toContain('Kökspersonal &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    const pending = /name="pending" value="([^"]+)"/.exec(preview.body)![1]!;
    expect((await hr.post('/importera/bekrafta', { _csrf: Session.csrf(preview.body), pending })).body).toMatch(
      /Startade \d+, uppdaterade \d+, avbröt \d+/,
    );
    let id: string | undefined;
    for (let i = 0; i < 100 && !id; i++) {
      const list = await hr.get('/?avdelning=forskola');
      id = /href="\/aktivitet\/([^"]+)">Kökspersonal &lt;script&gt;/.exec(list.body)?.[1];
      if (!id) await new Promise((r) => setTimeout(r, 150));
    }
    expect(id).toBeDefined();
    const act = await hr.get(`/aktivitet/${id}`);
    expect(act.body).not.toContain('<script>');
    expect(act.body).toContain('<h1>Kökspersonal &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
  });

  it('serves an iCalendar feed per person and per department behind the person token', async () => {
    const page = await anna.get('/kalender');
    const url = /id="feed-mine" readonly size="90" value="http:\/\/127\.0\.0\.1:3000([^"]+)"/.exec(page.body)![1]!;
    const anon = new Session(h.app);
    const feed = await anon.get(url);
    expect(feed.statusCode).toBe(200);
    expect(feed.headers['content-type']).toContain('text/calendar');
    expect(feed.body).toContain('BEGIN:VCALENDAR');
    expect(feed.body).toContain('Sista dag för status: Tertial 2 2022');
    const dept = await anon.get(
      `/kalender/feed/anna-avdelning/${calendarToken('web-test-session-secret-0123456789abcdef', 'anna-avdelning')}/avdelning/forskola.ics`,
    );
    expect(dept.body).toContain('SUMMARY:Måldatum:');
    expect(
      (
        await anon.get(
          `/kalender/feed/anna-avdelning/${calendarToken('web-test-session-secret-0123456789abcdef', 'anna-avdelning')}/avdelning/aldreomsorg.ics`,
        )
      ).statusCode,
    ).toBe(404);
    expect(
      (await anon.get(url.replace(/\/[A-Za-z0-9_-]{32}\//, '/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/'))).statusCode,
    ).toBe(404);
  });

  it('lists reports (none closed yet) for a signed-in department head', async () => {
    const page = await anna.get('/rapporter');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Inga uppföljningar har stängts ännu');
  });

  it('Importera says how many Måldatum have passed and offers the choice on the confirmation; "start as overdue" runs the ladder', async () => {
    // A new förskola row whose Måldatum (2022-03-31) passed before today (1 June 2022 in plan time).
    const lines = seed.split('\n');
    expect(lines[235]).toContain('Erfarenhetsbaserad kompetensutvecklad kökspersonal');
    lines.splice(
      236,
      0,
      '| Erfarenhetsbaserad kompetensutvecklad kökspersonal | Kartlägga allergikost i förskolans kök inför hösten | 2022-03-31 | Avdelningschef | Tertialrapportering. |',
    );
    const text = lines.join('\n');
    const { plan } = parsePlan('kompetensforsorjningsplan-2021-2023.md', text);
    const added = placedActivities(plan)
      .map((p) => toLifecycleActivity(plan, p))
      .find((a) => a.text.startsWith('Kartlägga allergikost'))!;

    const page = await hr.get('/importera');
    const preview = await hr.upload(
      '/importera',
      { _csrf: Session.csrf(page.body) },
      { field: 'plan', name: 'kompetensforsorjningsplan-2021-2023.md', content: text },
    );
    expect(preview.statusCode).toBe(200);
    expect(preview.body).toContain('1 av 1 nya aktiviteter har ett Måldatum som redan har passerat');
    // Three choices; the least noisy one is checked.
    expect(preview.body).toMatch(/<input type="radio" name="passed" value="historical" checked>/);
    expect(preview.body).toMatch(/<input type="radio" name="passed" value="ask">/);
    expect(preview.body).toMatch(/<input type="radio" name="passed" value="overdue">/);
    const pending = /name="pending" value="([^"]+)"/.exec(preview.body)![1]!;

    const done = await hr.post('/importera/bekrafta', {
      _csrf: Session.csrf(preview.body),
      pending,
      passed: 'overdue',
    });
    expect(done.statusCode).toBe(200);
    expect(done.body).toContain('Startade 1,');
    expect(done.body).toContain('Valt: Starta dem som försenade');
    const next = await h.env.client.workflow.getHandle(lifecycleWorkflowId(added.id)).query(nextEventQuery);
    // Overdue counted from the import: the first working day after Wednesday 1 June 2022.
    expect(next).toMatchObject({ kind: 'overdue', level: 1, localDate: '2022-06-02', deadline: '2022-03-31' });
  });
});
