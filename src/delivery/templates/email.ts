/**
 * The email rendering of a message: a plain-text part, an HTML part (every string escaped), and
 * the headers that make Outlook/Exchange thread all messages of one activity together.
 */
import { createHash } from 'node:crypto';
import type { Message } from '../message';
import { html, joinHtml, type SafeHtml } from '../../domain';
import { SV } from './sv';
import { buildView, type ActivityView, type MessageView } from './view';

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
  headers: EmailHeaders;
}

export interface EmailHeaders {
  /** Deterministic per delivery key, so even a duplicate send is one message to Exchange. */
  messageId: string;
  /** The synthetic root message of the activity's thread; absent nowhere, several in a digest. */
  inReplyTo: string;
  references: string[];
  /** Everything else, set verbatim. */
  other: Record<string, string>;
}

export function renderEmail(message: Message): RenderedEmail {
  const view = buildView(message);
  return {
    subject: view.subject,
    text: renderText(view),
    html: renderHtml(view),
    headers: threadingHeaders(message, view),
  };
}

function renderText(view: MessageView): string {
  const lines = [view.greeting, '', view.intro, ''];
  if (view.checkInUrl) lines.push(`${SV.labels.checkInAll(view.activities.length)}: ${view.checkInUrl}`, '');
  for (const a of view.activities) lines.push(...activityText(a), '');
  lines.push('--', view.footer);
  return `${lines.join('\n')}\n`;
}

function activityText(a: ActivityView): string[] {
  const lines = [`■ ${a.title}`];
  if (a.goal) lines.push(`${SV.labels.goal}: ${a.goal}`);
  lines.push(`${SV.labels.department}: ${a.department}`, `${SV.labels.deadline}: ${a.deadlineLabel}`);
  for (const r of a.reasons) lines.push(`• ${r}`);
  if (a.statusLinks.length > 0) {
    lines.push(`${SV.labels.chooseStatus}:`);
    for (const s of a.statusLinks) lines.push(`  ${s.label}: ${s.url}`);
  }
  if (a.checkInUrl) lines.push(`${SV.labels.checkIn}: ${a.checkInUrl}`);
  lines.push(`${a.activityLabel}: ${a.activityUrl}`);
  if (a.acknowledgeUrl) lines.push(`${SV.labels.acknowledge}: ${a.acknowledgeUrl}`);
  return lines;
}

const STYLE = {
  body: 'font-family:Segoe UI,Arial,sans-serif;font-size:15px;color:#1f1f1f;line-height:1.45;max-width:640px',
  card: 'border:1px solid #d0d7de;border-radius:6px;padding:12px 16px;margin:16px 0',
  title: 'font-size:16px;font-weight:600;margin:0 0 8px;white-space:pre-line',
  label: 'color:#57606a;padding-right:12px;vertical-align:top',
  button:
    'display:inline-block;padding:6px 12px;margin:4px 6px 4px 0;border-radius:4px;background:#0f6cbd;color:#ffffff;text-decoration:none',
  link: 'color:#0f6cbd',
  footer: 'color:#57606a;font-size:12px;border-top:1px solid #d0d7de;padding-top:8px;margin-top:24px',
} as const;

function renderHtml(view: MessageView): string {
  return joinHtml(
    [
      html`<!DOCTYPE html>`,
      html`<html lang="sv"><head><meta charset="utf-8">`,
      html`<title>${view.subject}</title></head>`,
      html`<body><div style="${STYLE.body}">`,
      html`<p>${view.greeting}</p>`,
      html`<p>${view.intro}</p>`,
      ...(view.checkInUrl
        ? [
            html`<p><a href="${view.checkInUrl}" style="${STYLE.button}">${SV.labels.checkInAll(view.activities.length)}</a></p>`,
          ]
        : []),
      ...view.activities.map(activityHtml),
      html`<p style="${STYLE.footer}">${view.footer}</p>`,
      html`</div></body></html>`,
    ],
    html`\n`,
  ).value;
}

function activityHtml(a: ActivityView): SafeHtml {
  const row = (label: string, value: string) =>
    html`<tr><td style="${STYLE.label}">${label}</td><td style="white-space:pre-line">${value}</td></tr>`;
  const rows = [
    ...(a.goal ? [row(SV.labels.goal, a.goal)] : []),
    row(SV.labels.department, a.department),
    row(SV.labels.deadline, a.deadlineLabel),
  ];
  const buttons = a.statusLinks.map((s) => html`<a href="${s.url}" style="${STYLE.button}">${s.label}</a>`);
  return joinHtml(
    [
      html`<div style="${STYLE.card}">`,
      html`<p style="${STYLE.title}">${a.title}</p>`,
      html`<table role="presentation" cellpadding="0" cellspacing="0">${rows}</table>`,
      html`<ul>${a.reasons.map((r) => html`<li>${r}</li>`)}</ul>`,
      ...(buttons.length > 0 ? [html`<p>${SV.labels.chooseStatus}:<br>${joinHtml(buttons, html` `)}</p>`] : []),
      html`<p>`,
      ...(a.checkInUrl ? [html`<a href="${a.checkInUrl}" style="${STYLE.link}">${SV.labels.checkIn}</a> · `] : []),
      html`<a href="${a.activityUrl}" style="${STYLE.link}">${a.activityLabel}</a>`,
      ...(a.acknowledgeUrl
        ? [html` · <a href="${a.acknowledgeUrl}" style="${STYLE.link}">${SV.labels.acknowledge}</a>`]
        : []),
      html`</p>`,
      html`</div>`,
    ],
    html`\n`,
  );
}

/**
 * Outlook threads by the References chain and, in Exchange, by Thread-Topic/Thread-Index. Every
 * message of an activity points at the same synthetic root `<activity-…@host>` and carries the
 * same Thread-Index, whose GUID part Exchange uses as the conversation id. The ids are hashes:
 * deterministic without state, and no plan text leaks into headers.
 */
function threadingHeaders(message: Message, view: MessageView): EmailHeaders {
  const host = new URL(message.baseUrl).hostname || 'planvakt.invalid';
  const roots = view.activities.map((a) => `<activity-${hash(a.activityId).slice(0, 32)}@${host}>`);
  const other: Record<string, string> = {
    'Thread-Topic': view.threadTopic,
    // RFC 3834: out-of-office and other robots must not answer a reminder.
    'Auto-Submitted': 'auto-generated',
    'X-Auto-Response-Suppress': 'All',
    'Content-Language': 'sv',
    'X-Planvakt-Kind': message.kind,
  };
  if (view.activities.length === 1) other['Thread-Index'] = threadIndex(view.activities[0]!.activityId);
  return {
    messageId: `<${message.key}@${host}>`,
    inReplyTo: roots[0]!,
    references: roots,
    other,
  };
}

function hash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** 22 bytes, base64: a 6-byte header block and a 16-byte GUID, both derived from the activity id. */
function threadIndex(activityId: string): string {
  const h = createHash('sha256').update(`thread-index:${activityId}`).digest();
  const bytes = Buffer.alloc(22);
  bytes[0] = 0x01;
  h.copy(bytes, 1, 0, 21);
  return bytes.toString('base64');
}
