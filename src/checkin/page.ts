/**
 * The one-click check-in page, `GET/POST /status/:token`: a signed token (src/checkin/token.ts)
 * opens a small Swedish page with the person's activities (four status buttons, a comment, a new
 * date for Försenad) and, for a cycle's token, the indicators they answer for. No login: the token
 * is bound to a person and to activities or a cycle, expires, and a cycle's token stops working
 * when the cycle closes. Submitting sends `reportStatus` to the activity's lifecycle (or
 * `reportIndicator` to the cycle) with the form's submission id as the update id, so the same
 * form submitted twice records once. Every rejection is a clear page and records nothing.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { Client, WorkflowNotFoundError, WorkflowUpdateFailedError, type Connection } from '@temporalio/client';
import {
  html,
  joinHtml,
  lifecycleWorkflowId,
  links,
  ROUTES,
  STATUSES,
  type Role,
  type RoleRef,
  type SafeHtml,
  type Status,
} from '../domain';
import { stockholmDate, stockholmTime } from '../calendar';
import { checkinSecret, verifyCheckinToken, type CheckinClaims } from './token';
import { currentConfigText, readEnv, type ConfigVersionStore } from '../config';
import {
  FileOrganisationSource,
  mayReport,
  mayReportOnActivity,
  parseOrganisation,
  reportingRolesIn,
  type Organisation,
  type OrganisationSource,
  type Person,
} from '../organisation';
import { reportStatus, stateQuery, undoKlar, type LifecycleView, type Reporter } from '../lifecycle';
import { cycleStateQuery, reportIndicator, type CycleIndicator, type CycleView } from '../follow-up';

export interface CheckinOptions {
  client: Client;
  organisation: OrganisationSource;
  secret: string;
  /** Real time, for token expiry. */
  now?: () => Date;
  /**
   * Plan time, for "a new date must be in the future". By default `now` on the activity's own plan
   * clock: the time shift its lifecycle was started with (0 in production; simulate and the tests
   * run plans dated 2022).
   */
  planNow?: () => Date;
}

/** How Klar is confirmed before it is recorded (README, "Check-in"). */
export const CONFIRM_DONE = 'confirmed';
/** The form field of the "Ångra" button that takes a Klar report back (README, "Check-in"). */
export const UNDO_DONE = 'undo';

/** The one call server.ts makes: a client on the web app's connection, the organisation file, the secret from the environment. */
export async function registerCheckinFromEnv(
  app: FastifyInstance,
  temporal: { connection: Connection; namespace: string },
  store?: { configVersions(): ConfigVersionStore },
): Promise<void> {
  const env = readEnv();
  const file = join(env.configDir, 'organisation.yaml');
  const versions = store?.configVersions();
  await registerCheckin(app, {
    client: new Client({ connection: temporal.connection, namespace: temporal.namespace }),
    // With the shared store, the organisation HR saved last on the web app; else the file.
    organisation: versions
      ? {
          load: async () =>
            parseOrganisation('organisation.yaml', (await currentConfigText(versions, 'organisation', file)).text),
        }
      : new FileOrganisationSource(file),
    secret: checkinSecret(),
  });
}

class Rejection extends Error {
  constructor(
    readonly code: number,
    readonly title: string,
    readonly detail: string,
    /** What to do next, when there is more to say than the detail (a link to sign in). */
    readonly next?: SafeHtml,
  ) {
    super(title);
  }
}

/** Where a person whose link no longer works can still report: the sign-in, then her activities. */
const SIGN_IN_INSTEAD = html`<p>Du kan också <a href="${links.signIn()}">logga in i Planvakt</a> och lämna status på aktivitetens sida.</p>`;

interface Scope {
  claims: CheckinClaims;
  person: Person;
  cycle?: CycleView;
  activities: { id: string; view: LifecycleView; reporter: Reporter }[];
  indicators: CycleIndicator[];
}

/** Anyone with the link: the token is checked here (the web server's access guard, src/web/access.ts). */
const TOKEN = { config: { access: 'token' as const } };
type CheckinGet = { Params: { '*': string }; Querystring: { status?: string } };
type CheckinPost = { Params: { '*': string }; Body: Record<string, string> };

