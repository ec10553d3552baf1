/**
 * Issue 15: access decided by the route. Every route the server registers × every role × path
 * variants, against a table of who may use what written from the roles (README, "Säkerhet"), not
 * from the code; then the attack of the issue, sessions that end, calendar addresses that can be
 * taken back, and the small findings.
 */
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify from 'fastify';
import { lifecycleWorkflowId } from '../../src/domain/workflow-ids';
import { stateQuery, timelineQuery } from '../../src/lifecycle';
import { parsePlan, type Plan } from '../../src/plan';
import { applyChanges, planChanges } from '../../src/apply';
import { signCheckinToken, DEV_CHECKIN_SECRET } from '../../src/checkin/token';
import { calendarToken } from '../../src/web/app/calendar-feeds';
import { installAccess } from '../../src/web/access';
import { settingsFromEnv } from '../../src/web/app/settings-env';
import { assertProductionWebEnvironment } from '../../src/config';
import { PLAN_START, seedPlanPath } from '../helpers/web-app';
import {
  Browser,
  raw,
  SESSION_SECRET,
  startSecurityHarness,
  TEMPORAL_ADDRESS,
  type SecurityHarness,
} from './security-harness';

type Role = 'hr' | 'forvaltningschef' | 'avdelningschefA' | 'avdelningschefB' | 'owner' | 'noRole' | 'signedOut';

/** Who plays each role (config/organisation.yaml; Nils is added by the harness). */
const PEOPLE: Record<Exclude<Role, 'signedOut'>, { id: string; name: string }> = {
  hr: { id: 'hanna-hrchef', name: 'Hanna HR-chef' }, // HR for the whole förvaltning
  forvaltningschef: { id: 'frida-forvaltare', name: 'Frida Förvaltare' },
  avdelningschefA: { id: 'anna-avdelning', name: 'Anna Avdelning' }, // förskola, the activity's avdelning
  avdelningschefB: { id: 'clara-avdelning', name: 'Clara Avdelning' }, // äldreomsorg
  owner: { id: 'rut-rektor', name: 'Rut Rektor' }, // rektor: the activity's owner, sees no avdelning
  noRole: { id: 'nils-ingen', name: 'Nils Ingen' },
};
const ROLES = [...(Object.keys(PEOPLE) as Role[]), 'signedOut'] as Role[];

const ALL = ROLES;
const SIGNED_IN = ROLES.filter((r) => r !== 'signedOut');
const HR: Role[] = ['hr', 'forvaltningschef'];

/**
 * Who may use each route, from the roles (the activity is förskola's, owned by a rektor; the
 * report is förskola's):
 * - sign-in pages, the stylesheet, the health check: anyone;
 * - check-in and calendar feeds: anyone holding a valid link (the link is the credential);
 * - Översikt and its export (Excel, CSV), Rapporter (the list), Kalender, a new calendar address: anyone signed in;
 * - Importera, Förhandsvisning, Inställningar, Utkorg: HR for the whole förvaltning and the förvaltningschef;
 * - an activity's page: those who see its avdelning (HR, förvaltningschef, its avdelningschef), its owner;
 * - reporting status on it: its owner and the managers up the line (its avdelningschef, the
 *   förvaltningschef); not HR, who owns nothing here;
 * - acknowledging it overdue: the managers up the line who see its avdelning;
 * - a new Måldatum for it, new owners, a pause, closing it, opening it again, adding an activity
 *   beside it: HR, the förvaltningschef and its avdelningschef (not its owner);
 * - a follow-up report: those who see its avdelning.
 */
