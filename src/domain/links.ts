/**
 * Every URL Planvakt hands out, and the route each one lands on, in one place. Messages, pages,
 * calendar feeds and reports take their links from here and the web app registers its routes from
 * the same table, so a link cannot point at a path that no route serves (a test opens every link
 * of every message kind on the running app).
 *
 * Paths are relative to the web app; `absolute()` puts the public base URL in front for messages
 * and feeds, which are read outside the app.
 */
import type { Status } from './vocabulary';

/** The route patterns, as the web app registers them. */
export const ROUTES = {
  overview: '/',
  activity: '/aktivitet/:id',
  activityStatus: '/aktivitet/:id/status',
  activityAcknowledge: '/aktivitet/:id/kvittera',
  checkin: '/status/*',
  reports: '/rapporter',
  report: '/rapporter/:id/rapport.:format',
  calendar: '/kalender',
  calendarFeed: '/kalender/feed/:person/:token/*',
  signIn: '/logga-in',
  signOut: '/logga-ut',
  import: '/importera',
  preview: '/forhandsvisning',
  settings: '/installningar',
  health: '/health',
  outbox: '/utkorg',
  stylesheet: '/app.css',
} as const;

/** The id of the acknowledge form on the activity page. */
export const ACKNOWLEDGE_ANCHOR = 'kvittera';

const segment = (value: string) => encodeURIComponent(value);

/** Where each link goes, as a path in the web app. */
export const links = {
  overview: (): string => ROUTES.overview,
  /** One activity's page: for its owners (read, report) and for those who may see its avdelning. */
  activity: (activityId: string): string => `/aktivitet/${segment(activityId)}`,
  activityStatus: (activityId: string): string => `/aktivitet/${segment(activityId)}/status`,
  activityAcknowledge: (activityId: string): string => `/aktivitet/${segment(activityId)}/kvittera`,
  /**
   * What a message links to for "acknowledge": the activity page at its acknowledge form (the
   * acknowledgement itself is a POST from that page, after signing in, never a GET from a mail).
   */
  acknowledge: (activityId: string): string => `/aktivitet/${segment(activityId)}#${ACKNOWLEDGE_ANCHOR}`,
  /** The one-click check-in page; with `status`, that status is chosen when the page opens. */
  checkin: (token: string, status?: Status): string => `/status/${token}${status ? `?status=${status}` : ''}`,
  reports: (): string => ROUTES.reports,
  report: (cycleId: string, format: 'html' | 'xlsx'): string => `/rapporter/${segment(cycleId)}/rapport.${format}`,
  calendar: (): string => ROUTES.calendar,
  calendarFeed: (personId: string, token: string, feed: 'mina' | { department: string }): string =>
    `/kalender/feed/${segment(personId)}/${token}/${feed === 'mina' ? 'mina.ics' : `avdelning/${segment(feed.department)}.ics`}`,
  /** Sign-in, coming back to `returnTo` (a path in the app) afterwards. */
  signIn: (returnTo?: string): string => (returnTo ? `/logga-in?till=${encodeURIComponent(returnTo)}` : ROUTES.signIn),
};

/** A path of the app as the absolute URL a message or feed carries. */
export function absolute(baseUrl: string, path: string): string {
  return `${baseUrl.replace(/\/+$/, '')}${path}`;
}