export async function registerCheckin(app: FastifyInstance, opts: CheckinOptions): Promise<void> {
  const now = opts.now ?? (() => new Date());
  await app.register(async (scope) => {
    if (!scope.hasContentTypeParser('application/x-www-form-urlencoded')) {
      scope.addContentTypeParser(
        'application/x-www-form-urlencoded',
        { parseAs: 'string', bodyLimit: 16_384 },
        (_req, body, done) => {
          done(null, Object.fromEntries(new URLSearchParams(body as string)));
        },
      );
    }

    // A wildcard, not `:token`: tokens are longer than the router's 100-character limit for parameters.
    scope.get<CheckinGet>(ROUTES.checkin, TOKEN, async (req, reply) => {
      try {
        const s = await resolveScope(opts, req.params['*'], now());
        const preselect = req.query.status && req.query.status in STATUSES ? (req.query.status as Status) : undefined;
        return page(reply, 200, 'Lämna status', formsHtml(req.params['*'], s, preselect));
      } catch (err) {
        return rejection(reply, err);
      }
    });

    scope.post<CheckinPost>(ROUTES.checkin, TOKEN, async (req, reply) => {
      try {
        const body = req.body ?? {};
        const submission = body.submission ?? '';
        if (!/^[A-Za-z0-9_-]{8,64}$/.test(submission))
          throw new Rejection(400, 'Formuläret saknar sitt id', 'Öppna länken igen och skicka formuläret därifrån.');
        const s = await resolveScope(opts, req.params['*'], now());
        const back = html`<p><a href="${links.checkin(req.params['*'])}">Tillbaka till dina aktiviteter</a></p>`;

        if (body.indicator !== undefined) {
          const indicator = s.indicators.find((i) => i.id === body.indicator);
          if (!s.cycle || !indicator)
            throw new Rejection(
              403,
              'Indikatorn hör inte till dig',
              'Länken gäller inte den här indikatorn. Inget har registrerats.',
            );
          const value = (body.value ?? '').trim();
          if (!value) throw new Rejection(400, 'Ange ett värde', 'Fyll i det uppmätta värdet och skicka igen.');
          const recorded = await update(() =>
            opts.client.workflow.getHandle(s.cycle!.cycleId).executeUpdate(reportIndicator, {
              args: [
                {
                  submissionId: submission,
                  indicatorId: indicator.id,
                  value,
                  ...(body.comment?.trim() ? { comment: body.comment.trim() } : {}),
                  personId: s.person.id,
                  name: s.person.name,
                },
              ],
              updateId: `checkin-${submission}`,
            }),
          );
          return page(
            reply,
            200,
            'Tack, värdet är registrerat',
            html`<p role="status">Värdet <strong>${recorded.value}</strong> för indikatorn <em>${indicator.name}</em> (${s.cycle.occasion.label}) är registrerat.</p>${back}`,
          );
        }

        const target = s.activities.find((a) => a.id === body.activity);
        if (!target)
          throw new Rejection(
            403,
            'Aktiviteten hör inte till dig',
            'Länken gäller inte den här aktiviteten. Inget har registrerats.',
          );
        if (body[UNDO_DONE] === '1') return await undoDone(reply, opts, req.params['*'], submission, target, back);
        const status = body.status as Status;
        if (!(status in STATUSES))
          throw new Rejection(400, 'Välj en status', 'Välj Klar, Pågår, Försenad eller Ej påbörjad.');
        const comment = body.comment?.trim().slice(0, 2000);
        const proposedDate = body.proposedDate?.trim();
        if (status === 'late' || proposedDate) {
          // Plan time as the activity's own lifecycle sees it (its state carries its today).
          const today = target.view.today ?? stockholmDate((opts.planNow?.() ?? now()).toISOString());
          if (status === 'late' && !proposedDate)
            throw new Rejection(
              400,
              'Ange ett nytt datum',
              'Försenad kräver ett nytt föreslaget datum: när aktiviteten ska vara klar. Gå tillbaka, välj ett datum och skicka igen. Inget har registrerats.',
              back,
            );
          if (!/^\d{4}-\d{2}-\d{2}$/.test(proposedDate!) || Number.isNaN(Date.parse(proposedDate!)))
            throw new Rejection(
              400,
              'Datumet är inte ett datum',
              `”${proposedDate}” är inte ett datum (ÅÅÅÅ-MM-DD). Gå tillbaka och välj ett datum. Inget har registrerats.`,
              back,
            );
          if (proposedDate! <= today)
            throw new Rejection(
              400,
              'Det nya datumet har redan passerat',
              `Det nya datumet ${proposedDate} måste ligga efter i dag (${today}). Gå tillbaka och välj ett senare datum. Inget har registrerats.`,
              back,
            );
        }
        // Klar ends the follow-up of the activity: asked once more before it is recorded.
        if (status === 'done' && body[CONFIRM_DONE] !== '1')
          return page(reply, 200, 'Bekräfta Klar', confirmDoneHtml(req.params['*'], submission, target, comment));
        const view = await update(() =>
          opts.client.workflow.getHandle(lifecycleWorkflowId(target.id)).executeUpdate(reportStatus, {
            args: [
              {
                reporter: target.reporter,
                status,
                ...(comment ? { comment } : {}),
                ...(proposedDate ? { proposedDate } : {}),
              },
            ],
            updateId: `checkin-${submission}`,
          }),
        );
        return page(
          reply,
          200,
          'Tack, statusen är registrerad',
          html`<p role="status">Status <strong>${STATUSES[view.status ?? status]}</strong> för <em>${target.view.activity.text}</em> är registrerad${view.reportedAt ? ` ${view.reportedAt.slice(0, 10)}` : ''}.</p>${view.comment ? html`<p>Kommentar: ${view.comment}</p>` : ''}${view.proposedDate ? html`<p>Nytt datum: ${view.proposedDate}</p>` : ''}${view.status === 'done' ? undoHtml(req.params['*'], target.id, view) : ''}${back}`,
        );
      } catch (err) {
        return rejection(reply, err);
      }
    });
  });
}

