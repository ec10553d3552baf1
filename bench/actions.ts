/**
 * Temporal actions per activity-year for the seed kompetensförsörjningsplan: every activity runs
 * through 2022 on the time-skipping server with nobody answering (the worst case), through the
 * same simulate() as `planvakt simulate`, and the actions are counted from the histories the way
 * Temporal Cloud bills them.
 *
 *   node --import tsx bench/actions.ts
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import proto from '@temporalio/proto';
import { rulesVersion } from '../src/lifecycle/from-plan';
import { loadOrganisation } from '../src/organisation';
import { readPlanFile } from '../src/plan';
import { parseRules } from '../src/rules';
import { simulate } from '../src/simulate/simulate';

/** History events that are billable actions. */
const ACTION_EVENTS = new Set([
  'EVENT_TYPE_WORKFLOW_EXECUTION_STARTED',
  'EVENT_TYPE_TIMER_STARTED',
  'EVENT_TYPE_ACTIVITY_TASK_SCHEDULED',
  'EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED',
  'EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES',
  'EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED',
  'EVENT_TYPE_MARKER_RECORDED',
]);

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const rulesPath = here('../config/rules.yaml');
const rulesText = readFileSync(rulesPath, 'utf8');
const { plan } = await readPlanFile(here('../../shared/plans/kompetensforsorjningsplan-2021-2023.md'));

const counts = new Map<string, number>();
let actions = 0;
let activities = 0;
const wall = Date.now();
const sim = await simulate({
  plan,
  rules: parseRules(rulesPath, rulesText),
  rulesVersion: rulesVersion(rulesText),
  organisation: await loadOrganisation(here('../config/organisation.yaml')),
  from: '2022-01-01',
  to: '2022-12-31',
  inspect: async (client, ids) => {
    activities = ids.length;
    for (const id of ids) {
      // Every run of the chain: continue-as-new at the year's end is part of the cost.
      let runId: string | undefined = (await client.workflow.getHandle(id).describe()).runId;
      while (runId) {
        const history = await client.workflow.getHandle(id, runId).fetchHistory();
        for (const e of history.events ?? []) {
          const type =
            typeof e.eventType === 'number'
              ? (proto.temporal.api.enums.v1.EventType[e.eventType] ?? '')
              : String(e.eventType);
          if (!ACTION_EVENTS.has(type)) continue;
          actions++;
          counts.set(type, (counts.get(type) ?? 0) + 1);
        }
        runId = history.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId || undefined;
      }
    }
  },
});

console.log(
  `activities: ${activities}, simulated 2022, events: ${sim.messages.length}, wall: ${((Date.now() - wall) / 1000).toFixed(1)} s`,
);
for (const [type, n] of [...counts].sort()) console.log(`  ${type.replace('EVENT_TYPE_', '').toLowerCase()}: ${n}`);
console.log(
  `actions-per-activity-year: ${(actions / activities).toFixed(1)} (goal <= 25; a daily polling design needs >= 365)`,
);
