/** The templates: one view-model, three renderings. */
export { renderEmail, type RenderedEmail, type EmailHeaders } from './email';
export { renderAdaptiveCard, ADAPTIVE_CARD_VERSION, type AdaptiveCard } from './adaptive-card';
export {
  renderTeamsActivityNotification,
  type TeamsActivityNotification,
  type TeamsNotificationOptions,
} from './teams-notification';
export { buildView, type MessageView, type ActivityView } from './view';
export { escapeCardMarkdown, unescapeCardMarkdown } from '../../domain';