/** Verifies the token and finds what it lets this person report on; throws a Rejection otherwise. */
async function resolveScope(opts: CheckinOptions, token: string, now: Date): Promise<Scope> {
  const verified = verifyCheckinToken(opts.secret, token, now);
  if (!verified.ok) {
    if (verified.problem === 'expired')
      throw new Rejection(
        410,
        'Länken har gått ut',
        'Länken är för gammal: en statuslänk gäller tills nästa meddelande om samma aktiviteter har kommit, och lite till. Använd länken i ditt senaste meddelande från Planvakt. Inget har registrerats.',
        SIGN_IN_INSTEAD,
      );
    throw new Rejection(
      400,
      'Länken är ogiltig',
      'Länken är inte en giltig länk från Planvakt (den kan ha ändrats eller kopierats ofullständigt). Öppna länken direkt från meddelandet igen. Inget har registrerats.',
      SIGN_IN_INSTEAD,
    );
  }
  const { claims } = verified;
  const org = await opts.organisation.load();
  const person = org.people.find((p) => p.id === claims.person && p.active);
  if (!person)
    throw new Rejection(
      403,
      'Länken gäller inte längre',
      'Personen länken skapades för finns inte som aktiv i organisationen. Inget har registrerats.',
    );

  let cycle: CycleView | undefined;
  let ids = claims.activities ?? [];
  if (claims.cycle) {
    const handle = opts.client.workflow.getHandle(claims.cycle);
    try {
      const described = await handle.describe();
      if (described.status.name !== 'RUNNING') throw closed();
      cycle = await handle.query(cycleStateQuery);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError)
        throw new Rejection(
          404,
          'Uppföljningen finns inte',
          'Länken hör till en uppföljning som inte finns. Inget har registrerats.',
        );
      throw err;
    }
    if (cycle.phase === 'closing' || cycle.phase === 'closed') throw closed(cycle.occasion.label);
    ids = claims.activities ? claims.activities.filter((id) => cycle!.activityIds.includes(id)) : cycle.activityIds;
  }

  const activities: Scope['activities'] = [];
  for (const id of ids) {
    let view: LifecycleView;
    try {
      view = await opts.client.workflow.getHandle(lifecycleWorkflowId(id)).query(stateQuery);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError)
        throw new Rejection(
          404,
          'Aktiviteten finns inte',
          'Aktiviteten länken gäller följs inte längre upp. Inget har registrerats.',
        );
      throw err;
    }
    const reporter = reporterFor(org, person, view.activity.department);
    const mine = mayReportOnActivity(org, person, view.activity);
    if (!mine) {
      // A cycle's token lists only the person's own activities; an activity token for someone else's activity is refused.
      if (cycle) continue;
      throw new Rejection(
        403,
        'Aktiviteten hör inte till dig',
        `${person.name} är inte ansvarig för aktiviteten och inte chef i linjen. Inget har registrerats.`,
      );
    }
    activities.push({ id, view, reporter });
  }
  const indicators = cycle ? cycle.indicators.filter((i) => mayReport(org, person, i.department, i.owners)) : [];
  if (activities.length === 0 && indicators.length === 0)
    throw new Rejection(
      403,
      'Inget att rapportera',
      'Det finns inga aktiviteter eller indikatorer för dig i den här länken. Inget har registrerats.',
    );
  return { claims, person, ...(cycle ? { cycle } : {}), activities, indicators };
}

function closed(label?: string) {
  return new Rejection(
    410,
    'Uppföljningen är stängd',
    `Uppföljningen${label ? ` ${label}` : ''} är avslutad och rapporten sammanställd. Lämna en ny status från länken i ditt senaste meddelande; den kommer med som rättelse i nästa rapport. Inget har registrerats.`,
  );
}

