/**
 * Kalender: iCalendar feeds (`ical-generator`) so owners see their deadlines and report dates in
 * Outlook beside their meetings. Calendar clients cannot sign in, so each feed URL carries an
 * unguessable per-person token (HMAC of the person id and her feed generation with the session
 * secret, calendar-feeds.ts); the person, or HR, can ask for a new address, and the old links stop
 * working. The person's access is checked again from the organisation file on every fetch, so
 * deactivating someone closes their feeds. Personal feed: the activities whose owner roles the person holds (in their
 * department or unit) and the report due dates of those departments; department feed: every
 * activity of a department the person may see.
 */
import type { FastifyInstance } from 'fastify';
import ical from 'ical-generator';
import { addDays, stockholmDate } from '../../calendar';
import { accessFor, departmentOfUnit, type Organisation, type Person } from '../../organisation';
import { absolute, FOLLOW_UP_PERIODS, html, links, ROLES, ROUTES, type FollowUpPeriod } from '../../domain';
import { rulesFor } from '../../rules';
import type { AppContext } from './context';
import { pageFor } from './layout';
import { inList, LIFECYCLE, listPage, quote, views } from './visibility';
import { calendarToken, validCalendarToken } from './calendar-feeds';

export { calendarToken } from './calendar-feeds';

const MAX_EVENTS = 500;

/** Visibility queries for the activities a person owns: one per role assignment. */
function ownedQueries(org: Organisation, person: Person): string[] {
  return person.roles.map((a) => {
    const dept = a.department ?? (a.unit ? departmentOfUnit(org, a.unit) : undefined);
    const parts = [`${LIFECYCLE} AND ExecutionStatus = 'Running'`, `PlanvaktOwnerRoles = ${quote(a.role)}`];
    if (dept) parts.push(`PlanvaktDepartment = ${quote(dept)}`);
    return parts.join(' AND ');
  });
}

