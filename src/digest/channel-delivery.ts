/**
 * The production NoticeSink and the digest's activities: the Temporal-facing side of the
 * channels in src/delivery.
 *
 *  lifecycle ─deliver─► ChannelDelivery: roles → people (organisation at send time, active only),
 *                       gaps → a `gap` item in the department HR's digest (or the undeliverable
 *                       log when there is no HR), then each person's items → signalWithStart of
 *                       `digest-<person>-<date>` (personDigest).
 *  personDigest ─sendDigest─► one Message per channel through sendMessage + the ledger.
 *               ─surfaceUndeliverable─► undeliverable log + HR email.
 *               ─forwardDigestItems─► late items to the next working day's digest.
 *
 * `deliver` carries Notices (src/domain/notice.ts), from the lifecycles and the follow-up cycles
 * alike, with the sender's plan time. The activities' types are in ./activities.ts.
 */
import { createHash } from 'node:crypto';
import { Context } from '@temporalio/activity';
import { ApplicationFailure, WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { quietDayPredicate, stockholmDate, stockholmInstant, workingCalendar } from '../calendar';
import {
  deliveryKey,
  isDeliveryError,
  sendMessage,
  type Channels,
  type DeliveryLedger,
  type Message,
  type MessageItem,
  type MessageKind,
  type Recipient,
  type UndeliverableRecorder,
} from '../delivery';
import {
  resolveAll,
  resolveRecipients,
  type Organisation,
  type OrganisationSource,
  type Person,
} from '../organisation';
import {
  absolute,
  capitalise,
  digestWorkflowId,
  links,
  immediateWorkflowId,
  orgNames,
  isCycleWorkflowId,
  planClock,
  type IsoDate,
  type NoticeKind,
  type GatheredInto,
  type NoticeReceipt,
  type NoticeRequest,
  type NoticeSink,
} from '../domain';
import { rulesFor, type Rules, type RulesFile } from '../rules';
import { checkinSecret, signCheckinToken } from '../checkin';
import { checkinLifetimeMs, digestLinks, type CheckinSigner } from './checkin-links';
import { addDigestItems, type DigestInput, type DigestItem, type DigestSettings } from './messages';
import { personDigest } from './workflow';
import type {
  DigestActivities,
  ForwardDigestItemsRequest,
  SendDigestRequest,
  SurfaceUndeliverableRequest,
} from './activities';

export interface DigestDeps {
  client: Client;
  taskQueue: string;
  organisation: OrganisationSource;
  /** The current rules file (read at send time: delivery settings apply to the next message). */
  rules: () => Promise<RulesFile>;
  channels: Channels;
  ledger: DeliveryLedger;
  undeliverable: UndeliverableRecorder;
  /** Public base URL of the web app, for the links in messages. */
  baseUrl: string;
  /** The check-in links' signing secret; by default the one the check-in page verifies with (PLANVAKT_CHECKIN_SECRET). */
  checkinSecret?: string;
}

export const DEFAULT_DIGEST = {
  maxAttempts: 12,
  initialIntervalSeconds: 30,
  fallbackAfterMinutes: 60,
  attemptTimeoutSeconds: 60,
  gatherMinutes: 5,
} as const;

export function digestSettings(rules: Rules): DigestSettings {
  const d = rules.delivery;
  return {
    preferredChannel: d.preferredChannel,
    fallbackChannel: d.fallbackChannel,
    maxAttempts: d.retry?.maxAttempts ?? DEFAULT_DIGEST.maxAttempts,
    initialIntervalSeconds: d.retry?.initialIntervalSeconds ?? DEFAULT_DIGEST.initialIntervalSeconds,
    fallbackAfterMinutes: d.retry?.fallbackAfterMinutes ?? DEFAULT_DIGEST.fallbackAfterMinutes,
    attemptTimeoutSeconds: d.retry?.attemptTimeoutSeconds ?? DEFAULT_DIGEST.attemptTimeoutSeconds,
    gatherMinutes: d.gatherMinutes ?? DEFAULT_DIGEST.gatherMinutes,
  };
}

/** What a notice is, in the words of a message. */
export function messageKindOf(kind: NoticeKind): MessageKind {
  if (kind === 'report') return 'report';
  if (kind === 'statusRequest') return 'statusRequest';
  if (kind === 'escalation') return 'escalation';
  return 'reminder';
}

/** A mixed digest is labelled by its most pressing kind. */
const KIND_PRIORITY: MessageKind[] = ['escalation', 'gap', 'statusRequest', 'reminder', 'report'];
export function digestKind(items: readonly { kind: MessageKind }[]): MessageKind {
  return KIND_PRIORITY.find((k) => items.some((i) => i.kind === k)) ?? 'reminder';
}

export class ChannelDelivery implements NoticeSink {
  constructor(private readonly deps: DigestDeps) {}

  async deliver(request: NoticeRequest): Promise<NoticeReceipt[]> {
    const org = await this.deps.organisation.load();
    const rulesFile = await this.deps.rules();
    const clock = planClock(request);
    const today = stockholmDate(new Date(this.planNowMs(request)).toISOString());
    const departmentName = orgNames(org).department;

    // person → date → items; people resolved now, never to deactivated people.
    const batches = new Map<
      string,
      { immediate: boolean; date: IsoDate; personId: string; rules: Rules; items: DigestItem[] }
    >();
    const add = (personId: string, date: IsoDate, immediate: boolean, rules: Rules, item: DigestItem) => {
      const id = `${personId}|${date}|${immediate}|${item.departmentId}`;
      let b = batches.get(id);
      if (!b) batches.set(id, (b = { immediate, date, personId, rules, items: [] }));
      if (!b.items.some((i) => i.id === item.id)) b.items.push(item);
      return id;
    };
    // Receipts: which batches (person, day) each notice's recipients were gathered into.
    const batchesOf = new Map<string, Set<string>>();

    const receipts: NoticeReceipt[] = [];
    for (const notice of request.notices) {
      const { about } = notice;
      const rules = rulesFor(rulesFile, about.department);
      const immediateKinds = new Set<MessageKind>(rules.delivery.immediate ?? []);
      const kind = messageKindOf(notice.kind);
      const item: DigestItem = {
        id: `${request.workflowId}/${notice.key}`,
        kind,
        activityId: about.id,
        activityText: about.text,
        ...(about.goal ? { goal: about.goal } : {}),
        departmentId: about.department,
        department: departmentName(about.department),
        // The activity's own Måldatum; the event's (a delmål's, a checkpoint's) is in the reason.
        ...((about.deadline ?? notice.deadline) ? { deadline: about.deadline ?? notice.deadline } : {}),
        reason: capitalise(notice.reason),
        subject: about.type,
        toOwners: notice.to === 'owners',
        ...(isCycleWorkflowId(request.workflowId) ? { cycleId: request.workflowId } : {}),
      };
      // A catch-up after an outage belongs to today, not to the day the notice was for.
      const date = notice.localDate > today ? notice.localDate : today;
      const immediate = !rules.delivery.digest || immediateKinds.has(kind);
      const { people, gaps } = resolveAll(org, notice.recipients, {
        department: about.department,
        ...(about.unit ? { unit: about.unit } : {}),
      });
      const into = new Set<string>();
      for (const p of people) into.add(add(p.id, date, immediate, rules, item));
      batchesOf.set(notice.key, into);
      for (const gap of gaps) {
        const gapItem: DigestItem = {
          ...item,
          id: `${item.id}/gap/${gap.role}/${gap.unit ?? gap.department}/${gap.kind}`,
          kind: 'gap',
          reason: `${gap.messageSv}. ${item.reason}`,
        };
        const hr = gap.reportTo.filter((p) => p.active);
        for (const p of hr) add(p.id, date, false, rules, gapItem);
        if (hr.length === 0) {
          await this.deps.undeliverable.record({
            key: gapItem.id,
            recordedAt: new Date().toISOString(),
            kind: 'gap',
            date,
            department: about.department,
            reason: `${gap.messageSv}; ingen HR finns för avdelningen att meddela.`,
            activities: [{ activityId: about.id, activityText: about.text, reason: item.reason }],
          });
        }
      }
      receipts.push({ key: notice.key, recipients: people.map((p) => p.name) });
    }

    // A cycle's finished report is news for the whole avdelning: a card in its Teams channel.
    for (const notice of request.notices.filter((n) => n.kind === 'report' && n.about.type === 'report')) {
      const date = notice.localDate > today ? notice.localDate : today;
      await postToDepartmentChannel(this.deps, org.forvaltning.name, departmentName(notice.about.department), {
        workflowId: request.workflowId,
        notice,
        date,
      });
    }

    const routedTo = new Map<string, GatheredInto[]>();
    for (const [batchId, b] of batches) {
      const calendar = workingCalendar(quietDayPredicate(b.rules.quietDays));
      const routed = await routeToDigest(this.deps, {
        personId: b.personId,
        date: b.date,
        items: b.items,
        settings: digestSettings(b.rules),
        sendTime: b.rules.delivery.sendTime,
        nextDay: (d) => calendar.addWorkingDays(d, 1),
        immediate: b.immediate,
        shiftMs: clock.shiftMs,
      });
      routedTo.set(
        batchId,
        routed.map((r) => ({
          date: r.date,
          sendAt: stockholmInstant(r.date, b.rules.delivery.sendTime),
          ...(b.immediate ? { immediate: true } : {}),
        })),
      );
    }
    // Each receipt names the digests (day and send time) its notice waits in, once each.
    return receipts.map((r) => {
      const into = [...(batchesOf.get(r.key) ?? [])].flatMap((id) => routedTo.get(id) ?? []);
      const digests = [...new Map(into.map((d) => [`${d.date}|${d.sendAt}|${d.immediate ?? false}`, d])).values()];
      return digests.length > 0 ? { ...r, digests } : r;
    });
  }

  /**
   * Plan time of this attempt: the server's scheduling time of the attempt on the sender's plan
   * clock (a retry after an outage is dated when it runs, and a time-skipping test server's time
   * is right where the activity's wall clock is not); outside an activity, the sender's plan time.
   */
  private planNowMs(request: NoticeRequest): number {
    try {
      return planClock(request).toPlanMs(Context.current().info.currentAttemptScheduledTimestampMs);
    } catch {
      return Date.parse(request.planNow);
    }
  }
}

/**
 * Posts a cycle's "report ready" to the avdelning's Teams channel (Workflows webhook), once per
 * notice (the ledger's key). A channel holds many readers, so the card carries no check-in link:
 * only the report page, which asks who opens it to sign in. No webhook for the avdelning: nothing
 * to post (docs/teams.md says how to add one); a post that can pass is retried with `deliver`.
 */
async function postToDepartmentChannel(
  deps: DigestDeps,
  municipality: string,
  departmentName: string,
  r: { workflowId: string; notice: NoticeRequest['notices'][number]; date: IsoDate },
): Promise<void> {
  if (!deps.channels.teamsChannel) return;
  const { about } = r.notice;
  const message: Message = {
    key: deliveryKey(r.workflowId, r.notice.key, about.department, r.date, 'teamsChannel'),
    recipient: { id: about.department, name: departmentName },
    channel: 'teamsChannel',
    kind: 'report',
    date: r.date,
    items: [
      {
        activityId: about.id,
        activityText: about.text,
        department: departmentName,
        reason: capitalise(r.notice.reason),
        kind: 'report',
        linksToReport: true,
        activityUrl: absolute(
          deps.baseUrl,
          links.report(isCycleWorkflowId(r.workflowId) ? r.workflowId : about.id, 'html'),
        ),
      },
    ],
    municipality,
    baseUrl: deps.baseUrl,
  };
  try {
    await sendMessage(message, deps.channels, deps.ledger);
  } catch (e) {
    if (isDeliveryError(e) && !e.retryable) {
      logWarn('the avdelning’s Teams channel did not take the report card', { error: String(e) });
      return;
    }
    throw toActivityFailure(e);
  }
}

export interface RouteRequest {
  personId: string;
  date: IsoDate;
  items: DigestItem[];
  settings: DigestSettings;
  sendTime: string;
  nextDay: (date: IsoDate) => IsoDate;
  immediate: boolean;
  /** The sender's plan time shift, handed on to the digest it starts. */
  shiftMs: number;
}

/**
 * Hands items to the person's digest of `date`, or, when that digest has already sent and closed,
 * to the next working day's: signal-with-start on an id that a closed digest keeps
 * (REJECT_DUPLICATE), so a day never gets a second digest. Idempotent: a running digest dedupes
 * by item id, and a closed one's result names the items it took, which are then not handed on.
 */
export async function routeToDigest(
  deps: Pick<DigestDeps, 'client' | 'taskQueue'>,
  r: RouteRequest,
): Promise<{ workflowId: string; date: IsoDate }[]> {
  let remaining = r.items;
  let date = r.date;
  const routed: { workflowId: string; date: IsoDate }[] = [];
  for (let i = 0; i < 370 && remaining.length > 0; i++) {
    const tag = createHash('sha256')
      .update(JSON.stringify(remaining.map((x) => x.id).sort()))
      .digest('hex')
      .slice(0, 12);
    const workflowId = r.immediate ? immediateWorkflowId(r.personId, date, tag) : digestWorkflowId(r.personId, date);
    const input: DigestInput = {
      personId: r.personId,
      date,
      sendAt: stockholmInstant(date, r.sendTime),
      settings: r.settings,
      ...(r.immediate ? { immediate: true } : {}),
      ...planClock(r.shiftMs).carry(),
    };
    try {
      await deps.client.workflow.signalWithStart(personDigest, {
        workflowId,
        taskQueue: deps.taskQueue,
        args: [input],
        signal: addDigestItems,
        signalArgs: [remaining],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
      });
      routed.push({ workflowId, date });
      return routed;
    } catch (e) {
      if (!(e instanceof WorkflowExecutionAlreadyStartedError)) throw e;
    }
    const handle = deps.client.workflow.getHandle<typeof personDigest>(workflowId);
    // "Already started" while it still runs: a start racing ours (the time-skipping server answers
    // so). Signal it again; waiting for its result would hold this activity until the digest sends.
    if (
      (await handle.describe().then(
        (d) => d.status.name,
        () => undefined,
      )) === 'RUNNING'
    )
      continue;
    // Closed: it may already hold these items (a retried deliver); hand on only the others.
    const taken = await handle
      .result()
      .then((o) => new Set(o.itemIds))
      .catch(() => new Set<string>());
    remaining = remaining.filter((x) => !taken.has(x.id));
    date = r.nextDay(date);
  }
  if (remaining.length > 0) throw new Error(`no open digest for ${r.personId} within a year of ${r.date}`);
  return routed;
}

export function recipientOf(p: Person): Recipient {
  return {
    id: p.id,
    name: p.name,
    email: p.email,
    ...(p.teamsUserId ? { teamsUserId: p.teamsUserId } : {}),
    ...(p.teamsUpn ? { upn: p.teamsUpn } : {}),
  };
}

/**
 * The message of one person's digest. With `sign`, each item that asks the reader to report gets
 * its check-in links and the message its one check-in link (./checkin-links.ts).
 */
export function digestMessage(
  org: Organisation,
  person: Person,
  req: SendDigestRequest,
  baseUrl: string,
  sign?: CheckinSigner,
): Message {
  const linked = digestLinks(req.items, baseUrl, sign);
  const items: MessageItem[] = req.items.map((i, n) => ({
    activityId: i.activityId,
    activityText: i.activityText,
    ...(i.goal ? { goal: i.goal } : {}),
    department: i.department,
    ...(i.deadline ? { deadline: i.deadline } : {}),
    reason: i.reason,
    kind: i.kind,
    ...linked.items[n],
  }));
  return {
    key: deliveryKey(req.digestId, 'digest', person.id, req.date, req.channel),
    recipient: recipientOf(person),
    channel: req.channel,
    kind: digestKind(req.items),
    date: req.date,
    items,
    municipality: org.forvaltning.name,
    baseUrl,
    ...(linked.checkInUrl ? { checkInUrl: linked.checkInUrl } : {}),
  };
}

/**
 * Signs the reader's check-in tokens for a digest of `date`: bound to the person, and living the
 * longest lifetime the rules of the digest's departments give (./checkin-links.ts), counted from
 * now on the clock the check-in page verifies with.
 */
async function signerFor(d: DigestDeps, req: SendDigestRequest): Promise<CheckinSigner> {
  const file = await d.rules();
  const departments = [...new Set(req.items.map((i) => i.departmentId))];
  const lifetime = Math.max(...departments.map((dep) => checkinLifetimeMs(rulesFor(file, dep), req.date)));
  let nowMs: number;
  try {
    nowMs = Context.current().info.currentAttemptScheduledTimestampMs;
  } catch {
    nowMs = Date.now();
  }
  const expires = new Date(nowMs + lifetime).toISOString();
  const secret = d.checkinSecret ?? checkinSecret();
  return (scope) => signCheckinToken(secret, { person: req.personId, ...scope, expires });
}

/** A DeliveryError as Temporal should treat it: permanent ones fail at once, Retry-After is honoured. */
export function toActivityFailure(e: unknown): unknown {
  if (!isDeliveryError(e)) return e;
  return ApplicationFailure.create({
    type: e.code,
    message: e.message,
    nonRetryable: !e.retryable,
    ...(e.retryable && e.retryAfterMs !== undefined ? { nextRetryDelay: Math.max(1, e.retryAfterMs) } : {}),
  });
}

export function createDigestActivities(deps: DigestDeps | undefined): DigestActivities {
  const need = (): DigestDeps => {
    if (!deps) throw ApplicationFailure.nonRetryable('this worker has no channel delivery configured', 'notConfigured');
    return deps;
  };

  return {
    async sendDigest(req: SendDigestRequest) {
      const d = need();
      const org = await d.organisation.load();
      const person = org.people.find((p) => p.id === req.personId);
      if (!person || !person.active) {
        throw ApplicationFailure.nonRetryable(
          `${req.personId} is ${person ? 'deactivated' : 'not in the organisation'}`,
          'invalidRecipient',
        );
      }
      const message = digestMessage(org, person, req, d.baseUrl, await signerFor(d, req));
      try {
        const out = await sendMessage(message, d.channels, d.ledger);
        if (out.status === 'sent' && out.ledgerError) {
          Context.current().log.error('message sent but the ledger write failed', {
            key: message.key,
            error: String(out.ledgerError),
          });
        }
        return { status: out.status, key: message.key, channel: req.channel };
      } catch (e) {
        throw toActivityFailure(e);
      }
    },

    async surfaceUndeliverable(req: SurfaceUndeliverableRequest) {
      const d = need();
      const org = await d.organisation.load();
      const person = org.people.find((p) => p.id === req.personId);
      const departments = [...new Set(req.items.map((i) => i.departmentId))];
      const hr = new Map<string, Person>();
      for (const department of departments) {
        for (const p of resolveRecipients(org, { role: 'hr', raw: 'HR' }, { department }).people)
          if (p.active) hr.set(p.id, p);
      }
      const reason = `Meddelandet till ${person?.name ?? req.personId} den ${req.date} nådde ingen kanal: ${req.failures.map((f) => `${f.channel}: ${f.error}`).join('; ') || 'ingen kanal provad'}`;
      const hrNotified: string[] = [];
      let tryAgain: unknown;
      for (const h of hr.values()) {
        if (h.id === req.personId) continue;
        const message: Message = {
          key: deliveryKey(req.digestId, 'undeliverable', h.id, req.date, 'email'),
          recipient: recipientOf(h),
          channel: 'email',
          kind: 'gap',
          date: req.date,
          items: req.items.map((i) => ({
            activityId: i.activityId,
            activityText: i.activityText,
            department: i.department,
            ...(i.deadline ? { deadline: i.deadline } : {}),
            reason: `${reason}. ${i.reason}`,
            kind: 'gap' as const,
          })),
          municipality: org.forvaltning.name,
          baseUrl: d.baseUrl,
        };
        try {
          await sendMessage(message, d.channels, d.ledger);
          hrNotified.push(h.name);
        } catch (e) {
          // A relay that is down comes back (an SMTP outage is often why nothing got through):
          // Temporal tries again, and the ledger keeps those already told from a second copy.
          if (isDeliveryError(e) && e.retryable) tryAgain ??= e;
          else
            Context.current().log.warn('HR could not be told about an undeliverable message', {
              digestId: req.digestId,
              error: String(e),
            });
        }
      }
      // Recorded at the first attempt (idempotent by key): the Utkorg page lists it however long the relay is down.
      await d.undeliverable.record({
        key: req.digestId,
        recordedAt: new Date().toISOString(),
        kind: 'message',
        personId: req.personId,
        ...(person ? { personName: person.name } : {}),
        date: req.date,
        ...(departments[0] ? { department: departments[0] } : {}),
        reason,
        failures: req.failures,
        activities: req.items.map((i) => ({
          activityId: i.activityId,
          activityText: i.activityText,
          reason: i.reason,
        })),
        hrNotified,
      });
      if (tryAgain) throw toActivityFailure(tryAgain);
      return { hrNotified };
    },

    async forwardDigestItems(req: ForwardDigestItemsRequest) {
      const d = need();
      const rules = rulesFor(await d.rules(), req.items[0]?.departmentId ?? '');
      const calendar = workingCalendar(quietDayPredicate(rules.quietDays));
      return routeToDigest(d, {
        personId: req.personId,
        date: calendar.addWorkingDays(req.fromDate, 1),
        items: req.items,
        settings: digestSettings(rules),
        sendTime: rules.delivery.sendTime,
        nextDay: (x) => calendar.addWorkingDays(x, 1),
        immediate: false,
        shiftMs: planClock(req).shiftMs,
      });
    },
  };
}

function logWarn(message: string, attrs: Record<string, unknown>): void {
  try {
    Context.current().log.warn(message, attrs);
  } catch {
    console.warn(message, attrs);
  }
}