export function reporterFor(org: Organisation, person: Person, department: string): Reporter {
  return { personId: person.id, name: person.name, roles: reportingRolesIn(org, person, department) };
}

async function update<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) {
      const why = (err.cause as Error | undefined)?.message ?? err.message;
      throw new Rejection(400, 'Statusen kunde inte registreras', `${why} Inget har registrerats.`);
    }
    if (err instanceof WorkflowNotFoundError)
      throw new Rejection(410, 'Uppföljningen är stängd', 'Arbetsflödet är avslutat. Inget har registrerats.');
    throw err;
  }
}

function formsHtml(token: string, s: Scope, preselect?: Status): SafeHtml {
  const action = links.checkin(token);
  const intro = s.cycle
    ? html`<p>${s.person.name}, lämna status för ${s.cycle.occasion.label} senast ${s.cycle.occasion.due}.</p>`
    : html`<p>${s.person.name}, lämna status för dina aktiviteter.</p>`;
  const activityForms = s.activities.map(({ id, view }, n) => {
    const a = view.activity;
    const current = view.status
      ? `${STATUSES[view.status]}${view.reportedAt ? ` (${view.reportedAt.slice(0, 10)})` : ''}`
      : 'ingen än';
    if (view.status === 'done')
      return html`<section><fieldset><legend>${a.text}</legend>
<p class="meta">Måldatum: ${a.deadline ?? a.deadlineRaw ?? '–'} · Nuvarande status: ${current}</p>
${undoHtml(token, id, view)}
</fieldset></section>`;
    const buttons = (Object.keys(STATUSES) as Status[]).map(
      (st) =>
        html`<button type="submit" name="status" value="${st}"${st === preselect ? html` autofocus` : ''}>${STATUSES[st]}</button>`,
    );
    return html`<form method="post" action="${action}">
<fieldset><legend>${a.text}</legend>
<p class="meta">Mål: ${a.goal}<br>Måldatum: ${a.deadline ?? a.deadlineRaw ?? '–'} · Nuvarande status: ${current}</p>
<input type="hidden" name="submission" value="${randomUUID()}">
<input type="hidden" name="activity" value="${id}">
<div class="field"><label for="comment-${n}">Kommentar</label><textarea id="comment-${n}" name="comment" rows="3" maxlength="2000"></textarea></div>
<div class="field"><label for="date-${n}">Nytt datum (krävs vid Försenad)</label><input type="date" id="date-${n}" name="proposedDate"></div>
<div class="statuses" role="group" aria-label="Status">${joinHtml(buttons, html` `)}</div>
</fieldset></form>`;
  });
  const indicatorForms = s.indicators.map(
    (i, n) => html`<form method="post" action="${action}">
<fieldset><legend>Indikator: ${i.name}</legend>
<p class="meta">Årsmål: ${i.annualTarget ?? '–'} · KF:s årsmål: ${i.kfAnnualTarget ?? '–'}${s.cycle?.values[i.id] ? ` · Lämnat värde: ${s.cycle.values[i.id]!.value}` : ''}</p>
<input type="hidden" name="submission" value="${randomUUID()}">
<input type="hidden" name="indicator" value="${i.id}">
<div class="field"><label for="value-${n}">Uppmätt värde</label><input type="text" id="value-${n}" name="value" maxlength="200" required></div>
<div class="field"><label for="icomment-${n}">Kommentar</label><textarea id="icomment-${n}" name="comment" rows="2" maxlength="2000"></textarea></div>
<button type="submit">Skicka värdet</button>
</fieldset></form>`,
  );
  return html`${intro}\n${joinHtml(activityForms, html`\n`)}\n${joinHtml(indicatorForms, html`\n`)}`;
}

/**
 * After Klar: the "Ångra" button while the lifecycle still takes Klar back (its view says until
 * when), and once that time is over, what it means and what to do instead.
 */
function undoHtml(token: string, activityId: string, view: LifecycleView): SafeHtml {
  if (!view.undoUntil) return UNDO_CLOSED;
  return html`<form method="post" action="${links.checkin(token)}" class="undo">
<p>Blev det fel? Du kan ångra Klar till kl ${stockholmTime(view.undoUntil)} (${stockholmDate(view.undoUntil)}); då fortsätter påminnelserna som förut.</p>
<input type="hidden" name="submission" value="${randomUUID()}">
<input type="hidden" name="activity" value="${activityId}">
<input type="hidden" name="${UNDO_DONE}" value="1">
<button type="submit" class="secondary">Ångra</button>
</form>`;
}

