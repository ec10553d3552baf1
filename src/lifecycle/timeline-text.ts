/**
 * The activity page's words for one timeline entry, pure: what happened, to whom, and for a
 * notice whether it still waits in a digest ("samlad i utskicket 2022-12-02 kl 08:00") or has
 * gone out ("skickad"). `now` is plan time (ISO instant).
 */
import { stockholmDate, stockholmTime } from '../calendar/stockholm';
import { listSv, toWhom } from '../domain/swedish';
import { STATUSES } from '../domain/vocabulary';
import type { TimelineEntry } from './messages';

type SentEntry = Extract<TimelineEntry, { type: 'sent' }>;

/** "samlad i utskicket 2022-12-02 kl 08:00 till Rut Rektor och Sven Skola" until it goes out, then "skickad till …". */
export function sentText(entry: SentEntry, now: string): string {
  const to = toWhom(entry.recipients);
  const nowMs = Date.parse(now);
  const waiting = (entry.digests ?? []).filter((d) => !d.immediate && Date.parse(d.sendAt) > nowMs);
  if (waiting.length === 0) return `skickad ${to}`;
  const into = listSv([...new Set(waiting.map((d) => `${d.date} kl ${stockholmTime(d.sendAt)}`))].sort());
  return `samlad i utskicket ${into} ${to}`;
}

/**
 * One line of Swedish for any timeline entry, as the activity page shows it. `rulesVersion` says
 * a rules hash as people do ("version 3, sparad 27 november av Hanna", see versionLabel).
 */
export function timelineText(entry: TimelineEntry, now: string, rulesVersion?: (hash: string) => string): string {
  switch (entry.type) {
    case 'sent':
      return `${entry.event.reason}: ${sentText(entry, now)}`;
    case 'reported':
      return `status rapporterad av ${entry.report.reporter.name}${entry.report.proposedDate ? `, nytt datum ${entry.report.proposedDate}` : ''}`;
    case 'undone':
      return `Klar ångrad av ${entry.by}${entry.restored ? `, status åter ${STATUSES[entry.restored]}` : ', status åter ej rapporterad'}`;
    case 'acknowledged':
      return `kvitterad av ${entry.by}`;
    case 'snoozed':
      return `pausad till ${entry.until} av ${entry.by}${entry.reason ? `, skäl: ${entry.reason}` : ''}`;
    case 'changed':
      return entry.reason
        ? `ändrad i Planvakt: ${entry.fields.join(', ')} av ${entry.by}, skäl: ${entry.reason}`
        : `ändrad i planen: ${entry.fields.join(', ')} (${entry.by})`;
    case 'rulesChanged':
      return `nya regler: ${rulesVersion ? rulesVersion(entry.version) : `version ${entry.version}`}`;
    case 'cancelled':
      return entry.by ? `avbruten av ${entry.by}, skäl: ${entry.reason}` : `avslutad: ${entry.reason}`;
    case 'closed':
      return `klarmarkerad av ${entry.by}, skäl: ${entry.reason}`;
    case 'reopened':
      return `öppnad igen av ${entry.by} (var ${entry.was === 'done' ? 'Klar' : 'Avbruten'}), skäl: ${entry.reason}`;
    case 'added':
      return `tillagd i Planvakt av ${entry.by}, skäl: ${entry.reason}`;
  }
}

/** When an entry happened, as the page shows it: "2022-12-01 14:33". */
export function timelineWhen(entry: TimelineEntry): string {
  return `${stockholmDate(entry.at)} ${stockholmTime(entry.at)}`;
}
