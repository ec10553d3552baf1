/**
 * The one-click check-in page (src/checkin/page.ts) on its own: a fake Temporal client answers the
 * page's queries and records its updates, so what a person sees and what gets recorded can be
 * checked without a server. The page against real workflows is walked in test/follow-up/cycle,
 * test/reliability/tokens and the browser test.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerCheckin } from '../../src/checkin/page';
import { signCheckinToken } from '../../src/checkin/token';
import type { Organisation } from '../../src/organisation/schema';

const SECRET = 's'.repeat(40);
const NOW = new Date('2022-04-15T08:00:00Z');
const EXPIRES = '2022-06-01T00:00:00Z';
const HOSTILE = '<script>alert(1)</script> & "citat"';
const head = { role: 'avdelningschef', department: 'forskola' } as const;

const org = {
  departments: [{ id: 'forskola', name: 'Förskola', units: [] }],
  people: [
    { id: 'anna', name: 'Anna Avdelning', email: 'anna@example.se', active: true, roles: [head] },
    {
      id: 'olle',
      name: 'Olle Annan',
      email: 'olle@example.se',
      active: true,
      roles: [{ role: 'avdelningschef', department: 'annan' }],
    },
  ],
} as unknown as Organisation;

/** What each fake lifecycle says about its status (a Klar that can still be undone, …), by activity id. */
const said: Record<string, { status?: string; reportedAt?: string; undoUntil?: string }> = {};
const view = (id: string) => ({
  ...said[id],
  activity: {
    id,
    text: `Aktivitet ${id} ${HOSTILE}`,
    goal: 'Behålla medarbetare',
    deadline: '2022-05-01',
    department: 'forskola',
    owners: [head],
  },
});
const cycle = {
  cycleId: 'cycle-forskola-2022-T1',
  phase: 'open',
  occasion: { label: 'Tertial 1 2022', due: '2022-05-03' },
  activityIds: ['a1'],
  indicators: [
    { id: 'i1', name: `Sjukfrånvaro ${HOSTILE}`, department: 'forskola', owners: [head], annualTarget: '5 %' },
  ],
  values: {},
};

const updates: { workflowId: string; updateId: string; args: unknown[] }[] = [];
const client = {
  workflow: {
    getHandle: (workflowId: string) => ({
      query: async () => (workflowId === cycle.cycleId ? cycle : view(workflowId.replace(/^activity-/, ''))),
      describe: async () => ({ status: { name: 'RUNNING' } }),
      executeUpdate: async (_update: unknown, o: { args: [Record<string, unknown>]; updateId: string }) => {
        updates.push({ workflowId, updateId: o.updateId, args: o.args });
        if (workflowId === cycle.cycleId) return { value: o.args[0].value };
        // An undo (no status in it) goes back to Pågår; Klar can be undone for 30 minutes, as the lifecycle says.
        if (!o.args[0].status) return { ...view('a1'), status: 'inProgress', undoUntil: undefined };
        return {
          ...view('a1'),
          status: o.args[0].status,
          reportedAt: '2022-04-15T08:00:00Z',
          comment: o.args[0].comment,
          ...(o.args[0].status === 'done' ? { undoUntil: '2022-04-15T08:30:00Z' } : {}),
        };
      },
    }),
  },
} as unknown as Client;

let app: FastifyInstance;
beforeAll(async () => {
  app = Fastify();
  await registerCheckin(app, { client, organisation: { load: async () => org }, secret: SECRET, now: () => NOW });
});
afterAll(() => app.close());

const token = (person: string, scope: { activities?: string[]; cycle?: string }) =>
  signCheckinToken(SECRET, { person, ...scope, expires: EXPIRES });
const post = (t: string, fields: Record<string, string>) =>
  app.inject({
    method: 'POST',
    url: `/status/${t}`,
    payload: new URLSearchParams(fields).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });

