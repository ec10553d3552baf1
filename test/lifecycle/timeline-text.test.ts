import { describe, expect, it } from 'vitest';
import { endsCancelled, sentText, timelineText, type TimelineEntry } from '../../src/lifecycle';
import { reportsOf } from '../../src/follow-up';

type Sent = Extract<TimelineEntry, { type: 'sent' }>;

// Issue 17: a reminder handed over at 14:33 waits in the next working day's digest; the timeline
// must not say it was sent to Rut and Sven at 14:33.
const sent: Sent = {
  at: '2022-12-01T13:33:00.000Z',
  type: 'sent',
  event: {
    key: 'reminder:2022-12-09:5',
    kind: 'reminder',
    to: 'owners',
    reason: 'påminnelse 5 arbetsdagar före måldatum 2022-12-09',
  },
  recipients: ['Rut Rektor', 'Sven Skola'],
  digests: [{ date: '2022-12-02', sendAt: '2022-12-02T07:00:00.000Z' }],
};

describe('timelineText: gathered into a digest is not sent', () => {
  it('says "samlad i utskicket <datum> kl <tid>" until the digest goes out', () => {
    expect(sentText(sent, '2022-12-01T13:34:00.000Z')).toBe(
      'samlad i utskicket 2022-12-02 kl 08:00 till Rut Rektor och Sven Skola',
    );
    expect(timelineText(sent, '2022-12-01T13:34:00.000Z')).toBe(
      'påminnelse 5 arbetsdagar före måldatum 2022-12-09: samlad i utskicket 2022-12-02 kl 08:00 till Rut Rektor och Sven Skola',
    );
  });

  it('says "skickad" once the digest has gone out, for an immediate message, and without a digest receipt', () => {
    expect(sentText(sent, '2022-12-02T07:00:00.000Z')).toBe('skickad till Rut Rektor och Sven Skola');
    expect(
      sentText({ ...sent, digests: [{ ...sent.digests![0]!, immediate: true }] }, '2022-12-01T13:34:00.000Z'),
    ).toBe('skickad till Rut Rektor och Sven Skola');
    const { digests: _, ...plain } = sent;
    expect(sentText(plain, '2022-12-01T13:34:00.000Z')).toBe('skickad till Rut Rektor och Sven Skola');
  });
});

describe('a Klar taken back ("Ångra")', () => {
  const rut = { personId: 'rut', name: 'Rut Rektor', roles: ['rektor' as const] };
  const timeline: TimelineEntry[] = [
    { at: '2022-05-02T08:00:00.000Z', type: 'reported', report: { reporter: rut, status: 'inProgress' } },
    { at: '2022-05-03T08:00:00.000Z', type: 'reported', report: { reporter: rut, status: 'done' } },
    { at: '2022-05-03T08:10:00.000Z', type: 'undone', by: 'Rut Rektor', restored: 'inProgress' },
  ];
  it('the timeline says who took it back and what the status is again', () => {
    expect(timelineText(timeline[2]!, timeline[2]!.at)).toBe('Klar ångrad av Rut Rektor, status åter Pågår');
  });
  it('is no answer to a follow-up: the report before it stands', () => {
    expect(reportsOf(timeline).map((a) => a.status)).toEqual(['inProgress']);
  });
});

describe('endsCancelled and the activity page’s entries', () => {
  const cancelled: TimelineEntry = {
    at: '2022-06-02T07:00:00.000Z',
    type: 'cancelled',
    reason: 'Ersätts',
    by: 'Anna Avdelning',
  };
  const reopened: TimelineEntry = {
    at: '2022-06-03T07:00:00.000Z',
    type: 'reopened',
    by: 'Hanna HR-chef',
    reason: 'Behövs ändå',
    was: 'cancelled',
  };
  it('a cancellation counts until the activity is opened again (the follow-up asks it of a reopened one)', () => {
    expect(endsCancelled([cancelled])).toBe(true);
    expect(endsCancelled([cancelled, reopened])).toBe(false);
    expect(endsCancelled([])).toBe(false);
  });
  it('names who closed, opened or added it, and why', () => {
    expect(timelineText(cancelled, cancelled.at)).toBe('avbruten av Anna Avdelning, skäl: Ersätts');
    expect(timelineText({ at: cancelled.at, type: 'cancelled', reason: 'Borttagen ur planen' }, cancelled.at)).toBe(
      'avslutad: Borttagen ur planen',
    );
    expect(timelineText(reopened, reopened.at)).toBe('öppnad igen av Hanna HR-chef (var Avbruten), skäl: Behövs ändå');
    expect(
      timelineText({ at: reopened.at, type: 'closed', by: 'Hanna HR-chef', reason: 'Genomförd' }, reopened.at),
    ).toBe('klarmarkerad av Hanna HR-chef, skäl: Genomförd');
    expect(timelineText({ at: reopened.at, type: 'added', by: 'Hanna HR-chef', reason: 'Beslut' }, reopened.at)).toBe(
      'tillagd i Planvakt av Hanna HR-chef, skäl: Beslut',
    );
  });
});
