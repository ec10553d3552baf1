/**
 * The email rendering of a message: a plain-text part, an HTML part (every string escaped), and
 * the headers that make Outlook/Exchange thread all messages of one activity together.
 */
import { createHash } from 'node:crypto';
import type { Message } from '../message';
import { escapeHtml } from '../../domain/escape';
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
  lines.push(`${SV.labels.openActivity}: ${a.activityUrl}`);
  return lines;
}

const STYLE = {
  body: 'font-family:Segoe UI,Arial,sans-serif;font-size:15px;color:#1f1f1f;line-height:1.45;max-width:640px',
  card: 'border:1px solid #d0d7de;border-radius:6px;padding:12px 16px;margin:16px 0',
  title: 'font-size:16px;font-weight:600;margin:0 0 8px;white-space:pre-line',
  label: 'color:#57606a;padding-right:12px;vertical-align:top',
  button: 'display:inline-block;padding:6px 12px;margin:4px 6px 4px 0;border-radius:4px;background:#0f6cbd;color:#ffffff;text-decoration:none',
  link: 'color:#0f6cbd',
  footer: 'color:#57606a;font-size:12px;border-top:1px solid #d0d7de;padding-top:8px;margin-top:24px',
} as const;

function renderHtml(view: MessageView): string {
  const e = escapeHtml;
  return [
    '<!DOCTYPE html>',
    '<html lang="sv"><head><meta charset="utf-8">',
    `<title>${e(view.subject)}</title></head>`,
    `<body><div style="${STYLE.body}">`,
    `<p>${e(view.greeting)}</p>`,
    `<p>${e(view.intro)}</p>`,
    ...view.activities.map(activityHtml),
    `<p style="${STYLE.footer}">${e(view.footer)}</p>`,
    '</div></body></html>',
  ].join('\n');
}

function activityHtml(a: ActivityView): string {
  const e = escapeHtml;
  const row = (label: string, value: string) =>
    `<tr><td style="${STYLE.label}">${e(label)}</td><td style="white-space:pre-line">${e(value)}</td></tr>`;
  const rows = [
    ...(a.goal ? [row(SV.labels.goal, a.goal)] : []),
    row(SV.labels.department, a.department),
    row(SV.labels.deadline, a.deadlineLabel),
  ];
  const buttons = a.statusLinks.map((s) => `<a href="${e(s.url)}" style="${STYLE.button}">${e(s.label)}</a>`);
  return [
    `<div style="${STYLE.card}">`,
    `<p style="${STYLE.title}">${e(a.title)}</p>`,
    `<table role="presentation" cellpadding="0" cellspacing="0">${rows.join('')}</table>`,
    `<ul>${a.reasons.map((r) => `<li>${e(r)}</li>`).join('')}</ul>`,
    ...(buttons.length > 0 ? [`<p>${e(SV.labels.chooseStatus)}:<br>${buttons.join(' ')}</p>`] : []),
    '<p>',
    ...(a.checkInUrl ? [`<a href="${e(a.checkInUrl)}" style="${STYLE.link}">${e(SV.labels.checkIn)}</a> · `] : []),
    `<a href="${e(a.activityUrl)}" style="${STYLE.link}">${e(SV.labels.openActivity)}</a>`,
    '</p>',
    '</div>',
  ].join('\n');
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
