/**
 * `planvakt rules [--apply]`: validates config/rules.yaml (file, line and field of every error,
 * in Swedish), and with --apply hands the new version to every running activity.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Client } from '@temporalio/client';
import { rolloutRules } from '../apply';
import { rulesVersion } from '../lifecycle';
import { readEnv, SourceErrors } from '../config';
import { parseRules } from '../rules';
import { connectClient } from '../temporal';

export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { apply: { type: 'boolean' }, file: { type: 'string' } } });
  const env = readEnv();
  const path = values.file ?? join(env.configDir, 'rules.yaml');
  const text = await readFile(path, 'utf8');
  try {
    parseRules(path, text);
  } catch (err) {
    if (!(err instanceof SourceErrors)) throw err;
    for (const e of err.errors) console.error(e.messageSv);
    return 1;
  }
  console.log(`${path}: giltig, version ${rulesVersion(text)}.`);
  if (!values.apply) return 0;
  const connection = await connectClient(env);
  try {
    const r = await rolloutRules(new Client({ connection, namespace: env.TEMPORAL_NAMESPACE }), path);
    console.log(
      `Version ${r.version}: ${r.signalled} pågående aktiviteter fick de nya reglerna, ${r.current} hade dem redan.`,
    );
    return 0;
  } finally {
    await connection.close();
  }
}
