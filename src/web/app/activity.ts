/**
 * Aktivitet: one activity from its workflow's queries (`state`, `nextEvent`, `timeline`): text,
 * goal, section, owners resolved to people, deadline and delmål, the next planned event with its
 * reason and recipients, and every message sent and status reported. A manager up the line may
 * report status here (the `reportStatus` update, validated by the workflow) or acknowledge an
 * overdue activity (the `acknowledge` signal). HR and the avdelningschef of the activity's
 * avdelning may give it a new Måldatum with a reason (the `changeDeadline` signal): the lifecycle
 * plans its reminders from the new date and the timeline says who changed it and why.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { z } from 'zod';
import {
  ACKNOWLEDGE_ANCHOR,
  CADENCES,
  FOLLOW_UP_PERIODS,
  capitalise,
  html,
  isIsoDate,
  lifecycleWorkflowId,
  links,
  orgNames,
  ROLES,
  ROUTES,
  STATUSES,
  listSv,
  type RoleRef,
  type SafeHtml,
  type Status,
} from '../../domain';
import { stockholmDate, stockholmTime, type ScheduleEvent } from '../../calendar';
import {
  mayOpenActivity,
  mayReportIn,
  mayReportOnActivity,
  reportingRolesIn,
  resolveRecipients,
  type Organisation,
} from '../../organisation';
import {
  acknowledge,
  changeDeadline,
  changedFields,
  changeOwners,
  close,
  endsCancelled,
  nextEventQuery,
  snooze,
  reportStatus,
  sentText,
  stateQuery,
  timelineQuery,
  undoKlar,
  type LifecycleActivity,
  type LifecycleView,
  type TimelineEntry,
} from '../../lifecycle';
import { mayManageActivity } from '../access';
import { reopenActivity, startAddedActivity } from '../../apply';
import {
  AddForm,
  chosenOwners,
  CloseForm,
  handAddedActivity,
  manageForms,
  ownerChoices,
  OwnersForm,
  ReopenForm,
  reopenForm,
  SnoozeForm,
} from './activity-manage';
import type { AppContext } from './context';
import { pageFor } from './layout';
import { rulesVersionNamer } from './settings-forms';
import { versionStore } from './settings';
import { invalidateCounts, statusLabel } from './dashboard';

export const KIND_LABEL: Record<ScheduleEvent['kind'], string> = {
  reminder: 'Påminnelse',
  deadline: 'Påminnelse på måldatum',
  overdue: 'Påminnelse, försenad',
  escalation: 'Eskalering',
  statusRequest: 'Statusförfrågan',
};

const ID = /^[\p{L}\p{N}_.:-]{1,200}$/u;
// Who may use each route (src/web/access.ts); the handlers check the same again.
const OPEN = { config: { access: 'activity' as const } };
const REPORT = { config: { access: 'activity-report' as const } };
const ACK = { config: { access: 'activity-acknowledge' as const } };
const MANAGE = { config: { access: 'activity-manage' as const } };

/** "Ändra måldatum": a real date and a reason, both required. */
const DeadlineForm = z.object({
  deadline: z
    .string({ error: 'Ange det nya måldatumet.' })
    .trim()
    .refine(isIsoDate, 'Det nya måldatumet måste vara ett datum som finns, skrivet ÅÅÅÅ-MM-DD.'),
  reason: z
    .string({ error: 'Skriv varför måldatumet ändras.' })
    .trim()
    .min(1, 'Skriv varför måldatumet ändras.')
    .max(500, 'Skälet får vara högst 500 tecken.'),
});
type StatusRoute = { Params: { id: string }; Body: Record<string, string> };
type ManageRoute = { Params: { id: string }; Body: Record<string, unknown> };

/**
 * "till Enhetschef Anna Andersson och Bo Berg": the roles an event goes to, as the people who get
 * it today; "utan mottagare" when the plan names nobody (never "till .").
 */
/**
 * The next event in words: its kind and reason, the kind said once ("Påminnelse 5 arbetsdagar före
 * måldatum …", never "Påminnelse – påminnelse …"), with the follow-up period when it has one.
 */
