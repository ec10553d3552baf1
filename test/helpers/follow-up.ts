import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyInstance } from 'fastify';
import { Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Client } from '@temporalio/client';
import type { CycleOutcome } from '../../src/follow-up';
import { RecordingDelivery } from '../../src/domain/notice';
import { createActivities } from '../../src/worker/activities';
import { lifecycleStart, type LifecycleActivity, activityLifecycle } from '../../src/lifecycle';
import { FileOrganisationSource, loadOrganisation, resolveAll, type Organisation } from '../../src/organisation';
import { loadRules, rulesFor, type Rules, type RulesFile } from '../../src/rules';
import { registerCheckin } from '../../src/checkin/page';
import { workflowsPath } from '../../src/worker';

export const organisationPath = fileURLToPath(new URL('../../config/organisation.yaml', import.meta.url));
export const shippedRulesPath = fileURLToPath(new URL('../../config/rules.yaml', import.meta.url));
export const TEST_SECRET = 'test-secret-for-check-in-tokens-0123456789';

/**
 * The real workflows (lifecycles, department follow-up, cycles) on a time-skipping server with a
 * recording delivery whose recipients are person ids (resolved from config/organisation.yaml as
 * the channel delivery does), the report activities writing to a temp dir, and the check-in page
 * on an in-process Fastify app. All workflows of one harness share one time shift.
 */
export class FollowUpHarness {
  org!: Organisation;
  rulesFile!: RulesFile;
  delivery!: RecordingDelivery;
  readonly dataDir = mkdtempSync(join(tmpdir(), 'planvakt-followup-'));
  app!: FastifyInstance;
  private worker!: Worker;
  private running!: Promise<void>;

  constructor(
    readonly env: TestWorkflowEnvironment,
    readonly taskQueue = 'followup-test',
  ) {}

  async start(): Promise<void> {
    this.org = await loadOrganisation(organisationPath);
    this.rulesFile = await loadRules(shippedRulesPath);
    this.delivery = new RecordingDelivery((ref, activity) =>
      resolveAll(this.org, [ref], {
        department: activity.department,
        ...(activity.unit ? { unit: activity.unit } : {}),
      }).people.map((p) => p.id),
    );
    const organisation = new FileOrganisationSource(organisationPath);
    this.worker = await Worker.create({
      connection: this.env.nativeConnection,
      taskQueue: this.taskQueue,
      workflowsPath,
      activities: createActivities({
        delivery: this.delivery,
        followUp: { client: this.env.client, dataDir: this.dataDir, organisation },
      }),
    });
    this.running = this.worker.run();
    this.app = Fastify();
    await registerCheckin(this.app, { client: this.env.client, organisation, secret: TEST_SECRET });
    await this.app.ready();
  }

  async stop(): Promise<void> {
    await this.app?.close();
    this.worker?.shutdown();
    await this.running;
  }

  /**
   * A finished cycle's outcome, read with a plain client: the test environment's client unlocks
   * time skipping while it waits for a result, and the server then races on to the next timer.
   */
  async outcome(cycleId: string): Promise<CycleOutcome> {
    const plain = new Client({ connection: this.env.connection });
    const d = await plain.workflow.getHandle(cycleId).describe();
    if (d.status.name !== 'COMPLETED') throw new Error(`${cycleId} is ${d.status.name}, not completed`);
    return plain.workflow.getHandle(cycleId).result();
  }

  rules(department: string): Rules {
    return rulesFor(this.rulesFile, department);
  }

  /** The shift that makes server time read as `planNow`. */
  async shiftFor(planNow: string): Promise<number> {
    return Date.parse(planNow) - (await this.env.currentTimeMs());
  }

  async launchLifecycle(activity: LifecycleActivity, timeShiftMs: number) {
    const serverNow = await this.env.currentTimeMs();
    const input = { activity, rules: this.rules(activity.department), rulesVersion: 'test-1', timeShiftMs };
    return this.env.client.workflow.start(
      activityLifecycle,
      lifecycleStart(input, this.taskQueue, new Date(serverNow)),
    );
  }

  async sleepUntil(planInstant: string, timeShiftMs: number): Promise<void> {
    const target = Date.parse(planInstant) - timeShiftMs;
    const now = await this.env.currentTimeMs();
    if (target > now) await this.env.sleep(target - now);
  }

  messages(filter: { workflowId?: string; kind?: string; keyPrefix?: string } = {}) {
    return this.delivery.messages.filter(
      (m) =>
        (!filter.workflowId || m.workflowId === filter.workflowId) &&
        (!filter.kind || m.kind === filter.kind) &&
        (!filter.keyPrefix || m.key.startsWith(filter.keyPrefix)),
    );
  }

  /** Posts a check-in form as a browser would. */
  post(token: string, fields: Record<string, string>) {
    return this.app.inject({
      method: 'POST',
      url: `/status/${token}`,
      payload: new URLSearchParams(fields).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
  }
}
