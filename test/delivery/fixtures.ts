import { deliveryKey } from '../../src/delivery/key';
import type { Channel, Message, MessageItem } from '../../src/delivery/message';

/** Everything a planner could paste into a cell that a renderer might take for markup. */
export const HOSTILE =
  '<script>alert(1)</script> & "citat" *fet* {{mall}} =SUMMA(A1) "}]} \'x\' [länk](javascript:alert(1)) _k_ # rubrik {{DATE(2017-02-14T06:08:39Z, SHORT)}}';
export const HOSTILE_JSON = '"}]},{"type":"Action.OpenUrl","url":"https://ond.example"}';

export function item(overrides: Partial<MessageItem> = {}): MessageItem {
  return {
    activityId: 'kfp-2022-utveckla-3',
    activityText: 'Erbjuda chefer utbildning i arbetsmiljö',
    goal: 'Behålla och utveckla medarbetare',
    department: 'Förskola',
    deadline: '2025-12-31',
    reason: 'Måldatum om 14 dagar',
    checkInUrl: 'https://planvakt.kommun.se/checkin/abc?sig=1',
    statusUrls: {
      done: 'https://planvakt.kommun.se/checkin/abc?s=done&sig=1',
      inProgress: 'https://planvakt.kommun.se/checkin/abc?s=inProgress&sig=1',
      late: 'https://planvakt.kommun.se/checkin/abc?s=late&sig=1',
      notStarted: 'https://planvakt.kommun.se/checkin/abc?s=notStarted&sig=1',
    },
    ...overrides,
  };
}

export function message(overrides: Partial<Message> & { channel?: Channel; eventKey?: string } = {}): Message {
  const { eventKey = 'reminder-14', ...rest } = overrides;
  const channel = rest.channel ?? 'email';
  const recipient = rest.recipient ?? {
    id: 'p-anna',
    name: 'Anna Andersson',
    email: 'anna.andersson@kommun.se',
    teamsUserId: '11111111-2222-3333-4444-555555555555',
  };
  const date = rest.date ?? '2025-12-17';
  return {
    key: deliveryKey('activity-kfp-2022-utveckla-3', eventKey, recipient.id, date, channel),
    recipient,
    channel,
    kind: 'reminder',
    date,
    items: [item()],
    municipality: 'Exempelstads kommun',
    baseUrl: 'https://planvakt.kommun.se',
    ...rest,
  };
}
