import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const planvaktBin = fileURLToPath(new URL('../../bin/planvakt.mjs', import.meta.url));

export interface Spawned {
  child: ChildProcessWithoutNullStreams;
  output: () => string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
}

/** Runs the installed `planvakt` command as a user would, in its own process; `as`: another OS user. */
export function spawnPlanvakt(args: string[], env: NodeJS.ProcessEnv, as?: { uid: number; gid: number }): Spawned {
  const child = spawn(process.execPath, [planvaktBin, ...args], { env: { ...process.env, ...env }, ...as });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    output: () => out,
    exited,
    waitFor(pattern, timeoutMs = 90_000) {
      return new Promise((resolve, reject) => {
        const timer = setInterval(() => {
          if (pattern.test(out)) {
            clearInterval(timer);
            resolve();
          } else if (child.exitCode !== null || Date.now() - started > timeoutMs) {
            clearInterval(timer);
            reject(new Error(`planvakt did not print ${pattern} (exit ${child.exitCode}); output:\n${out}`));
          }
        }, 100);
        const started = Date.now();
      });
    },
  };
}
