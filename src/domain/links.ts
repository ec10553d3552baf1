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

/**
 * The route patterns, as the web server registers them: every path the server answers is here,
 * and each route declares who may use it where it is registered (src/web/access.ts).
 */
export const ROUTES = {
  overview: '/',
  /** Översikt's list as a file: every row of the filter, search and order the page shows (same access as Översikt). */
  overviewXlsx: '/oversikt.xlsx',
  overviewCsv: '/oversikt.csv',
  activity: '/aktivitet/:id',
  activityStatus: '/aktivitet/:id/status',
  activityAcknowledge: '/aktivitet/:id/kvittera',
  /** Takes a Klar report back while the lifecycle still allows it ("Ångra", `checkin.undoKlarMinutes`). */
  activityUndoKlar: '/aktivitet/:id/angra',
  /** HR or the avdelningschef gives the activity a new Måldatum, with a reason (the `changeDeadline` signal). */
  activityDeadline: '/aktivitet/:id/maldatum',
  /** HR or the avdelningschef gives the activity new owners (roles or named people), with a reason (`changeOwners`). */
  activityOwners: '/aktivitet/:id/ansvariga',
  /** HR or the avdelningschef pauses the activity's reminders until a date, with a reason (`snooze`). */
  activitySnooze: '/aktivitet/:id/pausa',
  /** HR or the avdelningschef closes the activity as Klar or Avbruten, with a reason (the `close` update). */
  activityClose: '/aktivitet/:id/avsluta',
  /** HR or the avdelningschef opens a closed activity again: a new run carrying its state. */
  activityReopen: '/aktivitet/:id/oppna',
  /** HR or the avdelningschef adds an activity by hand to the same avsnitt and mål as this one. */
  activityAdd: '/aktivitet/:id/ny-aktivitet',
  checkin: '/status/*',
  reports: '/rapporter',
  report: '/rapporter/:id/rapport.:format',
  calendar: '/kalender',
  calendarFeed: '/kalender/feed/:person/:token/*',
  /** The signed-in person asks for a new address for her calendar feeds (the old one stops working). */
  calendarRotate: '/kalender/ny-adress',
  signIn: '/logga-in',
  signInDev: '/logga-in/utveckling',
  signInEntra: '/logga-in/entra',
  signInCallback: '/logga-in/callback',
  signOut: '/logga-ut',
  import: '/importera',
  importConfirm: '/importera/bekrafta',
  preview: '/forhandsvisning',
  /** The signed-in person's own Förhandsvisning: waiting, how far it has come, or its result (HR only). */
  previewRun: '/forhandsvisning/korning',
  /** Stops the signed-in person's Förhandsvisning where it is (HR only). */
  previewCancel: '/forhandsvisning/avbryt',
  settings: '/installningar',
  settingsRules: '/installningar/regler',
  settingsOrganisation: '/installningar/organisation',
  settingsSave: '/installningar/spara',
  /** HR ends a person's sessions or gives her a new calendar address. */
  settingsAccess: '/installningar/atkomst',
  health: '/health',
  outbox: '/utkorg',
  stylesheet: '/app.css',
  /** Importera: HR says which column is what in a plan whose headings the importer does not know (HR only). */
  importColumns: '/importera/kolumner',
} as const;

/** The id of the acknowledge form on the activity page. */
export const ACKNOWLEDGE_ANCHOR = 'kvittera';

const segment = (value: string) => encodeURIComponent(value);

/** Where each link goes, as a path in the web app. */
export const links = {
  overview: (): string => ROUTES.overview,
  /** Översikt's list as Excel or CSV; `query` is the page's own query string (`?avdelning=…`), so the file holds what the page shows. */
  overviewExport: (format: 'xlsx' | 'csv', query = ''): string =>
    `${format === 'xlsx' ? ROUTES.overviewXlsx : ROUTES.overviewCsv}${query}`,
  /** One activity's page: for its owners (read, report) and for those who may see its avdelning. */
  activity: (activityId: string): string => `/aktivitet/${segment(activityId)}`,
  activityStatus: (activityId: string): string => `/aktivitet/${segment(activityId)}/status`,
  activityAcknowledge: (activityId: string): string => `/aktivitet/${segment(activityId)}/kvittera`,
  activityUndoKlar: (activityId: string): string => `/aktivitet/${segment(activityId)}/angra`,
  activityDeadline: (activityId: string): string => `/aktivitet/${segment(activityId)}/maldatum`,
  activityOwners: (activityId: string): string => `/aktivitet/${segment(activityId)}/ansvariga`,
  activitySnooze: (activityId: string): string => `/aktivitet/${segment(activityId)}/pausa`,
  activityClose: (activityId: string): string => `/aktivitet/${segment(activityId)}/avsluta`,
  activityReopen: (activityId: string): string => `/aktivitet/${segment(activityId)}/oppna`,
  activityAdd: (activityId: string): string => `/aktivitet/${segment(activityId)}/ny-aktivitet`,
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
  signIn: (returnTo?: string): string =>
    returnTo ? `${ROUTES.signIn}?till=${encodeURIComponent(returnTo)}` : ROUTES.signIn,
  /** Sign-in again after a problem: `okand` (no such active person) or `oidc` (Entra ID failed). */
  signInProblem: (problem: 'okand' | 'oidc'): string => `${ROUTES.signIn}?fel=${problem}`,
  signInEntra: (returnTo: string): string => `${ROUTES.signInEntra}?till=${encodeURIComponent(returnTo)}`,
  signInDev: (): string => ROUTES.signInDev,
  signOut: (): string => ROUTES.signOut,
  calendarRotate: (): string => ROUTES.calendarRotate,
  settings: (): string => ROUTES.settings,
  settingsAccess: (): string => ROUTES.settingsAccess,
};

/** A path of the app as the absolute URL a message or feed carries. */
export function absolute(baseUrl: string, path: string): string {
  return `${baseUrl.replace(/\/+$/, '')}${path}`;
}
