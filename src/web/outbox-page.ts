/**
 * "Utkorg": every message the dev outbox caught, as the person would see it (the email's own HTML
 * in a sandboxed frame, the Teams notification's title and preview, the channel card's text),
 * and every message that reached no channel. All text is escaped here; the email HTML was
 * escaped by the templates and is shown only inside `srcdoc` of a sandbox without scripts.
 */
import { readOutboxFile, type OutboxEntry } from '../delivery/dev-sink';
import { CHANNELS } from '../delivery/message';
import { unescapeCardMarkdown } from '../domain/escape';
import { readUndeliverableFile, type UndeliverableEntry } from '../delivery/undeliverable';
import { escapeHtml as e } from '../domain/escape';

export interface OutboxPageOptions {
  outbox: string;
  undeliverable: string;
  /** True when the dev outbox is in use (nothing real configured). */
  devOutbox: boolean;
}

const SHOWN = 200;
const STAMP = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm', dateStyle: 'short', timeStyle: 'medium' });

export async function renderOutboxPage(opts: OutboxPageOptions): Promise<string> {
  const [entries, undeliverable] = await Promise.all([readOutboxFile(opts.outbox), readUndeliverableFile(opts.undeliverable)]);
  const intro = opts.devOutbox
    ? '<p>Ingen riktig e-post eller Teams är inställd, så Planvakt skickar till en inbyggd utkorg. Här syns varje meddelande så som mottagaren skulle se det.</p>'
    : '<p>E-post och Teams är inställda: meddelanden går till mottagarna och syns inte här. Listan nedan visar det som fångades i utvecklingsläge.</p>';
  const failed = undeliverable.length
    ? `<section><h2>Ej levererade (${undeliverable.length})</h2><p>Meddelanden som ingen kanal tog emot, och roller som ingen kunde ta emot. HR har fått e-post om dem där det gick.</p>
<ul class="failed">${undeliverable.map(undeliverableItem).join('\n')}</ul></section>`
    : '';
  const list = entries.length
    ? entries.slice(0, SHOWN).map(entry).join('\n')
    : '<p>Utkorgen är tom. Meddelanden hamnar här när en aktivitets påminnelse, statusförfrågan eller eskalering går ut.</p>';
  const more = entries.length > SHOWN ? `<p>Visar de ${SHOWN} senaste av ${entries.length} meddelanden.</p>` : '';
  return `<!doctype html>
<html lang="sv"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Utkorg – Planvakt</title>
<style>
body{font-family:system-ui,sans-serif;margin:0 auto;max-width:60rem;padding:1rem}
article{border:1px solid #ccc;border-radius:6px;margin:1rem 0;padding:.75rem}
.meta{color:#555;font-size:.9em}
iframe{width:100%;height:28rem;border:1px solid #ddd;background:#fff}
.failed li{margin:.5rem 0}
.teams{background:#f3f2f9;border-left:4px solid #6264a7;padding:.5rem}
</style></head>
<body><main><p><a href="/">Planvakt</a></p><h1>Utkorg</h1>
${intro}${failed}<section><h2>Meddelanden (${entries.length})</h2>${more}
${list}</section></main></body></html>`;
}

function entry(m: OutboxEntry): string {
  const when = STAMP.format(new Date(m.receivedAt));
  const head = `<p class="meta">${e(CHANNELS[m.channel] ?? m.channel)} · till ${e(m.to)} · ${e(when)}</p><h3>${e(m.subject)}</h3>`;
  let body = '';
  if (m.channel === 'email') {
    body = m.html
      ? `<iframe sandbox="" referrerpolicy="no-referrer" title="${e(m.subject)}" srcdoc="${e(m.html)}"></iframe>`
      : `<pre>${e(m.text ?? '')}</pre>`;
    if (m.html && m.text) body += `<details><summary>Textversion</summary><pre>${e(m.text)}</pre></details>`;
  } else if (m.notification) {
    const n = m.notification;
    body = `<div class="teams"><strong>${e(n.templateParameters.find((p) => p.name === 'title')?.value ?? '')}</strong><br>${e(n.previewText.content)}<br><a href="${e(n.topic.webUrl)}" rel="noreferrer">${e(n.topic.value)}</a></div>`;
  } else if (m.card) {
    const texts: string[] = [];
    const walk = (items: unknown[]) => {
      for (const it of items as { type?: string; text?: string; items?: unknown[]; facts?: { title: string; value: string }[] }[]) {
        if (it.type === 'TextBlock' && it.text) texts.push(e(unescapeCardMarkdown(it.text)));
        if (it.type === 'FactSet' && it.facts) for (const f of it.facts) texts.push(`${e(f.title)}: ${e(unescapeCardMarkdown(f.value))}`);
        if (it.items) walk(it.items);
      }
    };
    walk(m.card.body);
    body = `<div class="teams">${texts.join('<br>')}</div>`;
  }
  return `<article>${head}${body}</article>`;
}

function undeliverableItem(u: UndeliverableEntry): string {
  const who = u.personName ?? u.personId ?? u.department ?? '';
  const acts = u.activities.map((a) => `<li>${e(a.activityText)} <span class="meta">(${e(a.reason)})</span></li>`).join('');
  const hr = u.hrNotified?.length ? ` HR meddelad: ${e(u.hrNotified.join(', '))}.` : '';
  return `<li><strong>${e(u.kind === 'gap' ? 'Lucka' : 'Ej levererat')}${who ? ` – ${e(who)}` : ''}${u.date ? ` – ${e(u.date)}` : ''}</strong><br>${e(u.reason)}.${hr}<ul>${acts}</ul></li>`;
}