export function nextEventText(next: Pick<ScheduleEvent, 'kind' | 'reason' | 'period'>): string {
  const kind = KIND_LABEL[next.kind];
  const period = next.period ? ` (${FOLLOW_UP_PERIODS[next.period]})` : '';
  return !period && next.reason.toLowerCase().startsWith(kind.toLowerCase())
    ? capitalise(next.reason)
    : `${kind}${period} – ${next.reason}`;
}

export function recipientsText(
  org: Organisation,
  activity: LifecycleActivity,
  event: Pick<ScheduleEvent, 'to' | 'milestoneId'>,
): string {
  const refs: RoleRef[] =
    event.to !== 'owners'
      ? [{ role: event.to, raw: event.to }]
      : event.milestoneId
        ? (activity.milestones.find((m) => m.id === event.milestoneId)?.owners ?? activity.owners)
        : activity.owners;
  const to = refs.map((ref) => {
    const r = resolveRecipients(org, ref, { department: activity.department, unit: ref.unit ?? activity.unit });
    return `${ROLES[ref.role]} ${listSv(r.people.map((p) => p.name)) || '(ingen aktiv person har rollen)'}`;
  });
  return to.length ? `till ${to.join('; ')}` : 'utan mottagare: planen anger ingen ansvarig';
}

function ownersHtml(org: Organisation, activity: LifecycleActivity, owners: RoleRef[]): SafeHtml {
  if (owners.length === 0) return html`<span class="meta">Inga ansvariga angivna</span>`;
  return html`<ul>${owners.map((ref) => {
    const r = resolveRecipients(org, ref, { department: activity.department, unit: ref.unit ?? activity.unit });
    // Named on this page ("Ändra ansvariga"): the person, not a role the plan wrote.
    if (ref.person) {
      const named = org.people.find((p) => p.id === ref.person);
      return html`<li>${named?.name ?? ref.raw} (${ROLES[ref.role]}, namngiven ansvarig)${named?.active ? '' : html` <span class="meta">– inte aktiv; meddelandena går till ${r.people.map((p) => p.name).join(', ') || 'ingen'}</span>`}</li>`;
    }
    return html`<li>${ROLES[ref.role]}${ref.unit ? ` (${orgNames(org).unit(ref.unit)})` : ''}: ${r.people.map((p) => p.name).join(', ') || 'ingen aktiv person'}${r.gaps.length ? html` <span class="meta">– ${r.gaps.map((g) => g.messageSv).join('; ')}</span>` : ''} <span class="meta">(i planen: ”${ref.raw}”)</span></li>`;
  })}</ul>`;
}

/** How a lifecycle that no longer runs ended: Avbruten when its last run ended on a cancellation. */
function closedAs(runStatus: string, timeline: readonly TimelineEntry[]): 'done' | 'cancelled' | undefined {
  if (runStatus === 'RUNNING') return undefined;
  return endsCancelled(timeline) ? 'cancelled' : 'done';
}

function when(at: string): string {
  return `${stockholmDate(at)} ${stockholmTime(at)}`;
}

