import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { repoRoot } from '../config';

/**
 * Where scripts/provision-temporal.mjs put the Temporal CLI and the time-skipping test server.
 * The SDK would otherwise download them from the web at first use, which these networks forbid.
 */
export type Executable = { type: 'existing-path'; path: string } | { type: 'cached-download' };

interface ManifestEntry {
  route: 'env' | 'pypi' | 'source' | 'sdk';
  path?: string;
  detail: string;
}

export class BinaryNotProvisioned extends Error {
  override name = 'BinaryNotProvisioned';
}

export function toolsDir(): string {
  return resolve(process.env.PLANVAKT_TOOLS_DIR || join(repoRoot, '.tools'));
}

function entry(key: 'cli' | 'testServer'): ManifestEntry {
  const manifest = join(toolsDir(), 'temporal.json');
  if (!existsSync(manifest)) {
    throw new BinaryNotProvisioned(
      `The Temporal binaries are not provisioned (${manifest} is missing). Run \`npm install\` ` +
        `or \`node scripts/provision-temporal.mjs\`; it says which route it took or what to install.`,
    );
  }
  const value = (JSON.parse(readFileSync(manifest, 'utf8')) as Record<string, ManifestEntry>)[key];
  if (!value)
    throw new BinaryNotProvisioned(
      `${manifest} has no entry "${key}": run \`node scripts/provision-temporal.mjs --force\`.`,
    );
  if (value.path && !existsSync(value.path)) {
    throw new BinaryNotProvisioned(
      `${value.path} (route ${value.route}) is gone: run \`node scripts/provision-temporal.mjs --force\`.`,
    );
  }
  return value;
}

function executable(key: 'cli' | 'testServer'): Executable {
  const e = entry(key);
  return e.path ? { type: 'existing-path', path: e.path } : { type: 'cached-download' };
}

/** The Temporal CLI (`temporal server start-dev`), for npm start and TestWorkflowEnvironment.createLocal. */
export const devServerExecutable = (): Executable => executable('cli');
/** The time-skipping test server, for TestWorkflowEnvironment.createTimeSkipping. */
export const testServerExecutable = (): Executable => executable('testServer');

/** The CLI's path for spawning it ourselves (npm start); the SDK route cannot give one. */
export function temporalCliPath(): string {
  const e = entry('cli');
  if (!e.path) {
    throw new BinaryNotProvisioned(
      'npm start needs the Temporal CLI on disk, but provisioning fell back to the SDK download. ' +
        'Install Python 3 with venv (or Go, or put `temporal` on PATH) and run `node scripts/provision-temporal.mjs --force`.',
    );
  }
  return e.path;
}
