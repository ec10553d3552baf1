import { z } from 'zod';
import { parseYaml } from '../config';
import { STATUSES, type Status } from '../domain';

/**
 * Who answers what and when in a simulation (`--answers scenario.yaml`). Without one nobody
 * answers: the worst case, every reminder, overdue reminder and escalation the rules allow.
 *
 *   answers:
 *     - { activity: 2395d8b89a0a, date: 2022-05-02, by: anna-berg, status: Pågår, comment: "Halvvägs" }
 *     - { activity: "ekologisk och ekonomisk hållbarhet", date: 2022-11-15, by: rektor-1, status: Klar }
 *   acknowledgements:
 *     - { activity: 2395d8b89a0a, date: 2023-01-20, by: avdchef-forskola }
 */
const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'expected a date YYYY-MM-DD' });
const statusBySwedish = Object.fromEntries(
  Object.entries(STATUSES).map(([id, sv]) => [sv.toLowerCase(), id]),
) as Record<string, Status>;
const StatusWord = z.string().transform((s, ctx) => {
  const id = (s in STATUSES ? s : statusBySwedish[s.toLowerCase()]) as Status | undefined;
  if (!id) ctx.addIssue({ code: 'custom', message: `expected one of ${Object.values(STATUSES).join(', ')}` });
  return id as Status;
});

/** `activity` is an activity id or a piece of its text (which must match exactly one activity). */
const Answer = z.strictObject({
  activity: z.string().min(1),
  date: IsoDate,
  by: z.string().min(1),
  status: StatusWord,
  comment: z.string().optional(),
  proposedDate: IsoDate.optional(),
});
const Acknowledgement = z.strictObject({ activity: z.string().min(1), date: IsoDate, by: z.string().min(1) });

export const ScenarioSchema = z.strictObject({
  answers: z.array(Answer).default([]),
  acknowledgements: z.array(Acknowledgement).default([]),
});
export type Scenario = z.output<typeof ScenarioSchema>;

export const parseScenario = (file: string, text: string): Scenario => parseYaml(file, text, ScenarioSchema);