function timelineRow(e: TimelineEntry, now: string, rulesVersion: (hash: string) => string): SafeHtml {
  switch (e.type) {
    case 'sent':
      return html`<tr><td>${when(e.at)}</td><td>${KIND_LABEL[e.event.kind]}</td><td>${e.event.reason}<br><span class="meta">${capitalise(sentText(e, now))}</span></td></tr>`;
    case 'reported':
      return html`<tr><td>${when(e.at)}</td><td>Status rapporterad</td><td><strong>${STATUSES[e.report.status]}</strong> av ${e.report.reporter.name}${e.report.milestoneId ? ` (delmål ${e.report.milestoneId})` : ''}${e.report.comment ? html`<br>Kommentar: ${e.report.comment}` : ''}${e.report.proposedDate ? html`<br>Nytt datum: ${e.report.proposedDate}` : ''}</td></tr>`;
    case 'undone':
      return html`<tr><td>${when(e.at)}</td><td>Klar ångrad</td><td>av ${e.by}; status åter <strong>${e.restored ? STATUSES[e.restored] : 'Ej rapporterad'}</strong></td></tr>`;
    case 'acknowledged':
      return html`<tr><td>${when(e.at)}</td><td>Kvitterad</td><td>av ${e.by}</td></tr>`;
    case 'snoozed':
      return html`<tr><td>${when(e.at)}</td><td>Pausad</td><td>till ${e.until} av ${e.by}${e.reason ? html`<br>Skäl: ${e.reason}` : ''}</td></tr>`;
    case 'changed':
      // With a reason: changed here in Planvakt by a person, not by importing the plan.
      return e.reason
        ? html`<tr><td>${when(e.at)}</td><td>Ändrad i Planvakt</td><td>${capitalise(e.fields.join(', '))} ändrat av ${e.by}<br>Skäl: ${e.reason}</td></tr>`
        : html`<tr><td>${when(e.at)}</td><td>Ändrad i planen</td><td>${e.fields.join(', ')} (${e.by})</td></tr>`;
    case 'rulesChanged':
      return html`<tr><td>${when(e.at)}</td><td>Nya regler</td><td>Regler ${rulesVersion(e.version)}</td></tr>`;
    case 'cancelled':
      return e.by
        ? html`<tr><td>${when(e.at)}</td><td>Avbruten</td><td>av ${e.by}<br>Skäl: ${e.reason}</td></tr>`
        : html`<tr><td>${when(e.at)}</td><td>Avslutad</td><td>${e.reason}</td></tr>`;
    case 'closed':
      return html`<tr><td>${when(e.at)}</td><td>Avslutad som Klar</td><td>av ${e.by}<br>Skäl: ${e.reason}</td></tr>`;
    case 'reopened':
      return html`<tr><td>${when(e.at)}</td><td>Öppnad igen</td><td>av ${e.by} (var ${e.was === 'done' ? 'Klar' : 'Avbruten'})<br>Skäl: ${e.reason}</td></tr>`;
    case 'added':
      return html`<tr><td>${when(e.at)}</td><td>Tillagd i Planvakt</td><td>av ${e.by}<br>Skäl: ${e.reason}</td></tr>`;
  }
}

async function load(ctx: AppContext, id: string) {
  const handle = ctx.client.workflow.getHandle(lifecycleWorkflowId(id));
  const [view, next, timeline, described] = await Promise.all([
    handle.query(stateQuery),
    handle.query(nextEventQuery),
    handle.query(timelineQuery),
    handle.describe(),
  ]);
  return { view, next, timeline, closed: closedAs(described.status.name, timeline) };
}

