import { describe, expect, it } from 'vitest';
import { DeliveryError } from '../../src/delivery/errors';
import {
  escapeCardMarkdown,
  renderAdaptiveCard,
  renderEmail,
  renderTeamsActivityNotification,
  unescapeCardMarkdown,
} from '../../src/delivery/templates';
import { validateCard } from './card-schema';
import { HOSTILE, HOSTILE_JSON, item, message } from './fixtures';

const hostile = message({
  recipient: { id: 'p-1', name: '<b>Åsa</b> Öberg', email: 'asa@kommun.se', teamsUserId: 'u-1' },
  items: [item({ activityText: HOSTILE, goal: HOSTILE_JSON, department: 'Förskola & "fritids"', reason: HOSTILE })],
});

/** Every text node a card shows, after the markdown escapes are taken off. */
function cardTexts(card: unknown): string[] {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (typeof o.text === 'string') out.push(unescapeCardMarkdown(o.text));
      if (typeof o.value === 'string') out.push(unescapeCardMarkdown(o.value));
      Object.values(o).forEach(walk);
    }
  };
  walk(card);
  return out;
}

describe('renderEmail', () => {
  it('writes Swedish text with the municipality, the activity and its links in both parts', () => {
    const mail = renderEmail(message());
    expect(mail.subject).toBe('Påminnelse: Erbjuda chefer utbildning i arbetsmiljö');
    for (const part of [mail.text, mail.html]) {
      expect(part).toContain('Hej Anna!');
      expect(part).toContain('Exempelstads kommun');
      expect(part).toContain('31 december 2025');
      expect(part).toContain('https://planvakt.kommun.se/aktivitet/kfp-2022-utveckla-3');
      for (const label of ['Klar', 'Pågår', 'Försenad', 'Ej påbörjad']) expect(part).toContain(label);
    }
    expect(mail.html).toContain('lang="sv"');
  });

  it('escapes hostile plan text in HTML and keeps it verbatim in the text part', () => {
    const mail = renderEmail(hostile);
    expect(mail.html).not.toMatch(/<script|<b>|"\}\]\}/);
    expect(mail.html).toContain(
      '&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;citat&quot; *fet* {{mall}} =SUMMA(A1)',
    );
    expect(mail.html).toContain('Hej &lt;b&gt;Åsa&lt;/b&gt;!');
    expect(mail.html).not.toContain('href="javascript');
    // Only our own markup remains: every tag in the HTML is from the template's fixed set.
    const tags = new Set([...mail.html.matchAll(/<\/?([a-zA-Z!]+)/g)].map((m) => m[1]!.toLowerCase()));
    expect([...tags].sort()).toEqual([
      '!doctype',
      'a',
      'body',
      'br',
      'div',
      'head',
      'html',
      'li',
      'meta',
      'p',
      'table',
      'td',
      'title',
      'tr',
      'ul',
    ]);
    expect(mail.text).toContain(HOSTILE);
    expect(mail.text).toContain(HOSTILE_JSON);
  });

  it('keeps line breaks and controls out of the subject and thread headers', () => {
    const mail = renderEmail(message({ items: [item({ activityText: 'Rad ett\r\nBcc: ond@example.com\u0000' })] }));
    expect(mail.subject).toBe('Påminnelse: Rad ett Bcc: ond@example.com');
    expect(mail.headers.other['Thread-Topic']).toBe('Rad ett Bcc: ond@example.com');
  });

  it('threads all messages of one activity under one root, whatever kind or day', () => {
    const a = renderEmail(message()).headers;
    const b = renderEmail(message({ kind: 'escalation', date: '2026-01-20', eventKey: 'escalation-1' })).headers;
    expect(a.messageId).not.toBe(b.messageId);
    expect(a.inReplyTo).toBe(b.inReplyTo);
    expect(a.references).toEqual(b.references);
    expect(a.other['Thread-Index']).toBe(b.other['Thread-Index']);
    expect(Buffer.from(a.other['Thread-Index']!, 'base64')).toHaveLength(22);
    const other = renderEmail(message({ items: [item({ activityId: 'annan' })] })).headers;
    expect(other.inReplyTo).not.toBe(a.inReplyTo);
  });
});

describe('digest', () => {
  const digest = message({
    kind: 'statusRequest',
    items: [
      item({
        activityId: 'a1',
        activityText: 'Första aktiviteten',
        reason: 'Tertial 1: lämna status',
        kind: 'statusRequest',
      }),
      item({
        activityId: 'a2',
        activityText: 'Andra aktiviteten',
        reason: 'Måldatum om 7 dagar',
        kind: 'reminder',
        deadline: '2026-01-15',
      }),
      item({
        activityId: 'a1',
        activityText: 'Första aktiviteten',
        reason: 'Försenad sedan 3 dagar',
        kind: 'escalation',
      }),
    ],
  });

  it('groups the items by activity, in order, with each reason once', () => {
    const mail = renderEmail(digest);
    expect(mail.subject).toBe('Statusförfrågan: 2 aktiviteter den 17 december 2025');
    const first = mail.text.indexOf('■ Första aktiviteten');
    const second = mail.text.indexOf('■ Andra aktiviteten');
    expect(first).toBeGreaterThan(0);
    expect(second).toBeGreaterThan(first);
    expect(mail.text.match(/■ /g)).toHaveLength(2);
    const firstBlock = mail.text.slice(first, second);
    expect(firstBlock).toContain('• Tertial 1: lämna status');
    expect(firstBlock).toContain('• Eskalering: Försenad sedan 3 dagar');
    expect(mail.text.slice(second)).toContain('• Påminnelse: Måldatum om 7 dagar');
    expect(mail.text).toContain('de här 2 aktiviteterna');
    expect(mail.headers.references).toHaveLength(2);
    expect(mail.headers.other['Thread-Topic']).toBe('Planvakt Exempelstads kommun: dagens sammanställning');
  });

  it('renders the same groups in the card', () => {
    const card = renderAdaptiveCard({ ...digest, channel: 'teamsChannel' });
    expect(validateCard(card)).toEqual([]);
    const containers = card.body.filter((b) => b.type === 'Container');
    expect(containers).toHaveLength(2);
  });
});

describe('renderAdaptiveCard', () => {
  it('produces a valid Adaptive Card 1.4 with a status button per Status', () => {
    const card = renderAdaptiveCard(
      message({ channel: 'teamsChannel', recipient: { id: 'forskola', name: 'Förskola' } }),
    );
    expect(card.version).toBe('1.4');
    expect(validateCard(card)).toEqual([]);
    const texts = cardTexts(card);
    expect(texts).toContain('Hej alla på Förskola! Det här är en påminnelse om en aktivitet som du är ansvarig för.');
    const json = JSON.stringify(card);
    for (const label of ['"Klar"', '"Pågår"', '"Försenad"', '"Ej påbörjad"', '"Öppna aktiviteten"'])
      expect(json).toContain(label);
  });

  it('keeps hostile plan text inert: no markdown, no date functions, no JSON break-out', () => {
    const card = renderAdaptiveCard({ ...hostile, channel: 'teamsChannel' });
    expect(validateCard(card)).toEqual([]);
    const texts = cardTexts(card);
    // What the reader sees is the planner's text, character for character.
    expect(texts).toContain(HOSTILE);
    expect(texts).toContain(HOSTILE_JSON);
    // What the host parses has every markup character escaped.
    const raw = JSON.stringify(card);
    expect(raw).not.toMatch(/(?<!\\)\*fet(?<!\\)\*/);
    expect(raw).not.toMatch(/(?<!\\\\)\{\{/);
    expect(raw).not.toContain('](javascript');
    const actions = JSON.parse(raw, (_k, v: unknown) => v) as typeof card;
    const urls = JSON.stringify(actions).match(/"url":"[^"]*"/g) ?? [];
    expect(urls.every((u) => u.startsWith('"url":"https://planvakt.kommun.se/'))).toBe(true);
  });

  it('escapes markdown so that unescaping gives the text back', () => {
    const samples = [
      HOSTILE,
      '- punkt\n1. första\n+ plus\n  # rubrik',
      'C:\\mapp\\fil',
      '> citat | tabell ~~struken~~ `kod`',
    ];
    for (const s of samples) {
      expect(unescapeCardMarkdown(escapeCardMarkdown(s))).toBe(s);
      expect(escapeCardMarkdown(s)).not.toMatch(/^(\s*)[-+#>]/m);
      expect(escapeCardMarkdown(s)).not.toMatch(/^\s*\d+\./m);
    }
  });
});

describe('renderTeamsActivityNotification', () => {
  it('builds the Graph body with a declared activity type and plain preview text', () => {
    const n = renderTeamsActivityNotification(message({ channel: 'teams' }));
    expect(n.activityType).toBe('reminder');
    expect(n.topic).toEqual({
      source: 'text',
      value: 'Planvakt · Påminnelse',
      webUrl: 'https://planvakt.kommun.se/checkin/abc?sig=1',
    });
    expect(n.templateParameters).toEqual([{ name: 'title', value: 'Erbjuda chefer utbildning i arbetsmiljö' }]);
    expect(n.previewText.content).toBe('Påminnelse: Måldatum om 14 dagar');
    expect(Number.isSafeInteger(n.chainId)).toBe(true);
    expect(renderTeamsActivityNotification(message({ channel: 'teams' })).chainId).toBe(n.chainId);
  });

  it('says the kind once when the reason already starts with it (issue 19: "Påminnelse: Påminnelse …")', () => {
    const n = renderTeamsActivityNotification(
      message({ channel: 'teams', items: [item({ reason: 'Påminnelse 5 arbetsdagar före måldatum 2025-12-31' })] }),
    );
    expect(n.previewText.content).toBe('Påminnelse 5 arbetsdagar före måldatum 2025-12-31');
  });

  it('deep-links into the Teams app when its id is configured', () => {
    const n = renderTeamsActivityNotification(message({ channel: 'teams' }), {
      teamsAppId: 'app-1',
      tabEntityId: 'planvakt',
    });
    const url = new URL(n.topic.webUrl);
    expect(url.pathname).toBe('/l/entity/app-1/planvakt');
    expect(url.searchParams.get('webUrl')).toBe('https://planvakt.kommun.se/checkin/abc?sig=1');
    expect(JSON.parse(url.searchParams.get('context')!)).toEqual({ subEntityId: 'kfp-2022-utveckla-3' });
    expect(n.teamsAppId).toBe('app-1');
  });

  it('carries hostile text as one plain line within the length limits', () => {
    const n = renderTeamsActivityNotification({
      ...hostile,
      channel: 'teams',
      items: [item({ activityText: `${HOSTILE}\n${'x'.repeat(300)}` })],
    });
    const body = JSON.parse(JSON.stringify(n)) as typeof n;
    expect(body.templateParameters[0]!.value.startsWith(HOSTILE)).toBe(true);
    expect(body.templateParameters[0]!.value).not.toContain('\n');
    expect(Array.from(body.templateParameters[0]!.value)).toHaveLength(150);
    expect(body.previewText.content.length).toBeLessThanOrEqual(150);
  });
});

describe('links', () => {
  it('refuses a non-http link instead of rendering it', () => {
    const bad = message({ items: [item({ checkInUrl: 'javascript:alert(1)' })] });
    expect(() => renderEmail(bad)).toThrow(DeliveryError);
    try {
      renderAdaptiveCard(bad);
    } catch (e) {
      expect((e as DeliveryError).retryable).toBe(false);
      expect((e as DeliveryError).code).toBe('invalidMessage');
    }
    expect.assertions(3);
  });
});

describe('the card validator itself', () => {
  it('rejects unknown elements, invalid values, unknown properties and elements newer than the version', () => {
    const base = {
      type: 'AdaptiveCard',
      $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
      version: '1.4',
    };
    expect(validateCard({ ...base, body: [{ type: 'Bogus' }] })).not.toEqual([]);
    expect(validateCard({ ...base, body: [{ type: 'TextBlock', text: 'x', size: 'huge' }] })).not.toEqual([]);
    expect(validateCard({ ...base, body: [{ type: 'TextBlock', text: 'x', colour: 'red' }] })).not.toEqual([]);
    expect(validateCard({ ...base, body: [{ type: 'Table', columns: [{ width: 1 }], rows: [] }] })).not.toEqual([]);
    expect(validateCard({ ...base, version: '9.9', body: [] })).not.toEqual([]);
    expect(validateCard({ ...base, body: [{ type: 'TextBlock', text: 'x', wrap: true }] })).toEqual([]);
  });
});

describe('a line of another kind in a digest', () => {
  it('names its kind once: "Påminnelse: påminnelse: …" says it twice', () => {
    const text = renderEmail(
      message({
        kind: 'statusRequest',
        items: [
          item({ kind: 'statusRequest', reason: 'Statusförfrågan inför VB 2022' }),
          item({
            activityId: 'annan',
            kind: 'reminder',
            reason: 'Påminnelse: status för Verksamhetsberättelse 2022 ska lämnas senast 2023-01-20',
          }),
          item({ activityId: 'tredje', kind: 'reminder', reason: 'Måldatum om 5 arbetsdagar' }),
        ],
      }),
    ).text;
    expect(text).toContain('• Påminnelse: status för Verksamhetsberättelse 2022');
    expect(text).not.toMatch(/Påminnelse: påminnelse/i);
    expect(text).toContain('• Påminnelse: Måldatum om 5 arbetsdagar');
  });
});
