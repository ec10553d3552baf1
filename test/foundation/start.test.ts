import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { spawnPlanvakt } from '../helpers/cli';
import { freePort } from '../helpers/ports';

/** `planvakt start` is what `npm start` runs: dev server + worker + web, stopped by Ctrl-C. */
describe('planvakt start', () => {
  it('serves /health, stops cleanly on SIGINT and finds its workflows again after a restart', async () => {
    const env = {
      PLANVAKT_DATA_DIR: mkdtempSync(join(tmpdir(), 'planvakt-start-')),
      TEMPORAL_PORT: String(await freePort()),
      TEMPORAL_UI_PORT: String(await freePort()),
      PLANVAKT_PORT: String(await freePort()),
    };
    const web = `http://127.0.0.1:${env.PLANVAKT_PORT}`;

    let run = spawnPlanvakt(['start'], env);
    await run.waitFor(/Ready\. Ctrl-C stops everything\./);
    expect(run.output()).toContain(`Temporal UI: http://127.0.0.1:${env.TEMPORAL_UI_PORT}`);

    const health = await fetch(`${web}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({
      status: 'ok',
      temporal: { reachable: true, namespace: 'planvakt', namespaceState: 'registered' },
      worker: { state: 'RUNNING' },
    });
    const page = await (await fetch(web)).text();
    expect(page).toContain('<html lang="sv">');

    const connection = await Connection.connect({ address: `127.0.0.1:${env.TEMPORAL_PORT}` });
    await new Client({ connection, namespace: 'planvakt' }).workflow.start('restartProbe', {
      taskQueue: 'nobody-polls',
      workflowId: 'before-restart',
    });
    await connection.close();

    run.child.kill('SIGINT');
    expect(await run.exited).toBe(0);
    expect(run.output()).toContain('[planvakt] Stopped.');

    run = spawnPlanvakt(['start'], env);
    await run.waitFor(/Ready\./);
    const again = await Connection.connect({ address: `127.0.0.1:${env.TEMPORAL_PORT}` });
    const described = await new Client({ connection: again, namespace: 'planvakt' }).workflow
      .getHandle('before-restart')
      .describe();
    await again.close();
    expect(described.status.name).toBe('RUNNING');
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
  }, 180_000);

  it('names the taken web port and the fix, and starts nothing', async () => {
    const blocker = createServer();
    const port = await freePort();
    await new Promise<void>((r) => blocker.listen(port, '127.0.0.1', r));
    try {
      const run = spawnPlanvakt(['start'], {
        PLANVAKT_DATA_DIR: mkdtempSync(join(tmpdir(), 'planvakt-start-')),
        TEMPORAL_PORT: String(await freePort()),
        TEMPORAL_UI_PORT: String(await freePort()),
        PLANVAKT_PORT: String(port),
      });
      expect(await run.exited).toBe(1);
      expect(run.output()).toMatch(
        new RegExp(`Port ${port} on 127\\.0\\.0\\.1 is already in use, so the Planvakt web app cannot start`),
      );
      expect(run.output()).toContain('PLANVAKT_PORT=<port>');
      expect(run.output()).not.toContain('Ready.');
    } finally {
      blocker.close();
    }
  }, 60_000);

  it('refuses to start on an invalid rules.yaml, naming file, line and field', async () => {
    const configDir = mkdtempSync(join(tmpdir(), 'planvakt-config-'));
    const shipped = fileURLToPath(new URL('../../config/', import.meta.url));
    copyFileSync(join(shipped, 'organisation.yaml'), join(configDir, 'organisation.yaml'));
    const rules = readFileSync(join(shipped, 'rules.yaml'), 'utf8');
    const line = rules.split('\n').findIndex((l) => l.includes('beforeDeadline:')) + 1;
    writeFileSync(
      join(configDir, 'rules.yaml'),
      rules.replace('beforeDeadline: [20, 5, 1, 0]', 'beforeDeadline: [20, fem, 1, 0]'),
    );
    const run = spawnPlanvakt(['start'], {
      PLANVAKT_CONFIG_DIR: configDir,
      PLANVAKT_DATA_DIR: mkdtempSync(join(tmpdir(), 'planvakt-start-')),
      PLANVAKT_PORT: String(await freePort()),
    });
    expect(await run.exited).toBe(1);
    expect(run.output()).toMatch(new RegExp(`rules\\.yaml, line ${line}, field reminders\\.beforeDeadline\\.1`));
    expect(run.output()).not.toContain('Ready.');
  }, 60_000);

  it('rejects an invalid setting by name', async () => {
    const run = spawnPlanvakt(['start'], { PLANVAKT_PORT: 'tretusen' });
    expect(await run.exited).toBe(1);
    expect(run.output()).toMatch(/environment, field PLANVAKT_PORT: PLANVAKT_PORT: /);
  }, 60_000);
});