const TABLE: Record<string, Role[]> = {
  'GET /health': ALL,
  'GET /app.css': ALL,
  'GET /logga-in': ALL,
  'POST /logga-in/utveckling': ALL,
  'GET /logga-in/entra': ALL,
  'GET /logga-in/callback': ALL,
  'POST /logga-ut': ALL,
  'GET /status/*': ALL,
  'POST /status/*': ALL,
  'GET /kalender/feed/:person/:token/*': ALL,
  'GET /': SIGNED_IN,
  'GET /oversikt.xlsx': SIGNED_IN,
  'GET /oversikt.csv': SIGNED_IN,
  'GET /rapporter': SIGNED_IN,
  'GET /kalender': SIGNED_IN,
  'POST /kalender/ny-adress': SIGNED_IN,
  'GET /utkorg': HR,
  'GET /importera': HR,
  'POST /importera': HR,
  'POST /importera/bekrafta': HR,
  'POST /importera/kolumner': HR,
  'GET /forhandsvisning': HR,
  'POST /forhandsvisning': HR,
  'GET /forhandsvisning/korning': HR,
  'POST /forhandsvisning/avbryt': HR,
  'GET /installningar': HR,
  'POST /installningar/regler': HR,
  'POST /installningar/organisation': HR,
  'POST /installningar/spara': HR,
  'POST /installningar/atkomst': HR,
  'GET /aktivitet/:id': ['hr', 'forvaltningschef', 'avdelningschefA', 'owner'],
  'POST /aktivitet/:id/status': ['forvaltningschef', 'avdelningschefA', 'owner'],
  'POST /aktivitet/:id/kvittera': ['forvaltningschef', 'avdelningschefA'],
  'POST /aktivitet/:id/angra': ['forvaltningschef', 'avdelningschefA', 'owner'],
  'POST /aktivitet/:id/maldatum': ['hr', 'forvaltningschef', 'avdelningschefA'],
  'POST /aktivitet/:id/ansvariga': ['hr', 'forvaltningschef', 'avdelningschefA'],
  'POST /aktivitet/:id/pausa': ['hr', 'forvaltningschef', 'avdelningschefA'],
  'POST /aktivitet/:id/avsluta': ['hr', 'forvaltningschef', 'avdelningschefA'],
  'POST /aktivitet/:id/oppna': ['hr', 'forvaltningschef', 'avdelningschefA'],
  'POST /aktivitet/:id/ny-aktivitet': ['hr', 'forvaltningschef', 'avdelningschefA'],
  'GET /rapporter/:id/rapport.:format': ['hr', 'forvaltningschef', 'avdelningschefA'],
};

/** The variants of a path; `same`: the same route with the same parameters, so the same decision; otherwise nobody gets in. */
interface Variant {
  name: string;
  method?: string;
  path: (p: string) => string | undefined;
  same: boolean;
}
const firstLetter = (p: string) => /[a-z]/i.exec(p);
const VARIANTS: Variant[] = [
  { name: 'canonical', path: (p) => p, same: true },
  {
    name: 'percent-encoded letter',
    path: (p) => {
      const m = firstLetter(p);
      return m ? `${p.slice(0, m.index)}%${m[0].charCodeAt(0).toString(16)}${p.slice(m.index + 1)}` : undefined;
    },
    same: true,
  },
  {
    name: 'double-encoded letter',
    path: (p) => {
      const m = firstLetter(p);
      return m ? `${p.slice(0, m.index)}%25${m[0].charCodeAt(0).toString(16)}${p.slice(m.index + 1)}` : undefined;
    },
    same: false,
  },
  {
    name: 'mixed case',
    path: (p) => {
      const m = firstLetter(p);
      return m ? `${p.slice(0, m.index)}${m[0].toUpperCase()}${p.slice(m.index + 1)}` : undefined;
    },
    same: false,
  },
  { name: 'double slash', path: (p) => `/${p}`, same: false },
  { name: 'trailing slash', path: (p) => (p === '/' ? undefined : `${p}/`), same: false },
  { name: '; parameter', path: (p) => `${p};jsessionid=1`, same: false },
  { name: '.. segment', path: (p) => `/x/..${p}`, same: false },
  { name: 'HEAD', method: 'HEAD', path: (p) => p, same: true },
  { name: 'OPTIONS', method: 'OPTIONS', path: (p) => p, same: false },
];

let h: SecurityHarness;
let activityId: string;
const browsers = new Map<Role, Browser>();
const REPORT_ID = 'cycle-forskola-2022-T1';

/** A plan of one förskola activity, owned by a rektor, due at the end of 2022. */
function onePlan(): Plan {
  const { plan } = parsePlan('kompetensforsorjningsplan-2021-2023.md', readFileSync(seedPlanPath, 'utf8'));
  const forskola = plan.departments.find((d) => d.id === 'forskola')!;
  const section = forskola.sections.find((s) => s.goals.some((g) => g.activities.some((a) => a.deadline.date)))!;
  const goal = section.goals.find((g) => g.activities.some((a) => a.deadline.date))!;
  const activity = goal.activities.find((a) => a.deadline.date)!;
  activity.deadline = { ...activity.deadline, date: '2022-12-31', raw: '2022-12-31' };
  activity.owners = [{ role: 'rektor', raw: 'Rektor' }];
  activity.ownersRaw = 'Rektor';
  activity.milestones = [];
  return {
    ...plan,
    departments: [{ ...forskola, sections: [{ ...section, goals: [{ ...goal, activities: [activity] }] }] }],
  };
}

