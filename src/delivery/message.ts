/**
 * One message to one recipient on one channel: the unit the ledger counts and the templates
 * render. A digest is simply a message with several items; nothing else changes.
 * Plain data (no I/O, no Temporal) so it can travel as an activity argument.
 */
import type { IsoDate, Status } from '../domain/vocabulary';
import { absolute, links } from '../domain/links';

export const CHANNELS = {
  email: 'E-post',
  teams: 'Teams',
  teamsChannel: 'Teams-kanal',
} as const;
export type Channel = keyof typeof CHANNELS;
/** The deterministic identity of one send (see deliveryKey in ./key.ts). */
export type DeliveryKey = string;

export const CHANNEL_IDS = Object.keys(CHANNELS) as Channel[];

/**
 * What the message is about. `gap` is what HR must close by hand: an activity nobody could be
 * resolved for, or a message that reached no channel (surfaced, never dropped).
 */
export const MESSAGE_KINDS = {
  reminder: 'Påminnelse',
  statusRequest: 'Statusförfrågan',
  escalation: 'Eskalering',
  report: 'Rapport',
  gap: 'Lucka att åtgärda',
} as const;
export type MessageKind = keyof typeof MESSAGE_KINDS;

/**
 * Who receives the message. For `teamsChannel` the recipient is the department's channel:
 * `id` is the department id and `name` the department's name.
 */
export interface Recipient {
  id: string;
  name: string;
  email?: string;
  /** Entra object id; preferred by Graph because it survives a change of UPN. */
  teamsUserId?: string;
  upn?: string;
}

/** One activity's reason to be in the message. Every string here is plan text: untrusted. */
export interface MessageItem {
  activityId: string;
  activityText: string;
  goal?: string;
  department: string;
  deadline?: IsoDate;
  /** Why the person hears about it today, in Swedish ("Måldatum om 14 dagar"). */
  reason: string;
  /** Set in a digest that mixes kinds, so the reader sees which line is a reminder and which an escalation. */
  kind?: MessageKind;
  checkInUrl?: string;
  statusUrls?: Partial<Record<Status, string>>;
  /** Defaults to the web app's page for the activity under `baseUrl`. */
  activityUrl?: string;
  /** `activityUrl` is a follow-up cycle's report (report ready, non-responders), not an activity page. */
  linksToReport?: boolean;
  /** For an escalation to a manager up the line: the activity page's acknowledge form. */
  acknowledgeUrl?: string;
}

export interface Message {
  key: DeliveryKey;
  recipient: Recipient;
  channel: Channel;
  kind: MessageKind;
  /** Overrides the Swedish default subject of the templates. */
  subject?: string;
  /** The day the message is for (Europe/Stockholm); part of the key, shown in digests. */
  date: IsoDate;
  items: MessageItem[];
  municipality: string;
  /** Public base URL of the web app, e.g. `https://planvakt.kommun.se`. */
  baseUrl: string;
  /**
   * The reader's one check-in link for the whole message (every activity it asks her about), from
   * links.checkin: shown at the top of the email (both parts), on the card, and as the Teams
   * notification's link.
   */
  checkInUrl?: string;
}

/** The page of one activity in the web app (the path comes from src/domain/links.ts). */
export function activityPageUrl(message: Pick<Message, 'baseUrl'>, item: MessageItem): string {
  if (item.activityUrl) return item.activityUrl;
  return absolute(message.baseUrl, links.activity(item.activityId));
}