async function render(
  ctx: AppContext,
  req: FastifyRequest<{ Params: { id: string } }>,
  reply: FastifyReply,
  message?: SafeHtml,
  status = 200,
) {
  const user = req.user!;
  const id = req.params.id;
  const page = pageFor(ctx, req, reply);
  if (!ID.test(id))
    return page.send({
      title: 'Aktiviteten finns inte',
      status: 404,
      body: html`<p>Ingen aktivitet med det id:t.</p>`,
    });
  let data: Awaited<ReturnType<typeof load>>;
  try {
    data = await load(ctx, id);
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) {
      return page.send({
        title: 'Aktiviteten finns inte',
        status: 404,
        body: html`<p>Ingen aktivitet med id ${id} följs upp.</p><p><a href="/">Till översikten</a></p>`,
      });
    }
    throw err;
  }
  const { view, next, timeline, closed } = data;
  const a = view.activity;
  const org = await ctx.organisation();
  if (!mayOpenActivity(org, user, a)) return forbidden(ctx, reply, req);
  const dept = org.departments.find((d) => d.id === a.department);
  const unit = dept?.units.find((u) => u.id === a.unit);
  const csrf = page.csrf;
  const mayReport = mayReportOnActivity(org, user.person, a);
  const mayAcknowledge = mayReportIn(org, user.person, a.department);
  const mayManage = mayManageActivity(org, user, a);
  const rulesVersion = await rulesVersionNamer(versionStore(ctx));

  const facts = html`<dl class="facts">
<dt>Avdelning</dt><dd>${dept?.name ?? a.department}${unit ? `, ${unit.name}` : ''}</dd>
<dt>Avsnitt</dt><dd>${a.section}</dd>
<dt>Mål</dt><dd>${a.goal}</dd>
<dt>Måldatum</dt><dd>${a.deadline ?? 'inget datum'}${a.deadlineRaw && a.deadlineRaw !== a.deadline ? html` <span class="meta">(i planen: ”${a.deadlineRaw}”)</span>` : ''}</dd>
<dt>Status</dt><dd class="status" id="status">${closed === 'cancelled' ? 'Avbruten' : statusLabel(view.status, view.overdue, !closed)}${!closed && view.snoozedUntil && view.snoozedUntil > (view.today ?? '') ? ` (pausad till ${view.snoozedUntil})` : ''}${view.reportedAt ? html` <span class="meta">rapporterad ${when(view.reportedAt)}</span>` : ''}${view.comment ? html`<br>Kommentar: ${view.comment}` : ''}${view.proposedDate ? html`<br>Nytt datum: ${view.proposedDate}` : ''}</dd>
<dt>Ansvariga</dt><dd>${ownersHtml(org, a, a.owners)}</dd>
<dt>Uppföljning</dt><dd>${a.cadences.map((c) => CADENCES[c]).join(', ') || 'ingen angiven'}${a.followUp ? html`<br><span class="meta">${a.followUp}</span>` : ''}</dd>
<dt>Plan</dt><dd>${a.plan} <span class="meta">(${a.source.file}, rad ${a.source.line})</span></dd>
<dt>Regler</dt><dd>${rulesVersion(view.rulesVersion)}</dd>
</dl>`;

  const milestones = a.milestones.length
    ? html`<h2>Delmål</h2><table><caption>Delmål och deras ansvariga</caption><thead><tr><th scope="col">Delmål</th><th scope="col">Måldatum</th><th scope="col">Ansvariga</th><th scope="col">Status</th></tr></thead>
<tbody>${a.milestones.map((m) => html`<tr><th scope="row">${m.text ?? m.id}</th><td>${m.deadline ?? '–'}</td><td>${ownersHtml(org, a, m.owners.length ? m.owners : a.owners)}</td><td>${view.milestones[m.id]?.status ? STATUSES[view.milestones[m.id]!.status!] : 'Ej rapporterad'}</td></tr>`)}</tbody></table>`
    : '';

  const nextHtml = html`<h2>Nästa planerade händelse</h2>${
    next
      ? html`<p id="next-event"><strong>${next.localDate} kl. ${stockholmTime(next.at)}</strong>: ${nextEventText(next)}, ${recipientsText(org, a, next)}.</p>`
      : html`<p id="next-event">Ingen planerad händelse${closed === 'cancelled' ? ': aktiviteten är avbruten' : view.status === 'done' ? ': aktiviteten är klar' : ''}.</p>`
  }`;

  const statuses = Object.keys(STATUSES) as Status[];
  const forms =
    mayReport && !closed && view.status !== 'done'
      ? html`<h2>Rapportera status</h2>
<p class="meta">${mayAcknowledge ? 'Som chef i linjen kan du lämna status för aktiviteten. Ansvariga lämnar normalt status via länken i sitt meddelande.' : 'Som ansvarig kan du lämna status här eller via länken i ditt meddelande.'}</p>
<form method="post" action="${links.activityStatus(id)}">
<input type="hidden" name="_csrf" value="${csrf}">
<fieldset><legend>Status för aktiviteten</legend>
${statuses.map((s) => html`<div><input type="radio" id="st-${s}" name="status" value="${s}" required${view.status === s ? html` checked` : ''}> <label for="st-${s}">${STATUSES[s]}</label></div>`)}
</fieldset>
<div class="field"><label for="comment">Kommentar</label><textarea id="comment" name="comment" rows="3" cols="60" maxlength="2000"></textarea></div>
<div class="field"><label for="proposedDate">Nytt datum (krävs vid Försenad)</label><input type="date" id="proposedDate" name="proposedDate"></div>
<button type="submit">Spara status</button></form>
${
  mayAcknowledge && view.overdue && !view.acknowledgedAt
    ? html`<form method="post" id="${ACKNOWLEDGE_ANCHOR}" action="${links.activityAcknowledge(id)}"><input type="hidden" name="_csrf" value="${csrf}"><p>Aktiviteten är försenad. Kvittera för att stoppa eskaleringen.</p><button type="submit" class="secondary">Kvittera förseningen</button></form>`
    : ''
}`
      : '';

  // Klar can be taken back for a while (README, "Check-in"): the same offer as on the check-in page.
  const undo =
    mayReport && view.status === 'done' && view.undoUntil
      ? html`<form method="post" id="angra" action="${links.activityUndoKlar(id)}"><input type="hidden" name="_csrf" value="${csrf}">
<p>Blev det fel? Du kan ångra Klar till kl ${stockholmTime(view.undoUntil)} (${stockholmDate(view.undoUntil)}); då fortsätter påminnelserna som förut.</p>
<button type="submit" class="secondary">Ångra Klar</button></form>`
      : '';

  const today = stockholmDate(ctx.planNow().toISOString());
  const manage =
    mayManage && !closed && view.status !== 'done'
      ? html`<h2>Ändra måldatum</h2>
<p class="meta">Påminnelser och eskalering planeras om från det nya datumet. Ändringen och skälet syns i tidslinjen.</p>
<form method="post" id="maldatum" action="${links.activityDeadline(id)}"><input type="hidden" name="_csrf" value="${csrf}">
<div class="field"><label for="deadline">Nytt måldatum</label><input type="date" id="deadline" name="deadline" required min="${today}" value="${a.deadline ?? ''}"></div>
<div class="field"><label for="reason">Skäl (krävs)</label><textarea id="reason" name="reason" rows="2" cols="60" maxlength="500" required></textarea></div>
<button type="submit">Ändra måldatum</button></form>
${manageForms(id, csrf, ownerChoices(org, a.department, a.owners), a, today, view.snoozedUntil && view.snoozedUntil > today ? view.snoozedUntil : undefined)}`
      : mayManage && closed
        ? reopenForm(id, csrf, closed)
        : '';

  const tl = html`<h2>Tidslinje</h2><table><caption>Varje meddelande som skickats och varje status som rapporterats</caption>
<thead><tr><th scope="col">När</th><th scope="col">Händelse</th><th scope="col">Detaljer</th></tr></thead>
<tbody>${timeline.length ? [...timeline].reverse().map((e) => timelineRow(e, ctx.planNow().toISOString(), rulesVersion)) : html`<tr><td colspan="3">Inget har hänt ännu.</td></tr>`}</tbody></table>`;

  return page.send({
    title: a.text.length > 120 ? `${a.text.slice(0, 119)}…` : a.text,
    status,
    body: html`<p><a href="/">← Översikt</a></p>${message ?? ''}${facts}${nextHtml}${milestones}${forms}${undo}${manage}${tl}`,
  });
}