describe('the check-in page', () => {
  it('shows a Swedish page per activity with four status buttons, a comment and a date; plan text stays text', async () => {
    const page = await app.inject(`/status/${token('anna', { activities: ['a1'] })}?status=late`);
    expect(page.statusCode).toBe(200);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.body).toContain('<html lang="sv">');
    expect(page.body).toContain('<h1>Lämna status</h1>');
    for (const label of ['Klar', 'Pågår', 'Försenad', 'Ej påbörjad']) expect(page.body).toContain(`>${label}</button>`);
    expect(page.body).toContain('<button type="submit" name="status" value="late" autofocus>Försenad</button>');
    expect(page.body).toContain('name="comment"');
    expect(page.body).toContain('name="proposedDate"');
    expect(page.body).toContain('Aktivitet a1 &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;citat&quot;');
    expect(page.body).not.toContain('<script>');
  });

  it("a cycle's link also lists the indicators the person answers for", async () => {
    const page = await app.inject(`/status/${token('anna', { cycle: cycle.cycleId })}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Anna Avdelning, lämna status för Tertial 1 2022 senast 2022-05-03.');
    expect(page.body).toContain('<legend>Indikator: Sjukfrånvaro &lt;script&gt;');
    expect(page.body).toContain('name="indicator" value="i1"');
    expect(page.body).not.toContain('<script>');
  });

  it('records a status once per form (the submission id is the update id) and thanks with what was recorded', async () => {
    updates.length = 0;
    const t = token('anna', { activities: ['a1'] });
    const done = await post(t, {
      submission: 'form-0001',
      activity: 'a1',
      status: 'done',
      confirmed: '1',
      comment: `Klart ${HOSTILE}`,
    });
    expect(done.statusCode).toBe(200);
    expect(done.body).toContain('<h1>Tack, statusen är registrerad</h1>');
    expect(done.body).toContain('Kommentar: Klart &lt;script&gt;');
    expect(done.body).not.toContain('<script>');
    expect(updates).toEqual([
      {
        workflowId: 'activity-a1',
        updateId: 'checkin-form-0001',
        args: [expect.objectContaining({ status: 'done', comment: `Klart ${HOSTILE}` })],
      },
    ]);
    const value = await post(token('anna', { cycle: cycle.cycleId }), {
      submission: 'form-0002',
      indicator: 'i1',
      value: '4 %',
    });
    expect(value.statusCode).toBe(200);
    expect(value.body).toContain('Värdet <strong>4 %</strong> för indikatorn');
    expect(updates[1]).toMatchObject({ workflowId: cycle.cycleId, updateId: 'checkin-form-0002' });
  });

  it('Klar is asked once more before it is recorded; the confirmation carries the comment and records once', async () => {
    updates.length = 0;
    const t = token('anna', { activities: ['a1'] });
    const asked = await post(t, { submission: 'form-0101', activity: 'a1', status: 'done', comment: 'Allt klart' });
    expect(asked.statusCode).toBe(200);
    expect(asked.body).toContain('<h1>Bekräfta Klar</h1>');
    expect(asked.body).toContain('>Ja, klar</button>');
    expect(asked.body).toContain('name="confirmed" value="1"');
    expect(asked.body).toContain('name="comment" value="Allt klart"');
    expect(asked.body).toContain('Nej, tillbaka utan att rapportera');
    expect(updates).toEqual([]);
    const confirmed = await post(t, {
      submission: 'form-0101',
      activity: 'a1',
      status: 'done',
      confirmed: '1',
      comment: 'Allt klart',
    });
    expect(confirmed.statusCode).toBe(200);
    expect(confirmed.body).toContain('<h1>Tack, statusen är registrerad</h1>');
    expect(updates).toEqual([
      {
        workflowId: 'activity-a1',
        updateId: 'checkin-form-0101',
        args: [expect.objectContaining({ status: 'done', comment: 'Allt klart' })],
      },
    ]);
  });

  it('after Klar, "Ångra" while the lifecycle still takes it back; afterwards an explanation, and an undo is refused', async () => {
    updates.length = 0;
    const t = token('anna', { activities: ['a1'] });
    const confirmed = await post(t, { submission: 'form-0401', activity: 'a1', status: 'done', confirmed: '1' });
    expect(confirmed.body).toContain('<h1>Tack, statusen är registrerad</h1>');
    // 08:30Z is 10:30 in Stockholm (summer time).
    expect(confirmed.body).toContain('Du kan ångra Klar till kl 10:30');
    expect(confirmed.body).toContain('name="undo" value="1"');
    expect(confirmed.body).toContain('>Ångra</button>');

    // Opened again while the lifecycle still takes it back: the same button.
    said.a1 = { status: 'done', reportedAt: '2022-04-15T08:00:00Z', undoUntil: '2022-04-15T08:30:00Z' };
    const open = await app.inject(`/status/${t}`);
    expect(open.body).toContain('>Ångra</button>');
    expect(open.body).not.toContain('>Pågår</button>');
    const undone = await post(t, { submission: 'form-0402', activity: 'a1', undo: '1' });
    expect(undone.statusCode).toBe(200);
    expect(undone.body).toContain('<h1>Klar är ångrad</h1>');
    expect(undone.body).toContain('Status nu: <strong>Pågår</strong>');
    expect(updates.at(-1)).toEqual({
      workflowId: 'activity-a1',
      updateId: 'checkin-form-0402',
      args: [{ reporter: expect.objectContaining({ personId: 'anna' }) }],
    });

    // The time is over: the page explains, and an undo is refused before it reaches the lifecycle.
    updates.length = 0;
    said.a1 = { status: 'done', reportedAt: '2022-04-15T08:00:00Z' };
    const closed = await app.inject(`/status/${t}`);
    expect(closed.body).toContain('Tiden för att ångra Klar har gått ut');
    expect(closed.body).not.toContain('>Ångra</button>');
    const late = await post(t, { submission: 'form-0403', activity: 'a1', undo: '1' });
    expect(late.statusCode).toBe(410);
    expect(late.body).toContain('<h1>Klar kan inte längre ångras</h1>');
    expect(late.body).toContain('Inget har ändrats');
    // Nothing reported Klar: nothing to undo.
    said.a1 = {};
    const nothing = await post(t, { submission: 'form-0404', activity: 'a1', undo: '1' });
    expect(nothing.statusCode).toBe(409);
    expect(nothing.body).toContain('Det finns inget att ångra');
    expect(updates).toEqual([]);
  });

  it('Försenad needs a new date after today (plan time), in Swedish, and records nothing otherwise', async () => {
    updates.length = 0;
    const t = token('anna', { activities: ['a1'] });
    // NOW is 2022-04-15.
    for (const [proposedDate, text] of [
      ['1999-01-01', 'Det nya datumet 1999-01-01 måste ligga efter i dag (2022-04-15)'],
      ['2022-04-15', 'Det nya datumet 2022-04-15 måste ligga efter i dag (2022-04-15)'],
      ['snart', '”snart” är inte ett datum'],
      ['', 'Försenad kräver ett nytt föreslaget datum'],
    ] as const) {
      const res = await post(t, {
        submission: `form-02${proposedDate.length}x`,
        activity: 'a1',
        status: 'late',
        proposedDate,
      });
      expect(res.statusCode, proposedDate).toBe(400);
      expect(res.body).toContain('<html lang="sv">');
      expect(res.body).toContain('role="alert"');
      expect(res.body).toContain(text);
      expect(res.body).toContain('Inget har registrerats');
    }
    expect(updates).toEqual([]);
    const ok = await post(t, { submission: 'form-0299', activity: 'a1', status: 'late', proposedDate: '2022-04-16' });
    expect(ok.statusCode).toBe(200);
    expect(updates).toEqual([
      expect.objectContaining({ args: [expect.objectContaining({ proposedDate: '2022-04-16' })] }),
    ]);
  });

  it('an expired or changed link says what to do next: the latest message, or sign in', async () => {
    const expired = await app.inject(
      `/status/${signCheckinToken(SECRET, { person: 'anna', activities: ['a1'], expires: '2022-04-01T00:00:00Z' })}`,
    );
    expect(expired.statusCode).toBe(410);
    expect(expired.body).toContain('Använd länken i ditt senaste meddelande');
    expect(expired.body).toContain('href="/logga-in"');
    const changed = await app.inject('/status/not-a-token');
    expect(changed.body).toContain('Öppna länken direkt från meddelandet igen');
    expect(changed.body).toContain('href="/logga-in"');
  });

  it('every rejection is a clear page and records nothing', async () => {
    updates.length = 0;
    const t = token('anna', { activities: ['a1'] });
    const cases = [
      { res: await app.inject('/status/not-a-token'), code: 400, text: 'Länken är ogiltig' },
      {
        res: await app.inject(
          `/status/${signCheckinToken(SECRET, { person: 'anna', activities: ['a1'], expires: '2022-04-01T00:00:00Z' })}`,
        ),
        code: 410,
        text: 'Länken har gått ut',
      },
      {
        res: await app.inject(`/status/${token('olle', { activities: ['a1'] })}`),
        code: 403,
        text: 'inte ansvarig för aktiviteten',
      },
      { res: await post(t, { activity: 'a1', status: 'done' }), code: 400, text: 'Formuläret saknar sitt id' },
      {
        res: await post(t, { submission: 'form-0003', activity: 'a9', status: 'done' }),
        code: 403,
        text: 'Aktiviteten hör inte till dig',
      },
      {
        res: await post(t, { submission: 'form-0004', activity: 'a1', status: 'klart' }),
        code: 400,
        text: 'Välj en status',
      },
    ];
    for (const { res, code, text } of cases) {
      expect(res.statusCode).toBe(code);
      expect(res.body).toContain('<html lang="sv">');
      expect(res.body).toContain(text);
    }
    expect(updates).toEqual([]);
  });
});
