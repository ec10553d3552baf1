/** The delivery channels' public API: plain functions and classes, no Temporal. */
export * from './message';
export * from './key';
export * from './errors';
export * from './channel';
export * from './channels';
export * from './ledger';
export * from './send';
export { EmailChannel, emailSettingsFromEnv, smtpDeliveryError, type EmailSettings } from './email';
export { Pacer, type PaceLimits } from './pace';
export { TeamsGraphChannel, graphSettingsFromEnv, type GraphSettings } from './teams-graph';
export {
  TeamsWebhookChannel,
  webhookSettingsFromEnv,
  webhookEnvName,
  webhookPayload,
  type WebhookSettings,
  type WebhookPayload,
} from './teams-webhook';
export { DevOutbox, readOutboxFile, type OutboxEntry, type DevOutboxOptions } from './dev-sink';
export * from './templates';
export {
  UndeliverableLog,
  readUndeliverableFile,
  type UndeliverableEntry,
  type UndeliverableRecorder,
} from './undeliverable';
export * from './files';
export * from './json-lines';
