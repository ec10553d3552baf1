/**
 * The body of Graph's `POST /users/{id}/teamwork/sendActivityNotification`. Teams shows these
 * strings as plain text, so plan text only has to lose line breaks and fit the length limits;
 * the body is an object, serialised by the Graph client.
 */
import { createHash } from 'node:crypto';
import type { Message, MessageKind } from '../message';
import { labelled, plainLine, truncate } from '../../domain';
import { SV } from './sv';
import { buildView } from './view';

export interface TeamsActivityNotification {
  topic: { source: 'text'; value: string; webUrl: string };
  /** One of the activity types declared in the Teams app manifest (see docs/teams.md). */
  activityType: MessageKind;
  previewText: { content: string };
  templateParameters: { name: string; value: string }[];
  /** Same key, same chainId: a retried send replaces the notification instead of adding one. */
  chainId: number;
  teamsAppId?: string;
}

export interface TeamsNotificationOptions {
  /** The Teams app id (manifest `id`); with it, the click opens Planvakt's tab inside Teams. */
  teamsAppId?: string;
  /** The manifest's static tab `entityId`. */
  tabEntityId?: string;
}

const PREVIEW_MAX = 150;
const TOPIC_MAX = 100;

export function renderTeamsActivityNotification(
  message: Message,
  options: TeamsNotificationOptions = {},
): TeamsActivityNotification {
  const view = buildView(message);
  const n = view.activities.length;
  const first = view.activities[0]!;
  const title = plainLine(n === 1 ? first.title : SV.notificationTitleMany(view.kind, n));
  const preview = plainLine(
    n === 1
      ? labelled(view.kindLabel, first.reasons.join(' · '))
      : `${view.intro} ${view.activities.map((a) => a.title).join(' · ')}`,
  );
  return {
    topic: {
      source: 'text',
      value: truncate(plainLine(`Planvakt · ${view.kindLabel}`), TOPIC_MAX),
      webUrl: clickUrl(view.primaryUrl, first.activityId, options),
    },
    activityType: view.kind,
    previewText: { content: truncate(preview, PREVIEW_MAX) },
    templateParameters: [{ name: 'title', value: truncate(title, PREVIEW_MAX) }],
    chainId: chainIdOf(message.key),
    ...(options.teamsAppId ? { teamsAppId: options.teamsAppId } : {}),
  };
}

function clickUrl(target: string, activityId: string, options: TeamsNotificationOptions): string {
  if (!options.teamsAppId) return target;
  const params = new URLSearchParams({
    webUrl: target,
    context: JSON.stringify({ subEntityId: activityId }),
  });
  return `https://teams.microsoft.com/l/entity/${encodeURIComponent(options.teamsAppId)}/${encodeURIComponent(options.tabEntityId ?? 'planvakt')}?${params}`;
}

/** Graph's chainId is an Int64; 52 bits of the key's hash stay a safe JavaScript integer. */
function chainIdOf(key: string): number {
  return Number.parseInt(createHash('sha256').update(key).digest('hex').slice(0, 13), 16);
}