beforeAll(async () => {
  h = await startSecurityHarness();
  const plan = onePlan();
  const changes = await planChanges(h.env.client, plan);
  expect(changes.added).toHaveLength(1);
  activityId = changes.added[0]!.id;
  await applyChanges(h.env.client, changes, {
    taskQueue: h.taskQueue,
    rulesPath: join(h.configDir, 'rules.yaml'),
    by: 'test',
    timeShiftMs: PLAN_START - Date.now(),
  });
  await h.env.client.workflow.getHandle(lifecycleWorkflowId(activityId)).query(stateQuery);
  // A follow-up of förskola whose report is being written: no worker polls its queue, so it stays running.
  await h.env.client.workflow.start('followUpCycle', { taskQueue: 'nobody-polls', workflowId: REPORT_ID });
  for (const role of SIGNED_IN)
    browsers.set(role, await new Browser(h.base).signIn(PEOPLE[role as keyof typeof PEOPLE].id));
  const anon = new Browser(h.base);
  await anon.get('/logga-in');
  browsers.set('signedOut', anon);
}, 120_000);
afterAll(async () => {
  await h?.stop();
});

describe('every route declares who may use it', () => {
  it('has no route without a declaration', () => {
    expect(h.app.access.undeclared()).toEqual([]);
  });

  it('refuses a route registered without a declaration, and names it', async () => {
    const app = Fastify();
    const guard = installAccess(app);
    app.get('/ny-sida', async () => 'hemligt');
    app.get('/oppen', { config: { access: 'public' } }, async () => 'öppet');
    await app.ready();
    expect(guard.undeclared()).toEqual(['GET /ny-sida', 'HEAD /ny-sida']);
    const res = await app.inject({ method: 'GET', url: '/ny-sida' });
    expect(res.statusCode).toBe(403);
    expect(res.body).not.toContain('hemligt');
    expect((await app.inject({ method: 'GET', url: '/oppen' })).statusCode).toBe(200);
    await app.close();
  });
});

type Outcome = 'allowed' | 'sign-in' | 'forbidden' | 'not-found' | 'refused';

/** What a response says, as a person would read it. */
function outcome(res: { status: number; headers: Record<string, unknown> }, tokenRoute: boolean): Outcome {
  const location = String(res.headers.location ?? '');
  if (res.status === 401 || (res.status === 303 && location.startsWith('/logga-in?till='))) return 'sign-in';
  if (res.status === 403) return 'forbidden';
  if (res.status === 404) return 'not-found';
  // A token route's handler refuses a link it did not make.
  if (tokenRoute && res.status >= 400 && res.status < 500) return 'refused';
  return 'allowed';
}