function forbidden(ctx: AppContext, reply: FastifyReply, req: FastifyRequest) {
  return pageFor(ctx, req, reply).send({
    title: 'Ingen behörighet',
    status: 403,
    body: html`<p role="alert">Aktiviteten hör till en avdelning du inte har behörighet till.</p><p><a href="/">Till översikten</a></p>`,
  });
}

/** What the page says after a change (`?sparat=`). */
const SAVED: Record<string, string> = {
  status: 'Statusen är sparad.',
  kvitterad: 'Förseningen är kvitterad.',
  angrad: 'Klar är ångrad. Påminnelserna fortsätter som förut.',
  maldatum: 'Måldatumet är ändrat. Påminnelserna planeras från det nya datumet.',
  ansvariga: 'De ansvariga är ändrade. Nästa meddelande går till dem.',
  pausad: 'Aktiviteten är pausad. Påminnelserna väntar till datumet.',
  klar: 'Aktiviteten är avslutad som Klar.',
  avbruten: 'Aktiviteten är avbruten. Inga fler meddelanden skickas.',
  oppnad: 'Aktiviteten är öppnad igen. Uppföljningen fortsätter.',
  tillagd: 'Aktiviteten är tillagd och följs upp.',
};

/** The signed-in person as the one who reports on the activity (her roles in its avdelning). */
function reporterFor(org: Organisation, user: NonNullable<FastifyRequest['user']>, view: LifecycleView) {
  return {
    personId: user.person.id,
    name: user.person.name,
    roles: reportingRolesIn(org, user.person, view.activity.department),
  };
}

/**
 * The activity a form posts about: its lifecycle, its state and the organisation; undefined when
 * no lifecycle has that id (the access guard has already refused unknown ids, so only a race).
 */
