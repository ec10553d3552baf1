/**
 * "Utkorg": every message the dev outbox caught, as the person would see it (the email's own HTML
 * in a sandboxed frame, the Teams notification's title and preview, the channel card's text),
 * and every message that reached no channel. All text goes through the `html` tag, which escapes
 * it; the email HTML (escaped by the templates) is shown only inside `srcdoc` of a sandbox without
 * scripts.
 */
import {
  CHANNELS,
  readOutboxFile,
  readUndeliverableFile,
  type OutboxEntry,
  type UndeliverableEntry,
} from '../delivery';
import { html, joinHtml, plural, unescapeCardMarkdown, type SafeHtml } from '../domain';

export interface OutboxPageOptions {
  outbox: string;
  undeliverable: string;
  /** True when the dev outbox is in use (nothing real configured). */
  devOutbox: boolean;
}

const SHOWN = 200;
const STAMP = new Intl.DateTimeFormat('sv-SE', {
  timeZone: 'Europe/Stockholm',
  dateStyle: 'short',
  timeStyle: 'medium',
});

export async function renderOutboxPage(opts: OutboxPageOptions): Promise<string> {
  const [entries, undeliverable] = await Promise.all([
    readOutboxFile(opts.outbox),
    readUndeliverableFile(opts.undeliverable),
  ]);
  const intro = opts.devOutbox
    ? html`<p>Ingen riktig e-post eller Teams är inställd, så Planvakt skickar till en inbyggd utkorg. Här syns varje meddelande så som mottagaren skulle se det.</p>`
    : html`<p>E-post och Teams är inställda: meddelanden går till mottagarna och syns inte här. Listan nedan visar det som fångades i utvecklingsläge.</p>`;
  const failed = undeliverable.length
    ? html`<section><h2>Ej levererade (${undeliverable.length})</h2><p>Meddelanden som ingen kanal tog emot, och roller som ingen kunde ta emot. HR har fått e-post om dem där det gick.</p>
<ul class="failed">${joinHtml(undeliverable.map(undeliverableItem), html`\n`)}</ul></section>`
    : '';
  const list = entries.length
    ? joinHtml(entries.slice(0, SHOWN).map(entry), html`\n`)
    : html`<p>Utkorgen är tom. Meddelanden hamnar här när en aktivitets påminnelse, statusförfrågan eller eskalering går ut.</p>`;
  const more =
    entries.length > SHOWN
      ? html`<p>Visar de ${SHOWN} senaste av ${plural(entries.length, 'meddelande', 'meddelanden')}.</p>`
      : '';
  return html`<!doctype html>
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
${list}</section></main></body></html>`.value;
}

function entry(m: OutboxEntry): SafeHtml {
  const when = STAMP.format(new Date(m.receivedAt));
  const head = html`<p class="meta">${CHANNELS[m.channel] ?? m.channel} · till ${m.to} · ${when}</p><h3>${m.subject}</h3>`;
  return html`<article>${head}${entryBody(m)}</article>`;
}

function entryBody(m: OutboxEntry): SafeHtml | '' {
  if (m.channel === 'email') {
    const shown = m.html
      ? html`<iframe sandbox="" referrerpolicy="no-referrer" title="${m.subject}" srcdoc="${m.html}"></iframe>`
      : html`<pre>${m.text ?? ''}</pre>`;
    return html`${shown}${m.html && m.text ? html`<details><summary>Textversion</summary><pre>${m.text}</pre></details>` : ''}`;
  }
  if (m.notification) {
    const n = m.notification;
    return html`<div class="teams"><strong>${n.templateParameters.find((p) => p.name === 'title')?.value ?? ''}</strong><br>${n.previewText.content}<br><a href="${n.topic.webUrl}" rel="noreferrer">${n.topic.value}</a></div>`;
  }
  if (m.card) {
    const texts: SafeHtml[] = [];
    const walk = (items: unknown[]) => {
      for (const it of items as {
        type?: string;
        text?: string;
        items?: unknown[];
        facts?: { title: string; value: string }[];
      }[]) {
        if (it.type === 'TextBlock' && it.text) texts.push(html`${unescapeCardMarkdown(it.text)}`);
        if (it.type === 'FactSet' && it.facts)
          for (const f of it.facts) texts.push(html`${f.title}: ${unescapeCardMarkdown(f.value)}`);
        if (it.items) walk(it.items);
      }
    };
    walk(m.card.body);
    return html`<div class="teams">${joinHtml(texts, html`<br>`)}</div>`;
  }
  return '';
}

function undeliverableItem(u: UndeliverableEntry): SafeHtml {
  const who = u.personName ?? u.personId ?? u.department ?? '';
  const acts = u.activities.map((a) => html`<li>${a.activityText} <span class="meta">(${a.reason})</span></li>`);
  const hr = u.hrNotified?.length ? ` HR meddelad: ${u.hrNotified.join(', ')}.` : '';
  return html`<li><strong>${u.kind === 'gap' ? 'Lucka' : 'Ej levererat'}${who ? ` – ${who}` : ''}${u.date ? ` – ${u.date}` : ''}</strong><br>${u.reason}.${hr}<ul>${acts}</ul></li>`;
}