describe('route × role × path variant', () => {
  it('answers each request as the table of roles says, and saves nothing for a refused one', async () => {
    const checkinToken = signCheckinToken(DEV_CHECKIN_SECRET, {
      person: PEOPLE.owner.id,
      activities: [activityId],
      expires: new Date(Date.now() + 3_600_000).toISOString(),
    });
    // Sven's feed: a person none of the roles is, so no "new address" during the walk touches it.
    const feed = `/kalender/feed/sven-rektor/${calendarToken(SESSION_SECRET, 'sven-rektor')}/mina.ics`;
    const sample: Record<string, string> = {
      '/aktivitet/:id': `/aktivitet/${activityId}`,
      '/aktivitet/:id/status': `/aktivitet/${activityId}/status`,
      '/aktivitet/:id/kvittera': `/aktivitet/${activityId}/kvittera`,
      '/aktivitet/:id/angra': `/aktivitet/${activityId}/angra`,
      '/aktivitet/:id/maldatum': `/aktivitet/${activityId}/maldatum`,
      '/aktivitet/:id/ansvariga': `/aktivitet/${activityId}/ansvariga`,
      '/aktivitet/:id/pausa': `/aktivitet/${activityId}/pausa`,
      '/aktivitet/:id/avsluta': `/aktivitet/${activityId}/avsluta`,
      '/aktivitet/:id/oppna': `/aktivitet/${activityId}/oppna`,
      '/aktivitet/:id/ny-aktivitet': `/aktivitet/${activityId}/ny-aktivitet`,
      '/status/*': `/status/${checkinToken}`,
      '/rapporter/:id/rapport.:format': `/rapporter/${REPORT_ID}/rapport.html`,
      '/kalender/feed/:person/:token/*': feed,
    };
    /** A form that would change something if it were let through. */
    const forms: Record<string, (role: Role, variant: string) => Record<string, string>> = {
      '/aktivitet/:id/status': (role, variant) => ({ status: 'inProgress', comment: `walk ${role} ${variant}` }),
      '/installningar/atkomst': () => ({ person: PEOPLE.noRole.id, action: 'calendar' }),
      '/installningar/organisation': () => ({ 'p0-id': 'frida-forvaltare', 'p0-roles': 'hr' }),
      '/logga-in/utveckling': () => ({ person: 'ingen-sadan' }),
      '/importera/bekrafta': () => ({ pending: 'finns-inte' }),
      // The first request let through re-dates the activity; the rest name the same date (400).
      '/aktivitet/:id/maldatum': (role, variant) => ({ deadline: '2023-03-31', reason: `walk ${role} ${variant}` }),
      // A pause changes no one's access: each request let through pauses (the timeline names who).
      '/aktivitet/:id/pausa': (role, variant) => ({ until: '2022-12-01', reason: `walk ${role} ${variant}` }),
      // Owners and closing would change who may do what in the rest of the walk: the handler runs
      // and refuses the form (no owner, no reason: 400), the guard refuses everyone else first.
      '/aktivitet/:id/ansvariga': () => ({ reason: 'walk' }),
      '/aktivitet/:id/avsluta': () => ({ outcome: 'klar' }),
      // The activity runs, so opening it again is refused by the handler (409) for whoever may.
      '/aktivitet/:id/oppna': (role, variant) => ({ reason: `walk ${role} ${variant}` }),
      // The first request let through adds the activity; the rest find it there (409).
      '/aktivitet/:id/ny-aktivitet': (role, variant) => ({
        text: 'Aktivitet tillagd under säkerhetsgenomgången',
        owner: 'roll:rektor',
        reason: `walk ${role} ${variant}`,
      }),
      '/importera/kolumner': () => ({ pending: 'finns-inte' }),
      '/installningar/spara': () => ({ pending: 'finns-inte' }),
      // Klar is asked once more before it is recorded: the check-in handler runs, nothing is recorded.
      '/status/*': () => ({ submission: 'security-walk', activity: activityId, status: 'done' }),
    };
    const orgBefore = readFileSync(join(h.configDir, 'organisation.yaml'), 'utf8');

    const routes = h.app.access.routes();
    const walked = routes.filter((r) => r.method !== 'HEAD');
    const missing = walked.map((r) => `${r.method} ${r.url}`).filter((k) => !(k in TABLE));
    expect(missing, 'routes the table of roles does not cover').toEqual([]);
    const n = { requests: 0, allowed: 0, denied: 0, skipped: 0 };
    const wrong: string[] = [];
    const allowedWrites = new Map<string, number>();
    for (const route of walked) {
      const key = `${route.method} ${route.url}`;
      const path = sample[route.url] ?? route.url;
      const tokenRoute = route.access === 'token';
      for (const variant of VARIANTS) {
        if (variant.method === 'HEAD' && route.method !== 'GET') continue;
        const p = variant.path(path);
        if (p === undefined) {
          n.skipped += ROLES.length;
          continue;
        }
        const method = variant.method ?? route.method;
        for (const role of ROLES) {
          let browser = browsers.get(role)!;
          // Signing out ends the session: a session of its own for each sign-out.
          if (route.url === '/logga-ut' && role !== 'signedOut')
            browser = await new Browser(h.base).signIn(PEOPLE[role as keyof typeof PEOPLE].id);
          const form =
            method === 'POST' ? { _csrf: browser.csrf, ...(forms[route.url]?.(role, variant.name) ?? {}) } : undefined;
          const res = await raw(h.base, method, p, { cookie: browser.cookie, ...(form ? { form } : {}) });
          n.requests++;
          const got = outcome(res, tokenRoute);
          const mayUse = TABLE[key]!.includes(role);
          const expected: Outcome[] = !variant.same
            ? [
                'not-found',
                ...(tokenRoute || route.url.includes(':') ? (['refused', 'sign-in', 'forbidden'] as Outcome[]) : []),
              ]
            : mayUse
              ? ['allowed']
              : [role === 'signedOut' ? 'sign-in' : 'forbidden'];
          if (got === 'allowed') n.allowed++;
          else n.denied++;
          if (res.status >= 500) wrong.push(`${method} ${p} as ${role}: ${res.status}`);
          if (!expected.includes(got))
            wrong.push(
              `${method} ${p} (${key}, ${variant.name}) as ${role}: ${got} (${res.status}), expected ${expected.join(' or ')}`,
            );
          if (got === 'allowed' && method === 'POST')
            allowedWrites.set(`${key} ${role}`, (allowedWrites.get(`${key} ${role}`) ?? 0) + 1);
        }
      }
    }
    expect(wrong).toEqual([]);

    // Nothing a refused request carried was saved.
    const timeline = await h.env.client.workflow.getHandle(lifecycleWorkflowId(activityId)).query(timelineQuery);
    const reporters = new Set(timeline.flatMap((e) => (e.type === 'reported' ? [e.report.reporter.name] : [])));
    const mayReport = TABLE['POST /aktivitet/:id/status']!.map((r) => PEOPLE[r as keyof typeof PEOPLE].name);
    expect([...reporters].sort()).toEqual([...mayReport].sort());
    const acknowledgers = new Set(timeline.flatMap((e) => (e.type === 'acknowledged' ? [e.by] : [])));
    const mayAck = TABLE['POST /aktivitet/:id/kvittera']!.map((r) => PEOPLE[r as keyof typeof PEOPLE].name);
    expect([...acknowledgers].sort()).toEqual([...mayAck].sort());
    const redaters = new Set(timeline.flatMap((e) => (e.type === 'changed' && e.reason ? [e.by] : [])));
    const mayRedate = TABLE['POST /aktivitet/:id/maldatum']!.map((r) => PEOPLE[r as keyof typeof PEOPLE].name);
    expect(redaters.size).toBe(1);
    expect(mayRedate).toContain([...redaters][0]);
    const pausers = new Set(timeline.flatMap((e) => (e.type === 'snoozed' ? [e.by] : [])));
    const mayPause = TABLE['POST /aktivitet/:id/pausa']!.map((r) => PEOPLE[r as keyof typeof PEOPLE].name);
    expect([...pausers].sort()).toEqual([...mayPause].sort());
    expect(timeline.filter((e) => ['closed', 'cancelled', 'reopened'].includes(e.type))).toEqual([]);
    expect(readFileSync(join(h.configDir, 'organisation.yaml'), 'utf8')).toBe(orgBefore);
    expect(
      existsSync(join(h.dataDir, 'config-versions')) ? readdirSync(join(h.dataDir, 'config-versions')) : [],
    ).toEqual([]);
    // A new calendar address for Nils: once per request let through (HR's, his own), never for a refused one.
    const generation = JSON.parse(readFileSync(join(h.dataDir, 'calendar-feeds', 'nils-ingen.json'), 'utf8')) as {
      generation: number;
    };
    expect(generation.generation).toBe(
      (allowedWrites.get('POST /installningar/atkomst hr') ?? 0) +
        (allowedWrites.get('POST /installningar/atkomst forvaltningschef') ?? 0) +
        (allowedWrites.get('POST /kalender/ny-adress noRole') ?? 0),
    );

    const counts = {
      routes: routes.length,
      walkedRoutes: walked.length,
      roles: ROLES.length,
      variants: VARIANTS.length,
      ...n,
    };
    console.log(`[security walk] ${JSON.stringify(counts)}`);
  }, 300_000);
});

