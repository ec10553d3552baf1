/**
 * Teams, channel: an Adaptive Card posted to a department's channel through the incoming webhook
 * of a Power Automate "Workflows" flow ("Post to a channel when a webhook request is received").
 * The webhook URL carries its own signature, so it is treated as a secret and read from the env.
 */
import type { DeliveryChannel, SendReceipt } from './channel';
import type { Env } from './env';
import { DeliveryError, httpDeliveryError, networkDeliveryError } from './errors';
import type { Message } from './message';
import { renderAdaptiveCard, type AdaptiveCard } from './templates/adaptive-card';

export interface WebhookSettings {
  /** Used for departments without a URL of their own. */
  defaultUrl?: string;
  /** Department id → webhook URL. */
  urlsByDepartment?: Record<string, string>;
}

/** The body the Workflows webhook trigger expects: a message with the card as its one attachment. */
export interface WebhookPayload {
  type: 'message';
  attachments: { contentType: 'application/vnd.microsoft.card.adaptive'; contentUrl: null; content: AdaptiveCard }[];
}

const PREFIX = 'TEAMS_WEBHOOK_URL_';

/** `TEAMS_WEBHOOK_URL` for all departments, `TEAMS_WEBHOOK_URL_<DEPARTMENT>` (upper case, `_` for other characters) per department. */
export function webhookEnvName(departmentId: string): string {
  return `${PREFIX}${departmentId.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

export function webhookSettingsFromEnv(env: Env = process.env): WebhookSettings | undefined {
  const byEnvName: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (name.startsWith(PREFIX) && value?.trim()) byEnvName[name] = value.trim();
  }
  const defaultUrl = env.TEAMS_WEBHOOK_URL?.trim();
  if (!defaultUrl && Object.keys(byEnvName).length === 0) return undefined;
  return { ...(defaultUrl ? { defaultUrl } : {}), urlsByDepartment: byEnvName };
}

export function webhookPayload(card: AdaptiveCard): WebhookPayload {
  return {
    type: 'message',
    attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content: card }],
  };
}

export class TeamsWebhookChannel implements DeliveryChannel {
  readonly channel = 'teamsChannel' as const;

  constructor(private readonly settings: WebhookSettings) {}

  async send(message: Message): Promise<SendReceipt> {
    const url = this.urlFor(message.recipient.id);
    if (!url) {
      throw new DeliveryError(
        `teamsChannel: no webhook URL for department ${message.recipient.id} (set ${webhookEnvName(message.recipient.id)})`,
        {
          code: 'notConfigured',
          retryable: false,
          channel: 'teamsChannel',
        },
      );
    }
    const payload = webhookPayload(renderAdaptiveCard(message));
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(payload),
        signal: AbortSignal.timeout(20_000),
      });
    } catch (e) {
      throw networkDeliveryError('teamsChannel', e);
    }
    if (!res.ok) {
      const detail = (await res.text().catch(() => '')).slice(0, 300);
      throw httpDeliveryError('teamsChannel', res.status, res.headers.get('retry-after'), detail);
    }
    await res.body?.cancel();
    return {};
  }

  private urlFor(departmentId: string): string | undefined {
    const own =
      this.settings.urlsByDepartment?.[departmentId] ?? this.settings.urlsByDepartment?.[webhookEnvName(departmentId)];
    return own ?? this.settings.defaultUrl;
  }
}