export function registerCalendar(app: FastifyInstance, ctx: AppContext) {
  const secret = () => ctx.settings.sessionSecret;

  app.get(ROUTES.calendar, { config: { access: 'signed-in' } }, async (req, reply) => {
    const user = req.user!;
    const org = await ctx.organisation();
    const token = calendarToken(secret(), user.person.id, await ctx.calendarFeeds.generation(user.person.id));
    const base = ctx.settings.baseUrl.replace(/\/$/, '');
    const mine = absolute(base, links.calendarFeed(user.person.id, token, 'mina'));
    const depts = org.departments.filter((d) => user.departments.includes(d.id));
    const page = pageFor(ctx, req, reply);
    const renewed = (req.query as Record<string, unknown> | undefined)?.ny === '1';
    return page.send({
      title: 'Kalender',
      active: links.calendar(),
      body: html`${renewed ? html`<p class="notice" role="status">Du har fått nya adresser. De gamla fungerar inte längre: lägg till kalendern på nytt i Outlook.</p>` : ''}<p>Prenumerera på flödena i Outlook (Lägg till kalender → Från internet) så syns måldatum och rapportdagar bredvid dina möten. Adresserna är personliga: dela dem inte.</p>
<h2>Mina måldatum och rapportdagar</h2><p><label for="feed-mine">Adress</label><br><input type="text" id="feed-mine" readonly size="90" value="${mine}"></p>
${depts.length ? html`<h2>Avdelningar</h2><table><caption>Flöden per avdelning</caption><thead><tr><th scope="col">Avdelning</th><th scope="col">Adress</th></tr></thead><tbody>${depts.map((d) => html`<tr><th scope="row">${d.name}</th><td><label class="visually-hidden" for="feed-${d.id}">Adress för ${d.name}</label><input type="text" id="feed-${d.id}" readonly size="90" value="${absolute(base, links.calendarFeed(user.person.id, token, { department: d.id }))}"></td></tr>`)}</tbody></table>` : ''}
<h2>Ny adress</h2><form method="post" action="${links.calendarRotate()}"><input type="hidden" name="_csrf" value="${page.csrf}"><p>Har en adress kommit i fel händer? Be om nya adresser: de gamla slutar fungera direkt.</p><button type="submit">Ge mig nya adresser</button></form>`,
    });
  });

  // The person herself: a new generation, so every link she had stops working.
  app.post(ROUTES.calendarRotate, { config: { access: 'signed-in' } }, async (req, reply) => {
    const user = req.user!;
    await ctx.calendarFeeds.rotate(user.person.id, user.person.name);
    req.log.warn({ person: user.person.id, by: user.person.id }, 'calendar feed address renewed');
    return reply.redirect(`${links.calendar()}?ny=1`, 303);
  });

  app.get<{ Params: { person: string; token: string; '*': string } }>(
    ROUTES.calendarFeed,
    { config: { access: 'token' } },
    async (req, reply) => {
      const { person: personId, token } = req.params;
      const rest = req.params['*'];
      if (!validCalendarToken(secret(), personId, await ctx.calendarFeeds.generation(personId), token))
        return reply.code(404).send('Not found');
      const org = await ctx.organisation();
      const person = org.people.find((p) => p.id === personId && p.active);
      if (!person) return reply.code(404).send('Not found');
      const access = accessFor(org, person, 'entra');

      let queries: string[];
      let name: string;
      let departments: string[];
      const m = /^avdelning\/([a-z0-9-]+)\.ics$/.exec(rest);
      if (rest === 'mina.ics') {
        queries = ownedQueries(org, person);
        name = `Planvakt – ${person.name}`;
        departments = [
          ...new Set(
            person.roles
              .map((a) => a.department ?? (a.unit ? departmentOfUnit(org, a.unit) : undefined))
              .filter((d): d is string => Boolean(d)),
          ),
        ];
      } else if (m && access.departments.includes(m[1]!)) {
        queries = [`${LIFECYCLE} AND ExecutionStatus = 'Running' AND ${inList('PlanvaktDepartment', [m[1]!])}`];
        departments = [m[1]!];
        name = `Planvakt – ${org.departments.find((d) => d.id === m[1])?.name ?? m[1]}`;
      } else return reply.code(404).send('Not found');

      const ids = new Set<string>();
      for (const q of queries) {
        let token: string | undefined;
        do {
          const page = await listPage(ctx.client, ctx.namespace, q, 200, token);
          for (const r of page.rows) ids.add(r.activityId);
          token = page.next;
        } while (token && ids.size < MAX_EVENTS);
      }
      const found = await views(ctx.client, [...ids].slice(0, MAX_EVENTS), 10_000);
      const cal = ical({
        name,
        timezone: 'Europe/Stockholm',
        prodId: { company: 'Planvakt', product: 'planvakt', language: 'SV' },
      });
      const base = ctx.settings.baseUrl.replace(/\/$/, '');
      for (const [id, v] of found) {
        const a = v.activity;
        const owners = a.owners.map((o) => ROLES[o.role]).join(', ');
        const add = (date: string, summary: string, uid: string) =>
          cal.createEvent({
            id: `${uid}@planvakt`,
            start: new Date(`${date}T00:00:00Z`),
            end: new Date(`${addDays(date, 1)}T00:00:00Z`),
            allDay: true,
            summary,
            description: `${a.text}\n\nMål: ${a.goal}\nAnsvariga: ${owners}`,
            url: absolute(base, links.activity(id)),
          });
        if (a.deadline && v.status !== 'done') add(a.deadline, `Måldatum: ${a.text.slice(0, 80)}`, `deadline-${id}`);
        for (const ms of a.milestones)
          if (ms.deadline && v.milestones[ms.id]?.status !== 'done')
            add(ms.deadline, `Delmål: ${(ms.text ?? a.text).slice(0, 80)}`, `milestone-${id}-${ms.id}`);
      }
      // Report dates: the yearly follow-up windows' last days, this plan year and the next.
      const rules = await ctx.rules();
      const year = Number(stockholmDate(ctx.planNow().toISOString()).slice(0, 4));
      for (const d of departments) {
        const r = rulesFor(rules, d);
        for (const [p, rule] of Object.entries(r.followUp.periods) as [
          FollowUpPeriod,
          (typeof r.followUp.periods)[FollowUpPeriod],
        ][]) {
          if (rule.every !== 'year' || !['T1', 'T2', 'VB'].includes(p)) continue;
          for (const y of [year, year + 1]) {
            const due = rule.years[String(y)]?.due ?? `${rule.due < rule.opens ? y + 1 : y}-${rule.due}`;
            cal.createEvent({
              id: `report-${d}-${p}-${y}@planvakt`,
              start: new Date(`${due}T00:00:00Z`),
              end: new Date(`${addDays(due, 1)}T00:00:00Z`),
              allDay: true,
              summary: `Sista dag för status: ${FOLLOW_UP_PERIODS[p]} ${y} (${org.departments.find((x) => x.id === d)?.name ?? d})`,
            });
          }
        }
      }
      return reply
        .type('text/calendar; charset=utf-8')
        .header('cache-control', 'private, max-age=300')
        .send(cal.toString());
    },
  );
}
