import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { temporalCliPath } from '../../src/temporal/binaries';
import { startDevServer, type DevServer } from '../../src/temporal/dev-server';
import { PortInUse } from '../../src/temporal/ports';
import { freePort } from '../helpers/ports';

describe('the embedded dev server on a SQLite file', () => {
  let server: DevServer | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  async function start(dir: string, port: number, uiPort: number) {
    return startDevServer({
      cliPath: temporalCliPath(),
      dbFile: join(dir, 'temporal.sqlite'),
      logFile: join(dir, 'temporal.log'),
      namespace: 'planvakt',
      port,
      uiPort,
    });
  }

  it('keeps a workflow started before a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'planvakt-devserver-'));
    const [port, uiPort] = [await freePort(), await freePort()];
    server = await start(dir, port, uiPort);
    let connection = await Connection.connect({ address: server.address });
    // No worker polls this queue: the workflow just has to outlive the server process.
    await new Client({ connection, namespace: 'planvakt' }).workflow.start('sleeper', {
      args: [30],
      taskQueue: 'nobody-polls',
      workflowId: 'survives-restart',
    });
    await connection.close();
    await server.stop();

    server = await start(dir, port, uiPort);
    connection = await Connection.connect({ address: server.address });
    const described = await new Client({ connection, namespace: 'planvakt' }).workflow
      .getHandle('survives-restart')
      .describe();
    await connection.close();
    expect(described.status.name).toBe('RUNNING');
    expect(described.type).toBe('sleeper');
  });

  it('refuses a taken port with the fix in the message', async () => {
    const blocker = createServer();
    const port = await freePort();
    await new Promise<void>((r) => blocker.listen(port, '127.0.0.1', r));
    try {
      const dir = mkdtempSync(join(tmpdir(), 'planvakt-devserver-'));
      const attempt = start(dir, port, await freePort());
      await expect(attempt).rejects.toBeInstanceOf(PortInUse);
      await expect(attempt).rejects.toThrow(
        new RegExp(`Port ${port} .* in use[\\s\\S]*TEMPORAL_PORT=<port>[\\s\\S]*TEMPORAL_ADDRESS=`),
      );
    } finally {
      blocker.close();
    }
  });
});
