import { parseArgs } from 'node:util';
import { installRuntime } from '../temporal';
import { readEnv } from '../config';
import { startService, type Parts } from './service';

/** `planvakt start` (everything), `planvakt worker`, `planvakt web`: runs until Ctrl-C. */
export function command(parts: Parts) {
  return async function run(argv: string[]): Promise<number> {
    parseArgs({ args: argv, options: {}, allowPositionals: false });
    const env = readEnv();
    installRuntime();
    const service = await startService(env, parts);
    console.log(`[planvakt] Temporal: ${service.temporalAddress} (namespace ${env.TEMPORAL_NAMESPACE})`);
    if (service.temporalUiUrl) console.log(`[planvakt] Temporal UI: ${service.temporalUiUrl}`);
    if (parts.worker) console.log(`[planvakt] Worker: task queue ${env.TEMPORAL_TASK_QUEUE}`);
    if (service.devOutbox)
      console.log(
        `[planvakt] Utkorg (no SMTP/Graph configured): SMTP catcher ${service.devOutbox.smtp}, Teams sink ${service.devOutbox.http}, page ${service.webUrl ?? ''}/utkorg`,
      );
    if (service.webUrl) console.log(`[planvakt] Planvakt: ${service.webUrl}  (health: ${service.webUrl}/health)`);
    console.log('[planvakt] Ready. Ctrl-C stops everything.');

    const signal = new Promise<string>((resolve) => {
      process.once('SIGINT', () => resolve('SIGINT'));
      process.once('SIGTERM', () => resolve('SIGTERM'));
    });
    const crashed = service.workerDone?.then(
      () => 'worker stopped',
      (err: Error) => `worker failed: ${err.message}`,
    );
    const reason = await Promise.race([signal, ...(crashed ? [crashed] : [])]);
    console.log(`[planvakt] Stopping (${reason}) …`);
    await service.stop();
    console.log('[planvakt] Stopped.');
    return reason.startsWith('SIG') ? 0 : 1;
  };
}

export const run = command({ worker: true, web: true });
