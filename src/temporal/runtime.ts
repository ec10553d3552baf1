import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';

/**
 * Installs the SDK runtime once per process with quiet logging: the SDK logs every webpack step
 * at INFO, and the time-skipping server is older than the core expects and warns at every start.
 * People and tests want Planvakt's own lines and real problems. PLANVAKT_LOG_LEVEL raises it.
 */
export function installRuntime(): void {
  const level = (process.env.PLANVAKT_LOG_LEVEL ?? 'WARN') as LogLevel;
  try {
    Runtime.install({
      logger: new DefaultLogger(level),
      telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } },
    });
  } catch {
    // Installed already in this process (a second simulate, or a test file after another).
  }
}
