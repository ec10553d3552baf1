/**
 * The Adaptive Card rendering of a message, for a Teams channel (Workflows webhook). Built as an
 * object and serialised by JSON.stringify, so quotes and `"}]}` in plan text stay inside strings;
 * text that a host renders as markdown goes through escapeCardMarkdown.
 *
 * Version 1.4: the highest every Teams client (desktop, web, mobile) renders for webhook
 * cards; nothing here needs 1.5.
 */
import type { Message } from '../message';
import { escapeCardMarkdown as md } from '../../domain';
import { SV } from './sv';
import { buildView, type ActivityView } from './view';

export const ADAPTIVE_CARD_VERSION = '1.4';

export interface TextBlock {
  type: 'TextBlock';
  text: string;
  wrap: true;
  weight?: 'Bolder';
  size?: 'Small' | 'Medium' | 'Large';
  isSubtle?: boolean;
  spacing?: 'None' | 'Small' | 'Medium';
}
export interface FactSet {
  type: 'FactSet';
  facts: { title: string; value: string }[];
}
export interface OpenUrlAction {
  type: 'Action.OpenUrl';
  title: string;
  url: string;
}
export interface ActionSet {
  type: 'ActionSet';
  actions: OpenUrlAction[];
}
export interface Container {
  type: 'Container';
  separator?: boolean;
  spacing?: 'Medium' | 'Large';
  items: (TextBlock | FactSet | ActionSet)[];
}
export interface AdaptiveCard {
  type: 'AdaptiveCard';
  $schema: string;
  version: typeof ADAPTIVE_CARD_VERSION;
  body: (TextBlock | Container)[];
}

export function renderAdaptiveCard(message: Message): AdaptiveCard {
  const view = buildView(message);
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: ADAPTIVE_CARD_VERSION,
    body: [
      {
        type: 'TextBlock',
        text: md(`${view.kindLabel} · ${view.municipality}`),
        wrap: true,
        size: 'Small',
        isSubtle: true,
      },
      { type: 'TextBlock', text: md(view.subject), wrap: true, weight: 'Bolder', size: 'Medium', spacing: 'None' },
      { type: 'TextBlock', text: md(`${view.greeting} ${view.intro}`), wrap: true },
      ...view.activities.map(activityContainer),
      ...(view.checkInUrl
        ? [
            {
              type: 'Container',
              separator: true,
              spacing: 'Medium',
              items: [
                {
                  type: 'ActionSet',
                  actions: [
                    {
                      type: 'Action.OpenUrl',
                      title: SV.labels.checkInAll(view.activities.length),
                      url: view.checkInUrl,
                    },
                  ],
                },
              ],
            } satisfies Container,
          ]
        : []),
      { type: 'TextBlock', text: md(view.footer), wrap: true, size: 'Small', isSubtle: true },
    ],
  };
}

function activityContainer(a: ActivityView): Container {
  const facts = [
    ...(a.goal ? [{ title: SV.labels.goal, value: md(a.goal) }] : []),
    { title: SV.labels.department, value: md(a.department) },
    { title: SV.labels.deadline, value: md(a.deadlineLabel) },
  ];
  const actions: OpenUrlAction[] = [
    ...a.statusLinks.map((s): OpenUrlAction => ({ type: 'Action.OpenUrl', title: s.label, url: s.url })),
    ...(a.checkInUrl && a.statusLinks.length === 0
      ? [{ type: 'Action.OpenUrl', title: SV.labels.checkIn, url: a.checkInUrl } satisfies OpenUrlAction]
      : []),
    { type: 'Action.OpenUrl', title: a.activityLabel, url: a.activityUrl },
    ...(a.acknowledgeUrl
      ? [{ type: 'Action.OpenUrl', title: SV.labels.acknowledge, url: a.acknowledgeUrl } satisfies OpenUrlAction]
      : []),
  ];
  return {
    type: 'Container',
    separator: true,
    spacing: 'Medium',
    items: [
      { type: 'TextBlock', text: md(a.title), wrap: true, weight: 'Bolder' },
      { type: 'FactSet', facts },
      ...a.reasons.map((r): TextBlock => ({ type: 'TextBlock', text: md(r), wrap: true, spacing: 'Small' })),
      { type: 'ActionSet', actions },
    ],
  };
}