describe('the attack of issue 15', () => {
  it('an avdelningschef cannot open /%69nstallningar nor save herself into HR; nothing is saved', async () => {
    const orgPath = join(h.configDir, 'organisation.yaml');
    const before = readFileSync(orgPath, 'utf8');
    const anna = await new Browser(h.base).signIn(PEOPLE.avdelningschefA.id);
    const page = await anna.get('/%69nstallningar');
    expect(page.status).toBe(403);
    expect(page.body).toContain('Ingen behörighet');
    expect(page.body).not.toContain('Organisation</h2>');
    // The form as she would have posted it from that page: her own row with the HR role.
    const i = 3; // her row in organisation.yaml (Frida, Lars, Hanna, Anna)
    const preview = await anna.post('/%69nstallningar/organisation', {
      [`p${i}-id`]: PEOPLE.avdelningschefA.id,
      [`p${i}-name`]: PEOPLE.avdelningschefA.name,
      [`p${i}-email`]: 'anna.avdelning@example.se',
      [`p${i}-active`]: 'on',
      [`p${i}-roles`]: 'hr',
    });
    expect(preview.status).toBe(403);
    expect((await anna.post('/%69nstallningar/spara', { pending: 'x' })).status).toBe(403);
    expect(readFileSync(orgPath, 'utf8')).toBe(before);
    expect(existsSync(join(h.dataDir, 'config-versions', 'organisation'))).toBe(false);
    // Still not HR on the next request.
    expect((await anna.get('/installningar')).status).toBe(403);
  });
});

