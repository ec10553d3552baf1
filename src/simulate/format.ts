import { csvText, html, joinHtml, plural, type SafeHtml } from '../domain';
import { personOfLabel, type SimulatedMessage, type Simulation } from './simulate';
import { stockholmTime } from '../calendar';

/** How a person reads an event kind. */
const KIND: Record<SimulatedMessage['kind'], string> = {
  reminder: 'påminnelse',
  deadline: 'påminnelse (måldatum)',
  overdue: 'påminnelse (försenad)',
  escalation: 'eskalering',
  statusRequest: 'statusförfrågan',
};

export interface TimelineRow {
  datum: string;
  tid: string;
  mottagare: string;
  kanal: string;
  typ: string;
  aktivitet: string;
  varför: string;
}

export function timelineRows(sim: Simulation): TimelineRow[] {
  return sim.messages.map((m) => ({
    datum: m.localDate,
    tid: stockholmTime(m.at),
    mottagare: m.recipients.join('; ') || '(ingen mottagare: lucka i organisationen)',
    kanal: m.channel,
    typ: KIND[m.kind],
    aktivitet: `${m.activity.department}: ${short(m.activity.text, 60)}`,
    varför: m.reason,
  }));
}

export interface Summary {
  months: { month: string; events: number; messages: number; escalations: number }[];
  people: { person: string; events: number; messages: number; escalations: number }[];
  busiestDay: { date: string; messages: number } | undefined;
  totalEvents: number;
  /** Digests: one per person, day and channel, however many events it gathers. */
  totalMessages: number;
}

/** Per month and per person: events, the digest messages they make, escalations; the busiest day. */
export function summarise(sim: Simulation): Summary {
  const digests = new Set<string>();
  const months = new Map<string, Summary['months'][number]>();
  const people = new Map<string, Summary['people'][number]>();
  const days = new Map<string, Set<string>>();
  for (const m of sim.messages) {
    const month = months.get(m.localDate.slice(0, 7)) ?? {
      month: m.localDate.slice(0, 7),
      events: 0,
      messages: 0,
      escalations: 0,
    };
    months.set(month.month, month);
    month.events++;
    if (m.kind === 'escalation') month.escalations++;
    // One person may be reached in two roles (förvaltningschef and förvaltningsledning): one digest.
    for (const person of new Set(m.recipients.map(personOfLabel))) {
      const p = people.get(person) ?? { person, events: 0, messages: 0, escalations: 0 };
      people.set(person, p);
      p.events++;
      if (m.kind === 'escalation') p.escalations++;
      const digest = `${person}|${m.localDate}|${m.channel}`;
      if (!digests.has(digest)) {
        digests.add(digest);
        p.messages++;
        month.messages++;
        const day = days.get(m.localDate) ?? new Set();
        days.set(m.localDate, day.add(digest));
      }
    }
  }
  const busiest = [...days].sort((a, b) => b[1].size - a[1].size || a[0].localeCompare(b[0]))[0];
  return {
    months: [...months.values()].sort((a, b) => a.month.localeCompare(b.month)),
    people: [...people.values()].sort((a, b) => b.messages - a.messages || a.person.localeCompare(b.person)),
    busiestDay: busiest && { date: busiest[0], messages: busiest[1].size },
    totalEvents: sim.messages.length,
    totalMessages: digests.size,
  };
}

export function formatTable(sim: Simulation): string {
  const rows = timelineRows(sim);
  const headers = Object.keys(
    rows[0] ?? { datum: '', tid: '', mottagare: '', kanal: '', typ: '', aktivitet: '', varför: '' },
  ) as (keyof TimelineRow)[];
  const widths = headers.map((h) => Math.min(60, Math.max(h.length, ...rows.map((r) => r[h].length))));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => short(c, widths[i]!).padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  const s = summarise(sim);
  return [
    line(headers.map((h) => h[0]!.toUpperCase() + h.slice(1))),
    ...rows.map((r) => line(headers.map((h) => r[h]))),
    '',
    `Sammanfattning: ${plural(sim.activities, 'aktivitet', 'aktiviteter')}, ${plural(s.totalEvents, 'händelse', 'händelser')}; samlade per person, dag och kanal blir det ${plural(s.totalMessages, 'meddelande', 'meddelanden')}.`,
    ...(s.busiestDay
      ? [`Mest belastade dag: ${s.busiestDay.date} med ${plural(s.busiestDay.messages, 'meddelande', 'meddelanden')}.`]
      : []),
    'Per månad:',
    ...s.months.map(
      (m) =>
        `  ${m.month}  ${String(m.messages).padStart(5)} meddelanden  ${String(m.escalations).padStart(4)} eskaleringar`,
    ),
    'Per person:',
    ...s.people.map(
      (p) =>
        `  ${short(p.person, 50).padEnd(50)} ${String(p.messages).padStart(4)} meddelanden  ${String(p.escalations).padStart(3)} eskaleringar`,
    ),
    ...(sim.refused.length ? ['Scenariorader som inte kunde tillämpas:', ...sim.refused.map((r) => `  ${r}`)] : []),
  ].join('\n');
}

