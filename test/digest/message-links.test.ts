/**
 * Every link of every message kind, without Temporal: a digest's items as the `deliver` sink
 * makes them (DigestItem), through digestMessage with a real signer, rendered by every template
 * (email text and HTML, Teams activity-feed notification, Adaptive Card). Each link must come from
 * src/domain/links.ts (the public base URL and a path of one of its ROUTES), be a route the web
 * app registers (the app built with Fastify: `hasRoute`, and a request that is not a 404), and
 * carry what the message asks of its reader (issue 17): one check-in link for every activity a
 * message asks its reader about, four status links per such activity, the activity page and the
 * acknowledge form for an escalation to a manager, the report page for a cycle's messages.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyInstance } from 'fastify';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ChannelDelivery,
  digestMessage,
  type DigestDeps,
  type DigestItem,
  type SendDigestRequest,
} from '../../src/digest';
import { loadRules } from '../../src/rules';
import { MemoryDeliveryLedger } from '../../src/delivery';
import { renderAdaptiveCard, renderEmail, type Message } from '../../src/delivery';
import { renderTeamsActivityNotification } from '../../src/delivery/templates/teams-notification';
import { FileOrganisationSource, type Organisation, type Person } from '../../src/organisation';
import { DEV_CHECKIN_SECRET, registerCheckin, signCheckinToken, verifyCheckinToken } from '../../src/checkin';
import { registerApp } from '../../src/web/app';
import { ROUTES, STATUSES, type Status } from '../../src/domain';

const BASE = 'https://planvakt.exempelby.se';
const configDir = fileURLToPath(new URL('../../config', import.meta.url));
const EXPIRES = '2099-01-01T00:00:00Z';
const CYCLE = 'cycle-forskola-2022-T1';

let app: FastifyInstance;
let org: Organisation;
let rut: Person;
let anna: Person;

beforeAll(async () => {
  org = await new FileOrganisationSource(join(configDir, 'organisation.yaml')).load();
  rut = org.people.find((p) => p.id === 'rut-rektor')!;
  anna = org.people.find((p) => p.id === 'anna-avdelning')!;
  app = Fastify({ logger: false });
  // Nothing here reaches Temporal: a signed-out request is sent to the sign-in before any query.
  const connection = Connection.lazy({ address: '127.0.0.1:1' });
  // The check-in page's queries, answered: every activity in förskola, owned by its rektorer.
  const view = (id: string) => ({
    activity: { id, text: `Aktivitet ${id}`, department: 'forskola', owners: [{ role: 'rektor', raw: 'Rektor' }] },
  });
  const cycle = {
    cycleId: CYCLE,
    phase: 'open',
    occasion: { label: 'Tertial 1 2022', due: '2022-05-03' },
    activityIds: [],
    indicators: [
      { id: 'i1', name: 'Sjukfrånvaro', department: 'forskola', owners: [{ role: 'rektor', raw: 'Rektor' }] },
    ],
    values: {},
  };
  const checkinClient = {
    workflow: {
      getHandle: (workflowId: string) => ({
        describe: async () => ({ status: { name: 'RUNNING' } }),
        query: async () => (workflowId === CYCLE ? cycle : view(workflowId.replace(/^activity-/, ''))),
      }),
    },
  } as unknown as Client;
  await registerCheckin(app, {
    client: checkinClient,
    organisation: new FileOrganisationSource(join(configDir, 'organisation.yaml')),
    secret: DEV_CHECKIN_SECRET,
  });
  await registerApp(app, {
    temporal: { connection, namespace: 'planvakt' },
    settings: {
      mode: 'development',
      taskQueue: 'links',
      configDir,
      dataDir: configDir,
      baseUrl: BASE,
      sessionSecret: 'links-test-session-secret-0123456789abcdef',
      secureCookies: false,
    },
  });
  await app.ready();
});
afterAll(async () => app?.close());

const item = (over: Partial<DigestItem> & Pick<DigestItem, 'kind'>): DigestItem => ({
  id: `activity-a1/${over.kind}`,
  activityId: 'a1',
  activityText: 'Ta fram en mall för rekrytering',
  departmentId: 'forskola',
  department: 'Avdelning förskola',
  deadline: '2022-06-30',
  reason: 'Måldatum om 5 arbetsdagar',
  subject: 'activity',
  toOwners: true,
  ...over,
});

/** Each message kind a person receives, as the digest's items and the reader it goes to. */
const KINDS: { name: string; person: () => Person; items: DigestItem[]; asks: string[] }[] = [
  { name: 'reminder to an owner', person: () => rut, items: [item({ kind: 'reminder' })], asks: ['a1'] },
  {
    name: 'status request to an owner (two activities)',
    person: () => rut,
    items: [
      item({ kind: 'statusRequest' }),
      item({ kind: 'statusRequest', id: 'activity-a2/s', activityId: 'a2', activityText: 'Introduktion' }),
    ],
    asks: ['a1', 'a2'],
  },
  {
    name: 'escalation to the avdelningschef',
    person: () => anna,
    items: [item({ kind: 'escalation', toOwners: false })],
    asks: [],
  },
  {
    name: 'non-responders of a cycle to the avdelningschef',
    person: () => anna,
    items: [item({ kind: 'escalation', toOwners: false, cycleId: CYCLE, id: `${CYCLE}/nonresponder` })],
    asks: [],
  },
  {
    name: 'report ready',
    person: () => anna,
    items: [
      item({
        kind: 'report',
        subject: 'report',
        toOwners: false,
        activityId: CYCLE,
        cycleId: CYCLE,
        activityText: 'Uppföljningsrapport Tertial 1 2022',
      }),
    ],
    asks: [],
  },
  {
    name: 'indicator status request of a cycle',
    person: () => rut,
    items: [
      item({
        kind: 'statusRequest',
        subject: 'indicator',
        activityId: 'indikator-i1',
        cycleId: CYCLE,
        id: `${CYCLE}/i`,
      }),
    ],
    asks: [],
  },
  { name: 'gap to HR', person: () => anna, items: [item({ kind: 'gap', toOwners: true })], asks: [] },
  {
    name: 'mixed digest (reminder and escalation)',
    person: () => anna,
    items: [
      item({ kind: 'reminder' }),
      item({ kind: 'escalation', toOwners: false, id: 'activity-a3/e', activityId: 'a3', activityText: 'Annan' }),
    ],
    asks: ['a1'],
  },
];

