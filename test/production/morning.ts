/**
 * Which digests a morning of the kompetensförsörjningsplan must send, worked out apart from the
 * run: the pure schedule() per activity from the moment of the import, the recipients of each
 * event resolved in the organisation (a role nobody holds goes to the avdelning's HR), one digest
 * per person and day, identified by its delivery key (the Message-ID's local part).
 */
import { schedule, stockholmInstant } from '../../src/calendar';
import { deliveryKey } from '../../src/delivery/key';
import { digestWorkflowId } from '../../src/domain/workflow-ids';
import { recipientsOf, toLifecycleActivity } from '../../src/lifecycle';
import { resolveAll, type Organisation } from '../../src/organisation';
import { placedActivities, type Plan } from '../../src/plan';
import { rulesFor, type RulesFile } from '../../src/rules';

export interface ExpectedDigest {
  personId: string;
  email: string;
  date: string;
  key: string;
}

/** The digests of `day` (Stockholm date) for a plan imported at plan instant `importedAt` (ISO). */
export function morningDigests(
  plan: Plan,
  rulesFile: RulesFile,
  org: Organisation,
  importedAt: string,
  day: string,
): Map<string, ExpectedDigest> {
  const digests = new Map<string, ExpectedDigest>();
  const horizon = stockholmInstant(day, '23:00');
  for (const placed of placedActivities(plan)) {
    const activity = toLifecycleActivity(plan, placed);
    const rules = rulesFor(rulesFile, activity.department);
    const events = schedule({
      activity,
      rules,
      state: { sent: [], since: importedAt },
      now: importedAt,
      horizon,
      features: { ladder: true, checkpoints: true },
    });
    for (const event of events.filter((e) => e.localDate === day)) {
      const { people, gaps } = resolveAll(org, recipientsOf(activity, event), {
        department: activity.department,
        ...(activity.unit ? { unit: activity.unit } : {}),
      });
      const to = [...people, ...gaps.flatMap((g) => g.reportTo.filter((p) => p.active))];
      for (const person of to) {
        const key = deliveryKey(digestWorkflowId(person.id, day), 'digest', person.id, day, 'email');
        digests.set(key, { personId: person.id, email: person.email!, date: day, key });
      }
    }
  }
  return digests;
}
