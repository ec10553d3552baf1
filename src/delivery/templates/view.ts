/**
 * The view-model: what a message says, decided once, as plain (unescaped) strings. The email,
 * card and notification renderers only lay it out for their target and escape on the way out,
 * so the three can never disagree on content.
 */
import {
  absolute,
  formatDateSv,
  labelled,
  links,
  plainLine,
  plainText,
  STATUSES,
  truncate,
  type Status,
} from '../../domain';
import { DeliveryError } from '../errors';
import { MESSAGE_KINDS, activityPageUrl, type Message, type MessageItem, type MessageKind } from '../message';
import { SV } from './sv';

export interface StatusLink {
  status: Status;
  label: string;
  url: string;
}

export interface ActivityView {
  activityId: string;
  title: string;
  goal?: string;
  department: string;
  deadlineLabel: string;
  reasons: string[];
  activityUrl: string;
  /** What the activityUrl link says: the activity, or a cycle's report. */
  activityLabel: string;
  checkInUrl?: string;
  statusLinks: StatusLink[];
  acknowledgeUrl?: string;
}

export interface MessageView {
  kind: MessageKind;
  kindLabel: string;
  subject: string;
  greeting: string;
  intro: string;
  dateLabel: string;
  municipality: string;
  activities: ActivityView[];
  footer: string;
  /** What Outlook shows as the conversation: the activity, or the day's digest. */
  threadTopic: string;
  /** The reader's one check-in link for every activity the message asks her about. */
  checkInUrl?: string;
  /** Where a click on a notification leads: the check-in page when the message asks the reader to report, else the activity, or the list when there are several. */
  primaryUrl: string;
}

const SUBJECT_TITLE_MAX = 90;
const STATUS_ORDER = Object.keys(STATUSES) as Status[];

export function buildView(message: Message): MessageView {
  if (message.items.length === 0) {
    throw new DeliveryError('message has no items', {
      code: 'invalidMessage',
      retryable: false,
      channel: message.channel,
    });
  }
  const baseUrl = safeUrl(message.baseUrl, message);
  const checkInUrl = optionalUrl(message.checkInUrl, message);
  const activities = groupByActivity(message);
  const n = activities.length;
  const first = activities[0]!;
  const dateLabel = formatDateSv(message.date);
  const municipality = plainLine(message.municipality);
  const subject = plainLine(
    message.subject ??
      (n === 1
        ? SV.subjectOne(message.kind, truncate(first.title, SUBJECT_TITLE_MAX))
        : SV.subjectMany(message.kind, n, dateLabel)),
  );
  const name = plainLine(message.recipient.name);
  return {
    kind: message.kind,
    kindLabel: MESSAGE_KINDS[message.kind],
    subject,
    greeting: message.channel === 'teamsChannel' ? SV.greetingChannel(name) : SV.greeting(firstName(name)),
    intro: SV.intro[message.kind](n),
    dateLabel,
    municipality,
    activities,
    footer: SV.footer(municipality),
    threadTopic: n === 1 ? truncate(plainLine(first.title), SUBJECT_TITLE_MAX) : SV.digestTopic(municipality),
    ...(checkInUrl ? { checkInUrl } : {}),
    primaryUrl: checkInUrl ?? (n === 1 ? (first.checkInUrl ?? first.activityUrl) : absolute(baseUrl, links.overview())),
  };
}

/** A digest may name one activity twice (a reminder and a status request the same day): show it once. */
function groupByActivity(message: Message): ActivityView[] {
  const byId = new Map<string, ActivityView>();
  for (const item of message.items) {
    const reason = reasonLine(item, message.kind);
    const existing = byId.get(item.activityId);
    if (existing) {
      if (!existing.reasons.includes(reason)) existing.reasons.push(reason);
      existing.checkInUrl ??= optionalUrl(item.checkInUrl, message);
      if (existing.statusLinks.length === 0) existing.statusLinks = statusLinks(item, message);
      existing.acknowledgeUrl ??= optionalUrl(item.acknowledgeUrl, message);
      continue;
    }
    const checkInUrl = optionalUrl(item.checkInUrl, message);
    const acknowledgeUrl = optionalUrl(item.acknowledgeUrl, message);
    const goal = item.goal ? plainText(item.goal) : '';
    byId.set(item.activityId, {
      activityId: item.activityId,
      title: plainText(item.activityText),
      ...(goal ? { goal } : {}),
      department: plainLine(item.department),
      deadlineLabel: item.deadline ? formatDateSv(item.deadline) : SV.labels.noDeadline,
      reasons: [reason],
      activityUrl: safeUrl(activityPageUrl(message, item), message),
      activityLabel: item.linksToReport ? SV.labels.openReport : SV.labels.openActivity,
      ...(checkInUrl ? { checkInUrl } : {}),
      statusLinks: statusLinks(item, message),
      ...(acknowledgeUrl ? { acknowledgeUrl } : {}),
    });
  }
  return [...byId.values()];
}

function reasonLine(item: MessageItem, messageKind: MessageKind): string {
  const reason = plainText(item.reason);
  if (!item.kind || item.kind === messageKind) return reason;
  return labelled(MESSAGE_KINDS[item.kind], reason);
}

function statusLinks(item: MessageItem, message: Message): StatusLink[] {
  const urls = item.statusUrls ?? {};
  return STATUS_ORDER.flatMap((status) => {
    const url = optionalUrl(urls[status], message);
    return url ? [{ status, label: STATUSES[status], url }] : [];
  });
}

function firstName(name: string): string {
  return name.split(' ')[0] || name;
}

function optionalUrl(url: string | undefined, message: Message): string | undefined {
  return url === undefined ? undefined : safeUrl(url, message);
}

/**
 * Links end up in href attributes and card actions: only absolute http(s) URLs pass, so a
 * `javascript:` or relative link from a misconfiguration can never reach a reader.
 */
function safeUrl(url: string, message: Message): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new DeliveryError(`not an absolute URL: ${url}`, {
      code: 'invalidMessage',
      retryable: false,
      channel: message.channel,
    });
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new DeliveryError(`URL must be http(s): ${url}`, {
      code: 'invalidMessage',
      retryable: false,
      channel: message.channel,
    });
  }
  return parsed.href;
}
