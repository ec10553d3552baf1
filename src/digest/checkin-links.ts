/**
 * The links a digest hands its reader, from src/domain/links.ts only: one signed check-in link per
 * person and day covering every activity the message asks the reader about, a check-in link per
 * status for each of those activities, the activity page (or the cycle's report) for everything
 * else, and the acknowledge action for an escalation to a manager up the line.
 *
 * Token lifetime (README, "Check-in"): until the end of checkinExpiryDate: the message's day plus
 * the longest gap the rules leave between two messages about one activity (the ladder's steps, the
 * overdue repeat, a follow-up period's next request), plus CHECKIN_MARGIN_WORKING_DAYS working
 * days, so the link still opens after the next message about the same activities has arrived.
 */
import { addDays, quietDayPredicate, stockholmInstant, workingCalendar } from '../calendar';
import { absolute, links, STATUSES, type IsoDate, type Status } from '../domain';
import type { Rules } from '../rules';
import type { MessageItem } from '../delivery';
import type { DigestItem } from './messages';

/** Working days a check-in link lives beyond the next message about its activities. */
export const CHECKIN_MARGIN_WORKING_DAYS = 10;

/** The longest gap, in working days, between two messages of the ladder about one activity (reminders, overdue, escalation). */
export function longestLadderWorkingDays(rules: Rules): number {
  const before = [...new Set(rules.reminders.beforeDeadline)].sort((a, b) => b - a);
  const gaps = before.slice(1).map((n, i) => before[i]! - n);
  // From the last reminder before the Måldatum to the first overdue one.
  gaps.push((before.at(-1) ?? 0) + rules.overdue.firstAfterWorkingDays);
  gaps.push(rules.overdue.repeatEveryWorkingDays);
  for (const step of rules.escalation) gaps.push(step.afterWorkingDays);
  return Math.max(1, ...gaps);
}

/**
 * The longest gap, in calendar days, between two status requests of one follow-up period: a year
 * for a period asked once a year, the longest gap between two meeting months for a monthly one.
 */
export function longestPeriodDays(rules: Rules): number {
  const gaps = Object.values(rules.followUp.periods).map((p) => {
    if (p.every === 'year') return 366;
    const months = [...new Set(p.months)].sort((a, b) => a - b);
    const gap = Math.max(...months.map((m, i) => (i + 1 < months.length ? months[i + 1]! - m : 12 - m + months[0]!)));
    return gap * 31 + 7;
  });
  return Math.max(0, ...gaps);
}

/**
 * The last Stockholm day a check-in link in a message of `date` opens: the later of the ladder's
 * longest gap (working days) and the follow-up periods' longest gap (calendar days) after `date`,
 * then CHECKIN_MARGIN_WORKING_DAYS more working days. Quiet days are not working days.
 */
export function checkinExpiryDate(rules: Rules, date: IsoDate): IsoDate {
  const calendar = workingCalendar(quietDayPredicate(rules.quietDays));
  const ladder = calendar.addWorkingDays(date, longestLadderWorkingDays(rules));
  const periods = addDays(date, longestPeriodDays(rules));
  return calendar.addWorkingDays(ladder > periods ? ladder : periods, CHECKIN_MARGIN_WORKING_DAYS);
}

/**
 * How long a link in a message of `date` (sent at `sendTime`) lives, in ms: from the send instant
 * to the end of the expiry day. Added to the running clock by the sender, so a plan shifted in time
 * (simulate, tests) gets the same lifetime as production.
 */
export function checkinLifetimeMs(rules: Rules, date: IsoDate): number {
  const from = Date.parse(stockholmInstant(date, rules.delivery.sendTime));
  const until = Date.parse(stockholmInstant(checkinExpiryDate(rules, date), '23:59'));
  return Math.max(0, until - from);
}

/** Signs a token for the message's reader (bound by the caller to the person and the expiry). */
export type CheckinSigner = (scope: { activities: string[] } | { cycle: string }) => string;

/** The item asks its reader to report: the reader is among the owners it was sent to. */
export function asksReader(item: DigestItem): boolean {
  if (item.kind === 'gap' || item.kind === 'report') return false;
  // Items gathered before `toOwners` was carried: reminders and status requests go to the owners.
  return item.toOwners ?? item.kind !== 'escalation';
}

const STATUS_ORDER = Object.keys(STATUSES) as Status[];

/** The message-level check-in link and each item's links, for one reader's digest. */
export function digestLinks(
  items: readonly DigestItem[],
  baseUrl: string,
  sign: CheckinSigner | undefined,
): {
  checkInUrl?: string;
  items: Pick<MessageItem, 'activityUrl' | 'checkInUrl' | 'statusUrls' | 'acknowledgeUrl' | 'linksToReport'>[];
} {
  const url = (path: string) => absolute(baseUrl, path);
  const subject = (i: DigestItem) => i.subject ?? 'activity';
  const owned = [...new Set(items.filter((i) => asksReader(i) && subject(i) === 'activity').map((i) => i.activityId))];
  const cycles = [
    ...new Set(items.filter((i) => asksReader(i) && subject(i) === 'indicator' && i.cycleId).map((i) => i.cycleId!)),
  ];
  const checkInUrl = !sign
    ? undefined
    : owned.length > 0
      ? url(links.checkin(sign({ activities: owned })))
      : cycles[0]
        ? url(links.checkin(sign({ cycle: cycles[0] })))
        : undefined;
  const perActivity = new Map<string, string>();
  const perCycle = new Map<string, string>();
  return {
    ...(checkInUrl ? { checkInUrl } : {}),
    items: items.map((i) => {
      const asks = asksReader(i);
      if (subject(i) === 'report')
        return { activityUrl: url(links.report(i.cycleId ?? i.activityId, 'html')), linksToReport: true };
      if (subject(i) === 'indicator') {
        if (asks && sign && i.cycleId) {
          let token = perCycle.get(i.cycleId);
          if (!token) perCycle.set(i.cycleId, (token = sign({ cycle: i.cycleId })));
          const own = url(links.checkin(token));
          return { activityUrl: own, checkInUrl: own };
        }
        return {
          activityUrl: url(i.cycleId ? links.report(i.cycleId, 'html') : links.reports()),
          linksToReport: true,
        };
      }
      // A cycle's non-responder escalation: what the avdelningschef needs is the cycle's report.
      if (i.cycleId && !asks && i.kind === 'escalation')
        return { activityUrl: url(links.report(i.cycleId, 'html')), linksToReport: true };
      const activityUrl = url(links.activity(i.activityId));
      if (asks && sign) {
        let token = perActivity.get(i.activityId);
        if (!token) perActivity.set(i.activityId, (token = sign({ activities: [i.activityId] })));
        const statusUrls = Object.fromEntries(STATUS_ORDER.map((s) => [s, url(links.checkin(token!, s))]));
        return { activityUrl, statusUrls };
      }
      if (i.kind === 'escalation') return { activityUrl, acknowledgeUrl: url(links.acknowledge(i.activityId)) };
      return { activityUrl };
    }),
  };
}
