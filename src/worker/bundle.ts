import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode } from '@temporalio/worker';
import { workflowsPath } from './worker';

/**
 * Bundles the workflows in a short-lived child process and returns the bundle's path. A worker
 * that bundles in-process keeps webpack's memory for its whole life (about 110 MB of RSS here,
 * bench/scale.ts); the long-lived worker only loads the finished bundle.
 */
export async function prebundleWorkflows(outPath: string): Promise<{ codePath: string }> {
  mkdirSync(dirname(outPath), { recursive: true });
  const script = fileURLToPath(import.meta.url);
  const child = spawn(process.execPath, ['--import', 'tsx', script, outPath], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`Bundling the workflows failed (exit ${code}):\n${stderr}`);
  return { codePath: outPath };
}

// Run as a script: `node --import tsx src/worker/bundle.ts <out>`.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { code } = await bundleWorkflowCode({ workflowsPath });
  writeFileSync(process.argv[2]!, code);
}
