import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { RecordingDelivery } from '../../src/domain/notice';
import { createActivities } from '../../src/worker/activities';
import { applyChanges, formatChanges, planChanges } from '../../src/apply/apply-plan';
import { rolloutRules } from '../../src/apply/rules-rollout';
import { parsePlan } from '../../src/plan';
import { nextEventQuery, stateQuery, timelineQuery, toLifecycleActivity } from '../../src/lifecycle';
import { placedActivities } from '../../src/plan';
import { run as importCli, type Io } from '../../src/cli/import';
import { workflowsPath } from '../../src/worker';
import { localEnv } from '../helpers/temporal';
import { rulesPath } from '../helpers/lifecycle';

const seedPath = fileURLToPath(
  new URL('../../../shared/plans/kompetensforsorjningsplan-2021-2023.md', import.meta.url),
);
const seed = readFileSync(seedPath, 'utf8');
const taskQueue = 'apply-test';

let env: TestWorkflowEnvironment;
let worker: Worker;
let running: Promise<void>;

beforeAll(async () => {
  env = await localEnv();
  worker = await Worker.create({
    connection: env.nativeConnection,
    namespace: 'planvakt',
    taskQueue,
    workflowsPath,
    activities: createActivities({ delivery: new RecordingDelivery() }),
  });
  running = worker.run();
}, 120_000);
afterAll(async () => {
  worker?.shutdown();
  await running;
  await env?.teardown();
});

const apply = async (text: string) => {
  const { plan } = parsePlan('kompetensforsorjningsplan-2021-2023.md', text);
  const changes = await planChanges(env.client, plan);
  const result = await applyChanges(env.client, changes, { taskQueue, rulesPath, by: 'test-import' });
  return { changes, result };
};

/** Visibility is eventually consistent: wait until the list shows what was just started. */
async function waitForRunning(plan: string, count: number) {
  for (let i = 0; i < 100; i++) {
    const n = (await env.client.workflow.count(`PlanvaktPlan = "${plan}" AND ExecutionStatus = "Running"`)).count;
    if (n === count) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`visibility never showed ${count} running activities`);
}