async function lifecycleOf(ctx: AppContext, id: string) {
  if (!ID.test(id)) return undefined;
  const handle = ctx.client.workflow.getHandle(lifecycleWorkflowId(id));
  try {
    return { handle, view: await handle.query(stateQuery), org: await ctx.organisation() };
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
}

export function registerActivity(app: FastifyInstance, ctx: AppContext) {
  app.get<{ Params: { id: string }; Querystring: { sparat?: string } }>(ROUTES.activity, OPEN, (req, reply) =>
    render(
      ctx,
      req,
      reply,
      req.query.sparat
        ? html`<p class="notice" role="status">${SAVED[req.query.sparat] ?? SAVED.status}</p>`
        : undefined,
    ),
  );

  app.post<StatusRoute>(ROUTES.activityStatus, REPORT, async (req, reply) => {
    const user = req.user!;
    const id = req.params.id;
    const found = await lifecycleOf(ctx, id);
    if (!found) return reply.code(404).send();
    const { handle, view, org } = found;
    if (!mayOpenActivity(org, user, view.activity) || !mayReportOnActivity(org, user.person, view.activity))
      return forbidden(ctx, reply, req);
    const body = req.body ?? {};
    const status = body.status as Status;
    if (!(status in STATUSES))
      return render(ctx, req, reply, html`<p class="error" role="alert">Välj en status.</p>`, 400);
    const comment = body.comment?.trim().slice(0, 2000);
    const proposedDate = body.proposedDate?.trim();
    try {
      await handle.executeUpdate(reportStatus, {
        args: [
          {
            reporter: reporterFor(org, user, view),
            status,
            ...(comment ? { comment } : {}),
            ...(proposedDate ? { proposedDate } : {}),
          },
        ],
        updateId: `web-${randomUUID()}`,
      });
    } catch (err) {
      if (err instanceof WorkflowUpdateFailedError) {
        const why = (err.cause as Error | undefined)?.message ?? err.message;
        return render(ctx, req, reply, html`<p class="error" role="alert">Statusen kunde inte sparas: ${why}</p>`, 400);
      }
      throw err;
    }
    invalidateCounts(ctx);
    return reply.redirect(`${links.activity(id)}?sparat=status`, 303);
  });

  // "Ångra Klar": the lifecycle takes Klar back while its undo time lasts and refuses after it.
  app.post<{ Params: { id: string } }>(ROUTES.activityUndoKlar, REPORT, async (req, reply) => {
    const user = req.user!;
    const id = req.params.id;
    const refused = (why: string, code: number) =>
      render(ctx, req, reply, html`<p class="error" role="alert">${why} Inget har ändrats.</p>`, code);
    const found = await lifecycleOf(ctx, id);
    if (!found) return reply.code(410).send('Aktiviteten följs inte upp längre; Klar kan inte ångras.');
    const { handle, view, org } = found;
    if (!mayOpenActivity(org, user, view.activity) || !mayReportOnActivity(org, user.person, view.activity))
      return forbidden(ctx, reply, req);
    if (view.status !== 'done') return refused('Aktiviteten är inte rapporterad som Klar.', 409);
    if (!view.undoUntil) return refused('Tiden för att ångra Klar har gått ut.', 410);
    try {
      await handle.executeUpdate(undoKlar, {
        args: [{ reporter: reporterFor(org, user, view) }],
        updateId: `web-${randomUUID()}`,
      });
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return refused('Tiden för att ångra Klar har gått ut.', 410);
      if (err instanceof WorkflowUpdateFailedError)
        return refused((err.cause as Error | undefined)?.message ?? err.message, 410);
      throw err;
    }
    invalidateCounts(ctx);
    return reply.redirect(`${links.activity(id)}?sparat=angrad`, 303);
  });

  // "Ändra måldatum": the lifecycle's changeDeadline signal, with who and why for the timeline.
  app.post<StatusRoute>(ROUTES.activityDeadline, MANAGE, async (req, reply) => {
    const user = req.user!;
    const id = req.params.id;
    const refused = (why: string, code: number) =>
      render(ctx, req, reply, html`<p class="error" role="alert">${why} Måldatumet är inte ändrat.</p>`, code);
    const found = await lifecycleOf(ctx, id);
    if (!found) return reply.code(404).send();
    const { handle, view, org } = found;
    if (!mayManageActivity(org, user, view.activity)) return forbidden(ctx, reply, req);
    const parsed = DeadlineForm.safeParse(req.body ?? {});
    if (!parsed.success) return refused(parsed.error.issues.map((i) => i.message).join(' '), 400);
    const { deadline, reason } = parsed.data;
    if (view.status === 'done') return refused('Aktiviteten är rapporterad som Klar.', 409);
    if (deadline === view.activity.deadline) return refused(`Måldatumet är redan ${deadline}.`, 400);
    // A date already passed would make the activity overdue at once and start the escalation.
    const today = stockholmDate(ctx.planNow().toISOString());
    if (deadline < today) return refused(`Det nya måldatumet ${deadline} har redan passerat (i dag ${today}).`, 400);
    try {
      // The plan's own wording (deadlineRaw) is kept: the page shows it beside the new date.
      await handle.signal(changeDeadline, {
        by: user.person.name,
        deadline,
        deadlineRaw: view.activity.deadlineRaw,
        reason,
      });
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return refused('Aktiviteten följs inte upp längre.', 410);
      throw err;
    }
    invalidateCounts(ctx);
    return reply.redirect(`${links.activity(id)}?sparat=maldatum`, 303);
  });

  /**
   * What every form of `activity-manage` does first: the lifecycle (404 when there is none), the
   * same access check as the guard's, the form through its zod schema (400 with every problem in
   * Swedish). `unchanged` ends each refusal ("De ansvariga är inte ändrade.").
   */
  async function manageRequest<T>(
    req: FastifyRequest<ManageRoute>,
    reply: FastifyReply,
    schema: z.ZodType<T>,
    unchanged: string,
  ) {
    const refused = (why: string, code: number) =>
      render(ctx, req, reply, html`<p class="error" role="alert">${why} ${unchanged}</p>`, code);
    const found = await lifecycleOf(ctx, req.params.id);
    if (!found) return { reply: await reply.code(404).send() };
    if (!mayManageActivity(found.org, req.user!, found.view.activity))
      return { reply: await forbidden(ctx, reply, req) };
    const parsed = schema.safeParse(req.body ?? {});
    if (!parsed.success) return { reply: await refused(parsed.error.issues.map((i) => i.message).join(' '), 400) };
    return { ...found, data: parsed.data, refused, by: req.user!.person.name };
  }

  /** A signal to a lifecycle that may have ended since the page was shown. */
  async function send(refused: (why: string, code: number) => unknown, signal: () => Promise<void>) {
    try {
      await signal();
      return undefined;
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return refused('Aktiviteten följs inte upp längre.', 410);
      throw err;
    }
  }

  // "Ändra ansvariga": roles of the avdelning or named people, with a reason (changeOwners).
  app.post<ManageRoute>(ROUTES.activityOwners, MANAGE, async (req, reply) => {
    const m = await manageRequest(req, reply, OwnersForm, 'De ansvariga är inte ändrade.');
    if ('reply' in m) return m.reply;
    const { handle, view, org, data, refused, by } = m;
    if (view.status === 'done') return refused('Aktiviteten är rapporterad som Klar.', 409);
    const owners = chosenOwners(ownerChoices(org, view.activity.department, view.activity.owners), data.owner);
    if (typeof owners === 'string') return refused(owners, 400);
    if (changedFields(view.activity, { ...view.activity, owners }).length === 0)
      return refused('Det är redan de ansvariga.', 400);
    const failed = await send(refused, () => handle.signal(changeOwners, { by, owners, reason: data.reason }));
    if (failed) return failed;
    invalidateCounts(ctx);
    return reply.redirect(`${links.activity(req.params.id)}?sparat=ansvariga`, 303);
  });

  // "Pausa": no reminders, overdue reminders or escalation before the date (snooze).
  app.post<ManageRoute>(ROUTES.activitySnooze, MANAGE, async (req, reply) => {
    const m = await manageRequest(req, reply, SnoozeForm, 'Aktiviteten är inte pausad.');
    if ('reply' in m) return m.reply;
    const { handle, view, data, refused, by } = m;
    if (view.status === 'done') return refused('Aktiviteten är rapporterad som Klar.', 409);
    const today = stockholmDate(ctx.planNow().toISOString());
    if (data.until <= today) return refused(`Pausen måste vara till ett datum efter i dag (${today}).`, 400);
    const failed = await send(refused, () => handle.signal(snooze, { by, until: data.until, reason: data.reason }));
    if (failed) return failed;
    invalidateCounts(ctx);
    return reply.redirect(`${links.activity(req.params.id)}?sparat=pausad`, 303);
  });

  // "Avsluta": Klar or Avbruten, with a reason; the lifecycle's close update refuses what cannot be.
  app.post<ManageRoute>(ROUTES.activityClose, MANAGE, async (req, reply) => {
    const m = await manageRequest(req, reply, CloseForm, 'Aktiviteten är inte avslutad.');
    if ('reply' in m) return m.reply;
    const { handle, data, refused, by } = m;
    const outcome = data.outcome === 'klar' ? 'done' : 'cancelled';
    try {
      await handle.executeUpdate(close, {
        args: [{ by, outcome, reason: data.reason }],
        updateId: `web-${randomUUID()}`,
      });
      // The run ends right after the update: the page it redirects to shows it closed.
      await handle.result();
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return refused('Aktiviteten följs inte upp längre.', 410);
      if (err instanceof WorkflowUpdateFailedError)
        return refused((err.cause as Error | undefined)?.message ?? err.message, 409);
      throw err;
    }
    invalidateCounts(ctx);
    return reply.redirect(`${links.activity(req.params.id)}?sparat=${data.outcome}`, 303);
  });

  // "Öppna igen": a new run carrying the closed one's state (src/apply/by-hand.ts says why).
  app.post<ManageRoute>(ROUTES.activityReopen, MANAGE, async (req, reply) => {
    const m = await manageRequest(req, reply, ReopenForm, 'Aktiviteten är inte öppnad igen.');
    if ('reply' in m) return m.reply;
    const { handle, data, refused, by } = m;
    const [described, timeline] = await Promise.all([handle.describe(), handle.query(timelineQuery)]);
    const was = closedAs(described.status.name, timeline);
    if (!was) return refused('Aktiviteten följs redan upp.', 409);
    const opened = await reopenActivity(ctx.client, req.params.id, { by, reason: data.reason, was }, byHand());
    if (!opened) return refused('Aktiviteten följs redan upp.', 409);
    invalidateCounts(ctx);
    return reply.redirect(`${links.activity(req.params.id)}?sparat=oppnad`, 303);
  });

  // "Lägg till en aktivitet": beside this one (same avsnitt and mål), started like an import's.
  app.post<ManageRoute>(ROUTES.activityAdd, MANAGE, async (req, reply) => {
    const m = await manageRequest(req, reply, AddForm, 'Ingen aktivitet är tillagd.');
    if ('reply' in m) return m.reply;
    const { view, org, data, refused, by } = m;
    const owners = chosenOwners(ownerChoices(org, view.activity.department, view.activity.owners), data.owner);
    if (typeof owners === 'string') return refused(owners, 400);
    const today = stockholmDate(ctx.planNow().toISOString());
    if (data.deadline && data.deadline < today)
      return refused(`Måldatumet ${data.deadline} har redan passerat (i dag ${today}).`, 400);
    const activity = handAddedActivity(view.activity, {
      text: data.text,
      owners,
      ...(data.deadline ? { deadline: data.deadline } : {}),
    });
    const started = await startAddedActivity(ctx.client, activity, { by, reason: data.reason }, byHand());
    if (!started) return refused('En aktivitet med samma text finns redan i avdelningen.', 409);
    invalidateCounts(ctx);
    return reply.redirect(`${links.activity(activity.id)}?sparat=tillagd`, 303);
  });

  const byHand = () => ({
    taskQueue: ctx.settings.taskQueue,
    rulesPath: ctx.rulesPath,
    ...(ctx.settings.timeShiftMs ? { timeShiftMs: ctx.settings.timeShiftMs } : {}),
  });

  app.post<{ Params: { id: string } }>(ROUTES.activityAcknowledge, ACK, async (req, reply) => {
    const user = req.user!;
    const id = req.params.id;
    if (!ID.test(id)) return reply.code(404).send();
    const handle = ctx.client.workflow.getHandle(lifecycleWorkflowId(id));
    const view = await handle.query(stateQuery);
    const org = await ctx.organisation();
    if (
      !user.departments.includes(view.activity.department) ||
      !mayReportIn(org, user.person, view.activity.department)
    )
      return forbidden(ctx, reply, req);
    await handle.signal(acknowledge, { by: user.person.name });
    invalidateCounts(ctx);
    return reply.redirect(`${links.activity(id)}?sparat=kvitterad`, 303);
  });
}