/** RFC 4180 CSV; cells that a spreadsheet would run as a formula are prefixed with an apostrophe. */
export function formatCsv(sim: Simulation): string {
  const rows = timelineRows(sim);
  const headers = ['datum', 'tid', 'mottagare', 'kanal', 'typ', 'aktivitet', 'varför'] as const;
  return csvText([[...headers], ...rows.map((r) => headers.map((h) => r[h]))]);
}

export function formatHtml(sim: Simulation, title: string): string {
  const rows = timelineRows(sim);
  const s = summarise(sim);
  const td = (v: string) => html`<td>${v}</td>`;
  const lines = (items: SafeHtml[]) => joinHtml(items, html`\n`);
  return html`<!doctype html>
<html lang="sv"><head><meta charset="utf-8"><title>Förhandsvisning: ${title}</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;color:#1a1a1a}table{border-collapse:collapse}th,td{border:1px solid #767676;padding:.25rem .5rem;text-align:left;vertical-align:top}th{background:#f0f0f0}</style></head>
<body><main><h1>Förhandsvisning: ${title}</h1>
<p>${plural(sim.activities, 'aktivitet', 'aktiviteter')}, ${plural(s.totalEvents, 'händelse', 'händelser')}; samlade per person, dag och kanal blir det ${plural(s.totalMessages, 'meddelande', 'meddelanden')}${s.busiestDay ? `; mest belastade dag ${s.busiestDay.date} med ${plural(s.busiestDay.messages, 'meddelande', 'meddelanden')}` : ''}.</p>
<table><caption>Allt Planvakt skulle skicka</caption>
<thead><tr><th scope="col">Datum</th><th scope="col">Tid</th><th scope="col">Mottagare</th><th scope="col">Kanal</th><th scope="col">Typ</th><th scope="col">Aktivitet</th><th scope="col">Varför</th></tr></thead>
<tbody>
${lines(rows.map((r) => html`<tr>${td(r.datum)}${td(r.tid)}${td(r.mottagare)}${td(r.kanal)}${td(r.typ)}${td(r.aktivitet)}${td(r.varför)}</tr>`))}
</tbody></table>
<h2>Per månad</h2><table><thead><tr><th scope="col">Månad</th><th scope="col">Meddelanden</th><th scope="col">Eskaleringar</th></tr></thead><tbody>
${lines(s.months.map((m) => html`<tr>${td(m.month)}${td(String(m.messages))}${td(String(m.escalations))}</tr>`))}
</tbody></table>
<h2>Per person</h2><table><thead><tr><th scope="col">Person</th><th scope="col">Meddelanden</th><th scope="col">Eskaleringar</th></tr></thead><tbody>
${lines(s.people.map((p) => html`<tr>${td(p.person)}${td(String(p.messages))}${td(String(p.escalations))}</tr>`))}
</tbody></table></main></body></html>
`.value;
}

function short(text: string, max: number): string {
  const one = text.replace(/\s+/g, ' ');
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

const MONTHS = [
  'januari',
  'februari',
  'mars',
  'april',
  'maj',
  'juni',
  'juli',
  'augusti',
  'september',
  'oktober',
  'november',
  'december',
];

/** "14 mars 2026": a Stockholm date as a person reads it. */
export function swedishDate(date: string): string {
  const [y, m, d] = date.split('-').map(Number);
  return `${d} ${MONTHS[m! - 1]} ${y}`;
}
