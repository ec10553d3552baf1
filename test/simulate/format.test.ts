import { describe, expect, it } from 'vitest';
import { formatCsv, formatHtml, summarise, timelineRows } from '../../src/simulate/format';
import type { Simulation } from '../../src/simulate/simulate';

const hostile = '=HYPERLINK("http://x") <script>alert(1)</script> & "citat"';
const message = (over: Partial<Simulation['messages'][number]>): Simulation['messages'][number] => ({
  workflowId: 'activity-a',
  activityId: 'a',
  key: 'k',
  kind: 'reminder',
  to: 'owners',
  at: '2022-12-02T07:00:00.000Z',
  localDate: '2022-12-02',
  reason: 'påminnelse 20 arbetsdagar före måldatum 2022-12-31',
  recipients: ['Anna Andersson (Enhetschef)'],
  channel: 'email',
  activity: {
    id: 'a',
    plan: 'p',
    department: 'forskola',
    section: 'Utveckla',
    goal: 'g',
    text: hostile,
    deadlineRaw: '',
    milestones: [],
    owners: [],
    cadences: [],
    followUp: '',
    source: { file: 'f', line: 1 },
  },
  ...over,
});

const sim: Simulation = {
  activities: 2,
  refused: [],
  messages: [
    message({}),
    message({ activityId: 'b', key: 'k2' }),
    message({
      activityId: 'b',
      key: 'k3',
      kind: 'escalation',
      to: 'avdelningschef',
      localDate: '2022-12-05',
      at: '2022-12-05T07:00:00.000Z',
      recipients: ['Bo Berg (Avdelningschef)', 'Bo Berg (HR)'],
    }),
  ],
};

describe('simulate output', () => {
  it('writes the timeline in Swedish, local time', () => {
    expect(timelineRows(sim)[0]).toMatchObject({
      datum: '2022-12-02',
      tid: '08:00',
      typ: 'påminnelse',
      kanal: 'email',
    });
    expect(timelineRows(sim)[2]).toMatchObject({ typ: 'eskalering' });
  });

  it('counts one message per person, day and channel, and one per person across roles', () => {
    const s = summarise(sim);
    expect(s.totalEvents).toBe(3);
    expect(s.totalMessages).toBe(2); // Anna on 12-02 (two events, one digest); Bo on 12-05 (two roles, one person)
    expect(s.people.find((p) => p.person === 'Bo Berg')).toMatchObject({ messages: 1, escalations: 1 });
    expect(s.busiestDay).toEqual({ date: '2022-12-02', messages: 1 });
  });

  it('neutralises spreadsheet formulas in CSV and quotes what needs it', () => {
    const csv = formatCsv(sim);
    expect(csv.split('\r\n')[0]).toBe('datum,tid,mottagare,kanal,typ,aktivitet,varför');
    expect(csv).not.toMatch(/(^|,)=HYPERLINK/m);
    expect(csv).toContain('""citat""');
  });

  it('escapes plan text in HTML and declares Swedish', () => {
    const html = formatHtml(sim, hostile);
    expect(html).toContain('<html lang="sv">');
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;citat&quot;');
  });
});