const UNDO_CLOSED = html`<p>Aktiviteten är rapporterad som klar och följs inte upp längre. Inget mer behövs från dig. Tiden för att ångra Klar har gått ut; blev det fel, kontakta HR, som kan lägga upp aktiviteten igen.</p>`;

/** "Ångra": takes the Klar report back through the lifecycle, which refuses once its time is over. */
async function undoDone(
  reply: FastifyReply,
  opts: CheckinOptions,
  token: string,
  submission: string,
  target: Scope['activities'][number],
  back: SafeHtml,
) {
  const tooLate = () =>
    new Rejection(
      410,
      'Klar kan inte längre ångras',
      'Tiden för att ångra Klar har gått ut och aktiviteten följs inte upp längre. Inget har ändrats. Blev det fel, kontakta HR, som kan lägga upp aktiviteten igen.',
      back,
    );
  if (target.view.status !== 'done')
    throw new Rejection(
      409,
      'Det finns inget att ångra',
      `Aktiviteten är inte rapporterad som Klar (nuvarande status: ${target.view.status ? STATUSES[target.view.status] : 'ingen än'}). Inget har ändrats.`,
      back,
    );
  if (!target.view.undoUntil) throw tooLate();
  let view: LifecycleView;
  try {
    view = await opts.client.workflow.getHandle(lifecycleWorkflowId(target.id)).executeUpdate(undoKlar, {
      args: [{ reporter: target.reporter }],
      updateId: `checkin-${submission}`,
    });
  } catch (err) {
    // The window closed between the page and the click: the lifecycle has ended, or refuses.
    if (err instanceof WorkflowNotFoundError) throw tooLate();
    if (err instanceof WorkflowUpdateFailedError) {
      const why = (err.cause as Error | undefined)?.message ?? err.message;
      throw new Rejection(410, 'Klar kan inte längre ångras', `${why} Inget har ändrats.`, back);
    }
    throw err;
  }
  return page(
    reply,
    200,
    'Klar är ångrad',
    html`<p role="status">Klar för <em>${target.view.activity.text}</em> är ångrad. Status nu: <strong>${view.status ? STATUSES[view.status] : 'ingen rapporterad'}</strong>. Påminnelserna fortsätter som förut.</p>${back}`,
  );
}

/** Klar, asked once more: the same submission, confirmed, with the comment carried over. */
function confirmDoneHtml(
  token: string,
  submission: string,
  target: Scope['activities'][number],
  comment: string | undefined,
): SafeHtml {
  return html`<p>Vill du rapportera <strong>Klar</strong> för <em>${target.view.activity.text}</em>? Då slutar Planvakt påminna om aktiviteten.</p>
${comment ? html`<p>Kommentar: ${comment}</p>` : ''}
<form method="post" action="${links.checkin(token)}">
<input type="hidden" name="submission" value="${submission}">
<input type="hidden" name="activity" value="${target.id}">
<input type="hidden" name="status" value="done">
<input type="hidden" name="${CONFIRM_DONE}" value="1">
<input type="hidden" name="comment" value="${comment ?? ''}">
<div class="statuses"><button type="submit">Ja, klar</button></div>
</form>
<p><a href="${links.checkin(token)}">Nej, tillbaka utan att rapportera</a></p>`;
}

function rejection(reply: FastifyReply, err: unknown) {
  if (err instanceof Rejection)
    return page(reply, err.code, err.title, html`<p role="alert">${err.detail}</p>${err.next ?? ''}`);
  reply.log.error(err);
  return page(
    reply,
    503,
    'Tjänsten svarar inte just nu',
    html`<p role="alert">Försök igen om en stund. Inget har registrerats.</p>`,
  );
}

function page(reply: FastifyReply, code: number, title: string, body: SafeHtml) {
  return (
    reply
      .code(code)
      .header('cache-control', 'no-store')
      .header('referrer-policy', 'no-referrer')
      .header('x-frame-options', 'DENY')
      // The web app's stylesheet, and nothing inline: the same look as the app under the same rule.
      .header(
        'content-security-policy',
        "default-src 'none'; style-src 'self'; form-action 'self'; frame-ancestors 'none'",
      )
      .type('text/html; charset=utf-8')
      .send(
        html`<!doctype html>
<html lang="sv"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} – Planvakt</title>
<link rel="stylesheet" href="${ROUTES.stylesheet}">
</head><body class="checkin">
<header class="top"><p class="brand">Planvakt</p></header>
<main><h1>${title}</h1>
${body}
</main></body></html>`.value,
      )
  );
}