describe('sessions that end', () => {
  it('refuses a cookie from before sign-out', async () => {
    const anna = await new Browser(h.base).signIn(PEOPLE.avdelningschefA.id);
    const before = anna.cookie;
    expect((await raw(h.base, 'GET', '/kalender', { cookie: before })).status).toBe(200);
    const out = await anna.post('/logga-ut', {});
    expect(out.status).toBe(303);
    const replay = await raw(h.base, 'GET', '/kalender', { cookie: before });
    expect(replay.status).toBe(303);
    expect(replay.headers.location).toBe('/logga-in?till=%2Fkalender');
  });

  it('ends the session a browser had when it signs in again', async () => {
    const b = await new Browser(h.base).signIn(PEOPLE.avdelningschefA.id);
    const first = b.cookie;
    await b.signIn(PEOPLE.noRole.id);
    expect((await raw(h.base, 'GET', '/kalender', { cookie: first })).status).toBe(303);
    expect((await b.get('/kalender')).body).toContain('Inloggad: Nils Ingen');
  });

  it('lets HR sign a person out everywhere, on Inställningar', async () => {
    const phone = await new Browser(h.base).signIn(PEOPLE.noRole.id);
    const laptop = await new Browser(h.base).signIn(PEOPLE.noRole.id);
    const hr = await new Browser(h.base).signIn(PEOPLE.hr.id);
    const settings = await hr.get('/installningar');
    expect(settings.body).toContain('Logga ut personen överallt');
    const done = await hr.post('/installningar/atkomst', { person: PEOPLE.noRole.id, action: 'sessions' });
    expect(done.status).toBe(200);
    expect(done.body).toMatch(/Nils Ingen är utloggad överallt \(\d+ inloggningar avslutade\)/);
    for (const b of [phone, laptop]) expect((await b.get('/kalender')).status).toBe(303);
    // HR's own session goes on.
    expect((await hr.get('/installningar')).status).toBe(200);
  });

  it('applies an HR role change at the next request', async () => {
    const hr = await new Browser(h.base).signIn(PEOPLE.hr.id);
    const nils = await new Browser(h.base).signIn(PEOPLE.noRole.id);
    expect((await nils.get('/installningar')).status).toBe(403);
    const setRoles = async (roles: string) => {
      const form = await hr.get('/installningar');
      const i = /name="p(\d+)-id" value="nils-ingen"/.exec(form.body)![1]!;
      const preview = await hr.post('/installningar/organisation', {
        [`p${i}-id`]: PEOPLE.noRole.id,
        [`p${i}-name`]: PEOPLE.noRole.name,
        [`p${i}-email`]: 'nils.ingen@example.se',
        [`p${i}-active`]: 'on',
        [`p${i}-roles`]: roles,
      });
      const pending = /name="pending" value="([^"]+)"/.exec(preview.body)![1]!;
      expect((await hr.post('/installningar/spara', { pending })).body).toContain('Organisationen är nu version');
    };
    await setRoles('hr');
    expect((await nils.get('/installningar')).status).toBe(200);
    await setRoles('');
    expect((await nils.get('/installningar')).status).toBe(403);
  });
});