describe('import --apply', () => {
  it('starts one lifecycle per activity, then nothing on a second import, then applies a corrected plan', async () => {
    const first = await apply(seed);
    // 73 activities in the seed kompetensförsörjningsplan (counted by hand in test/plan).
    expect(first.changes.added).toHaveLength(73);
    expect(first.result.started).toBe(73);
    await waitForRunning('kompetensforsorjningsplan-2021-2023', 73);
    // …and one follow-up workflow per avdelning for the tertial and VB cycles.
    for (const department of [
      'forskola',
      'stadsutveckling',
      'aldreomsorg',
      'individ-och-familj',
      'funktionsnedsattning',
    ]) {
      expect((await env.client.workflow.getHandle(`follow-up-${department}`).describe()).type).toBe(
        'followUpDepartment',
      );
    }

    const again = await apply(seed);
    expect(again.result).toEqual({ started: 0, signalled: 0, cancelled: 0 });
    expect(again.changes.unchanged).toHaveLength(73);

    // The corrected plan: the first förskola row (line 236) gets a new date, and the stadsutveckling
    // row at line 264 is removed.
    const lines = seed.split('\n');
    const kitchen = lines[235]!;
    expect(kitchen).toContain('Erfarenhetsbaserad kompetensutvecklad kökspersonal');
    lines[235] = kitchen.replace('2022-12-31', '2023-06-30');
    expect(lines[263]).toContain('Förbättra kompetensen för fritidsledare inom öppna förskolan');
    lines.splice(263, 1);
    const corrected = await apply(lines.join('\n'));

    expect(corrected.changes.changed.map((c) => c.fields)).toEqual([['måldatum']]);
    // The removed activity is named by its text, as the plan had it, not by its id.
    expect(corrected.changes.removed.map((r) => r.text)).toEqual([
      expect.stringContaining('Utbildningsinsats för fritidsledare inom öppen förskola'),
    ]);
    expect(corrected.changes.added).toHaveLength(0);
    expect(formatChanges(corrected.changes)).toMatch(/0 nya, 1 ändrad, 1 borttagen, 71 oförändrade/);
    expect(formatChanges(corrected.changes)).toMatch(
      /- \S+ Utbildningsinsats för fritidsledare inom öppen förskola.* avbryts/,
    );

    const changedId = `activity-${corrected.changes.changed[0]!.activity.id}`;
    const view = await env.client.workflow.getHandle(changedId).query(stateQuery);
    expect(view.activity.deadline).toBe('2023-06-30');
    expect((await env.client.workflow.getHandle(changedId).query(timelineQuery)).at(-1)).toMatchObject({
      type: 'changed',
      fields: ['måldatum'],
      by: 'test-import',
    });

    const removed = env.client.workflow.getHandle(corrected.changes.removed[0]!.workflowId);
    expect(await removed.result()).toMatchObject({ result: 'cancelled', reason: 'Borttagen ur planen' });

    // Importing the corrected plan again changes nothing, and the removed one is not restarted.
    await waitForRunning('kompetensforsorjningsplan-2021-2023', 72);
    const stable = await apply(lines.join('\n'));
    expect(stable.result).toEqual({ started: 0, signalled: 0, cancelled: 0 });

    // HR changes the reminder offsets: every running activity gets the new version, once.
    const dir = mkdtempSync(join(tmpdir(), 'planvakt-rules-'));
    const newRules = join(dir, 'rules.yaml');
    writeFileSync(
      newRules,
      readFileSync(rulesPath, 'utf8').replace('beforeDeadline: [20, 5, 1, 0]', 'beforeDeadline: [10, 0]'),
    );
    const rollout = await rolloutRules(env.client, newRules);
    expect(rollout).toMatchObject({ signalled: 72, current: 0 });
    expect((await env.client.workflow.getHandle(changedId).query(stateQuery)).rulesVersion).toBe(rollout.version);
    expect(await rolloutRules(env.client, newRules)).toMatchObject({ signalled: 0, current: 72 });
  }, 180_000);

  it('planvakt import --apply says how many Måldatum have passed, and --passed ask asks the owners once for a final status', async () => {
    // A new row in the förskola table, Måldatum 2022-06-30: passed long before today.
    const lines = seed.split('\n');
    expect(lines[235]).toContain('Erfarenhetsbaserad kompetensutvecklad kökspersonal');
    lines.splice(
      236,
      0,
      '| Erfarenhetsbaserad kompetensutvecklad kökspersonal | Inventera köksutrustningen i alla förskolekök inför upphandlingen | 2022-06-30 | Avdelningschef | Tertialrapportering. |',
    );
    const dir = mkdtempSync(join(tmpdir(), 'planvakt-import-'));
    const file = join(dir, 'kompetensforsorjningsplan-2021-2023.md');
    writeFileSync(file, lines.join('\n'));
    const { plan } = parsePlan('kompetensforsorjningsplan-2021-2023.md', lines.join('\n'));
    const added = placedActivities(plan)
      .map((p) => toLifecycleActivity(plan, p))
      .find((a) => a.text.startsWith('Inventera köksutrustningen'))!;
    expect(added.deadline).toBe('2022-06-30');

    const out: string[] = [];
    const io: Io = { out: (t) => void out.push(t), err: (t) => void out.push(t) };
    const deps = { client: env.client, taskQueue, rulesPath };
    expect(await importCli([file, '--apply', '--dry-run'], io, deps)).toBe(0);
    expect(out.join('\n')).toContain('1 av 1 nya aktiviteter har ett Måldatum som redan har passerat');
    // The default is the least noisy choice.
    expect(out.join('\n')).toContain('--passed historical: Markera dem som historiska: inga utskick.');

    out.length = 0;
    expect(await importCli([file, '--apply', '--passed', 'ask'], io, deps)).toBe(0);
    expect(out.join('\n')).toContain('--passed ask: Fråga de ansvariga en gång om slutstatus.');
    expect(out.join('\n')).toContain('Startade 1,');
    const next = await env.client.workflow.getHandle(`activity-${added.id}`).query(nextEventQuery);
    expect(next).toMatchObject({ kind: 'statusRequest', to: 'owners', deadline: '2022-06-30' });
    expect(next!.reason).toMatch(/slutstatus/);
  }, 60_000);
});
