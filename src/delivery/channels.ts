/** Builds the channels the environment configures; a channel without settings is simply absent. */
import type { Channels } from './channel';
import { EmailChannel, emailSettingsFromEnv } from './email';
import type { Env } from './env';
import { TeamsGraphChannel, graphSettingsFromEnv } from './teams-graph';
import { TeamsWebhookChannel, webhookSettingsFromEnv } from './teams-webhook';

export function channelsFromEnv(env: Env = process.env): Channels {
  const channels: Channels = {};
  const email = emailSettingsFromEnv(env);
  if (email) channels.email = new EmailChannel(email);
  const graph = graphSettingsFromEnv(env);
  if (graph) channels.teams = new TeamsGraphChannel(graph);
  const webhook = webhookSettingsFromEnv(env);
  if (webhook) channels.teamsChannel = new TeamsWebhookChannel(webhook);
  return channels;
}

/** True when nothing real is configured: `npm start` then runs the dev outbox instead. */
export function isUnconfigured(env: Env = process.env): boolean {
  return !emailSettingsFromEnv(env) && !graphSettingsFromEnv(env) && !webhookSettingsFromEnv(env);
}

export async function closeChannels(channels: Channels): Promise<void> {
  await Promise.all(Object.values(channels).map((c) => c?.close?.()));
}