const sign = (personId: string) => (scope: { activities: string[] } | { cycle: string }) =>
  signCheckinToken(DEV_CHECKIN_SECRET, { person: personId, ...scope, expires: EXPIRES });

function messageOf(kind: (typeof KINDS)[number], channel: 'email' | 'teams'): Message {
  const person = kind.person();
  const req: SendDigestRequest = {
    digestId: `digest-${person.id}-2022-06-23`,
    personId: person.id,
    date: '2022-06-23',
    channel,
    items: kind.items,
  };
  return digestMessage(org, person, req, BASE, sign(person.id));
}

const decode = (s: string) =>
  s
    .replace(/&amp;/g, '&')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"');
const textLinks = (text: string) => [...text.matchAll(/https?:\/\/[^\s<>"]+/g)].map((m) => m[0]);
const htmlLinks = (html: string) => [...html.matchAll(/href="([^"]+)"/g)].map((m) => decode(m[1]!));

/** Every link the message carries, on every channel, with where it was found. */
function allLinks(kind: (typeof KINDS)[number]) {
  const email = renderEmail(messageOf(kind, 'email'));
  const teams = messageOf(kind, 'teams');
  const notification = renderTeamsActivityNotification(teams);
  const card = renderAdaptiveCard(teams);
  const cardActions = JSON.stringify(card).match(/"url":"[^"]+"/g) ?? [];
  return {
    text: textLinks(email.text),
    html: htmlLinks(email.html),
    notification: [notification.topic.webUrl],
    card: cardActions.map((a) => JSON.parse(`{${a}}`).url as string),
  };
}

/** The ROUTES pattern a path of the app matches, or undefined. */
function routeOf(path: string): string | undefined {
  return Object.values(ROUTES).find((pattern) => {
    const re = new RegExp(
      `^${pattern
        .replace(/[.]/g, '\\.')
        .replace(/:[a-z]+/g, '[^/]+')
        .replace(/\*$/, '.+')}$`,
    );
    return re.test(path);
  });
}

const isCheckin = (url: string) => new URL(url).pathname.startsWith('/status/');
const tokenOf = (url: string) => decodeURIComponent(new URL(url).pathname.slice('/status/'.length));

describe('every link of every message kind comes from src/domain/links.ts and lands on a route of the web app', () => {
  for (const kind of KINDS) {
    it(kind.name, async () => {
      const found = allLinks(kind);
      const every = Object.values(found).flat();
      expect(every.length).toBeGreaterThan(0);
      for (const url of new Set(every)) {
        expect(url.startsWith(`${BASE}/`), url).toBe(true);
        const { pathname, search } = new URL(url);
        const pattern = routeOf(pathname);
        expect(pattern, `${url}: no route of src/domain/links.ts matches ${pathname}`).toBeDefined();
        expect(app.hasRoute({ method: 'GET', url: pattern! }), `${pattern} is not registered for GET`).toBe(true);
        const res = await app.inject({ method: 'GET', url: `${pathname}${search}` });
        expect(res.statusCode, `${url} answers ${res.statusCode}`).not.toBe(404);
      }

      const checkins = every.filter(isCheckin);
      if (kind.asks.length === 0 && !kind.items.some((i) => i.subject === 'indicator')) {
        expect(checkins, 'a message that asks the reader nothing carries no check-in link').toEqual([]);
      }
      if (kind.asks.length > 0) {
        // One link for the whole message, in both parts of the email and as the notification's link.
        const messageLevel = found.text.filter(isCheckin).find((u) => !new URL(u).search);
        expect(messageLevel, 'no check-in link for the whole message in the text part').toBeDefined();
        expect(found.html).toContain(messageLevel);
        expect(found.notification).toContain(messageLevel);
        expect(found.card).toContain(messageLevel);
        const verified = verifyCheckinToken(DEV_CHECKIN_SECRET, tokenOf(messageLevel!), new Date('2022-06-23'));
        expect(verified.ok && verified.claims.person).toBe(kind.person().id);
        expect(verified.ok && [...(verified.claims.activities ?? [])].sort()).toEqual([...kind.asks].sort());
        // Per activity the reader owns: Klar, Pågår, Försenad, Ej påbörjad, in the email and on the card.
        for (const id of kind.asks) {
          for (const status of Object.keys(STATUSES) as Status[]) {
            const buttons = found.html.filter((u) => isCheckin(u) && new URL(u).searchParams.get('status') === status);
            const mine = buttons.filter((u) => {
              const v = verifyCheckinToken(DEV_CHECKIN_SECRET, tokenOf(u), new Date('2022-06-23'));
              return v.ok && v.claims.activities?.length === 1 && v.claims.activities[0] === id;
            });
            expect(mine.length, `no ${STATUSES[status]} button for ${id}`).toBe(1);
            expect(found.card).toContain(mine[0]);
          }
        }
      }
      // An escalation to a manager: the activity page (sign-in) and the acknowledge form, no check-in.
      for (const i of kind.items.filter((x) => x.kind === 'escalation' && !x.toOwners && !x.cycleId)) {
        expect(found.text).toContain(`${BASE}/aktivitet/${i.activityId}`);
        expect(found.html).toContain(`${BASE}/aktivitet/${i.activityId}#kvittera`);
        expect(found.card).toContain(`${BASE}/aktivitet/${i.activityId}#kvittera`);
        expect(checkins.filter((u) => tokenOf(u).length > 0 && u.includes(i.activityId))).toEqual([]);
      }
      // A cycle's messages (report ready, non-responders) link to the cycle's report, and say so.
      if (kind.items.some((x) => x.cycleId && (x.kind === 'report' || !x.toOwners)))
        expect(renderEmail(messageOf(kind, 'email')).text).toContain(
          `Öppna rapporten: ${BASE}/rapporter/${CYCLE}/rapport.html`,
        );
      for (const i of kind.items.filter((x) => x.cycleId && (x.kind === 'report' || !x.toOwners))) {
        expect(every).toContain(`${BASE}/rapporter/${i.cycleId}/rapport.html`);
        expect(every.filter((u) => u.includes(`/aktivitet/${i.cycleId}`))).toEqual([]);
      }
    });
  }

  it('a status request carries the activity’s own Måldatum from deliver to the message (not “Löpande”)', async () => {
    const signalled: DigestItem[][] = [];
    const client = {
      workflow: {
        signalWithStart: async (_wf: unknown, o: { signalArgs: [DigestItem[]] }) => {
          signalled.push(o.signalArgs[0]);
        },
      },
    } as unknown as Client;
    const delivery = new ChannelDelivery({
      client,
      taskQueue: 'links',
      organisation: new FileOrganisationSource(join(configDir, 'organisation.yaml')),
      rules: () => loadRules(join(configDir, 'rules.yaml')),
      channels: {},
      ledger: undefined as unknown as DigestDeps['ledger'],
      undeliverable: undefined as unknown as DigestDeps['undeliverable'],
      baseUrl: BASE,
    });
    await delivery.deliver({
      workflowId: 'activity-a1',
      planNow: '2022-03-01T08:00:00Z',
      notices: [
        {
          key: 'status:2022',
          kind: 'statusRequest',
          about: {
            type: 'activity',
            id: 'a1',
            text: 'Ta fram en mall',
            department: 'forskola',
            deadline: '2022-06-30',
          },
          to: 'owners',
          recipients: [{ role: 'rektor', raw: 'Rektor' }],
          at: '2022-03-01T07:00:00Z',
          localDate: '2022-03-01',
          reason: 'statusförfrågan inför Kvalitets-/resultatdialog 2022, svara senast 2022-03-31',
          due: '2022-03-31',
        },
      ],
    });
    const items = signalled.flat();
    expect(items.length).toBeGreaterThan(0);
    for (const i of items) {
      expect(i.deadline).toBe('2022-06-30');
      const text = renderEmail(
        digestMessage(
          org,
          rut,
          { digestId: 'd', personId: rut.id, date: '2022-03-01', channel: 'email', items: [i] },
          BASE,
        ),
      ).text;
      expect(text).toContain('Måldatum: 30 juni 2022');
      expect(text).not.toContain('Löpande');
    }
  });
});

describe('a cycle’s finished report in the avdelning’s Teams channel', () => {
  it('is posted once as a card whose one link is the report page; no check-in link in a channel', async () => {
    const posted: Message[] = [];
    const ledger = new MemoryDeliveryLedger();
    const client = { workflow: { signalWithStart: async () => undefined } } as unknown as Client;
    const delivery = new ChannelDelivery({
      client,
      taskQueue: 'links',
      organisation: new FileOrganisationSource(join(configDir, 'organisation.yaml')),
      rules: () => loadRules(join(configDir, 'rules.yaml')),
      channels: {
        teamsChannel: {
          channel: 'teamsChannel',
          send: async (m: Message) => {
            posted.push(m);
            return { providerId: 'card' };
          },
        } as unknown as NonNullable<DigestDeps['channels']['teamsChannel']>,
      },
      ledger,
      undeliverable: undefined as unknown as DigestDeps['undeliverable'],
      baseUrl: BASE,
    });
    const request = {
      workflowId: CYCLE,
      planNow: '2022-05-11T08:00:00Z',
      notices: [
        {
          key: `report:T1:2022:${CYCLE}`,
          kind: 'report' as const,
          about: {
            type: 'report' as const,
            id: CYCLE,
            text: 'Uppföljningsrapport Tertial 1 2022',
            department: 'forskola',
          },
          to: 'avdelningschef' as const,
          recipients: [{ role: 'avdelningschef' as const, raw: 'Avdelningschef' }],
          at: '2022-05-11T06:00:00Z',
          localDate: '2022-05-11',
          reason: 'uppföljningsrapporten för Tertial 1 2022 är klar',
        },
      ],
    };
    await delivery.deliver(request);
    await delivery.deliver(request); // a retried deliver posts nothing more
    expect(posted).toHaveLength(1);
    expect(posted[0]).toMatchObject({ channel: 'teamsChannel', kind: 'report', recipient: { id: 'forskola' } });
    const urls = (JSON.stringify(renderAdaptiveCard(posted[0]!)).match(/"url":"[^"]+"/g) ?? []).map(
      (a) => JSON.parse(`{${a}}`).url as string,
    );
    expect(urls).toEqual([`${BASE}/rapporter/${CYCLE}/rapport.html`]);
    expect(JSON.stringify(renderAdaptiveCard(posted[0]!))).toContain('Öppna rapporten');
  });
});