describe('calendar addresses that can be taken back', () => {
  const feedOf = (body: string) =>
    /id="feed-mine" readonly size="90" value="http:\/\/127\.0\.0\.1:3000([^"]+)"/.exec(body)![1]!;

  it('the person asks for a new address: the old link stops working, the new one works', async () => {
    const rut = await new Browser(h.base).signIn(PEOPLE.owner.id);
    const old = feedOf((await rut.get('/kalender')).body);
    expect((await raw(h.base, 'GET', old)).status).toBe(200);
    const renewed = await rut.post('/kalender/ny-adress', {});
    expect(renewed.status).toBe(303);
    const page = await rut.get(String(renewed.headers.location));
    expect(page.body).toContain('Du har fått nya adresser');
    const fresh = feedOf(page.body);
    expect(fresh).not.toBe(old);
    expect((await raw(h.base, 'GET', old)).status).toBe(404);
    const feed = await raw(h.base, 'GET', fresh);
    expect(feed.status).toBe(200);
    expect(feed.body).toContain('BEGIN:VCALENDAR');
  });

  it('HR gives a person a new address: her old link stops working', async () => {
    const anna = await new Browser(h.base).signIn(PEOPLE.avdelningschefA.id);
    const old = feedOf((await anna.get('/kalender')).body);
    const dept = old.replace('/mina.ics', '/avdelning/forskola.ics');
    expect((await raw(h.base, 'GET', dept)).status).toBe(200);
    const hr = await new Browser(h.base).signIn(PEOPLE.hr.id);
    await hr.get('/installningar');
    const done = await hr.post('/installningar/atkomst', { person: PEOPLE.avdelningschefA.id, action: 'calendar' });
    expect(done.body).toContain('Anna Avdelning har fått nya kalenderadresser');
    expect((await raw(h.base, 'GET', old)).status).toBe(404);
    expect((await raw(h.base, 'GET', dept)).status).toBe(404);
    expect((await raw(h.base, 'GET', feedOf((await anna.get('/kalender')).body))).status).toBe(200);
  });
});

describe('small findings', () => {
  it('signs in with a non-Latin-1 character in the return path', async () => {
    const b = new Browser(h.base);
    const page = await b.get(`/logga-in?till=${encodeURIComponent('/aktivitet/åäö€')}`);
    expect(page.status).toBe(200);
    const res = await b.post('/logga-in/utveckling', { person: PEOPLE.hr.id, till: '/aktivitet/åäö€' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/aktivitet/${encodeURIComponent('åäö€')}`);
  });

  it('does not show the Temporal address on /health', async () => {
    const res = await raw(h.base, 'GET', '/health');
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ status: 'ok', temporal: { reachable: true } });
    expect(res.body).not.toContain(TEMPORAL_ADDRESS);
    expect(res.body).not.toContain('7233');
  });

  it('names every missing production variable at once', () => {
    const all = [
      'OIDC_ISSUER',
      'OIDC_CLIENT_ID',
      'OIDC_CLIENT_SECRET',
      'OIDC_REDIRECT_URI',
      'PLANVAKT_SESSION_SECRET',
      'PLANVAKT_CHECKIN_SECRET',
    ];
    let message = '';
    try {
      assertProductionWebEnvironment({ PLANVAKT_MODE: 'production' });
    } catch (e) {
      message = (e as Error).message;
    }
    for (const v of all) expect(message).toContain(v);
    // The web app's own settings name all of theirs at once too.
    expect(() => settingsFromEnv({ PLANVAKT_MODE: 'production' })).toThrow(
      /needs OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_REDIRECT_URI, PLANVAKT_SESSION_SECRET \(missing: 5 of 5\)/,
    );
    const strong = 's'.repeat(40);
    expect(() =>
      settingsFromEnv({
        PLANVAKT_MODE: 'production',
        OIDC_ISSUER: 'https://login.example/t/v2.0',
        OIDC_CLIENT_ID: 'id',
        PLANVAKT_CHECKIN_SECRET: strong,
      }),
    ).toThrow(/needs OIDC_CLIENT_SECRET, OIDC_REDIRECT_URI, PLANVAKT_SESSION_SECRET \(missing: 3 of 5\)/);
  });
});
