/**
 * `planvakt import <file> [--out plan.yaml] [--json] [--kolumner FILE]`: reads a plan (or a hand-corrected
 * plan.yaml; --kolumner says which column is what in tables whose headings are unknown), prints a summary per avdelning and, with --out, writes the normalised plan.yaml.
 * `--apply [--passed historical|ask|overdue]`: starts the lifecycles; `--passed` is what happens
 * to new activities whose Måldatum has already passed (as Importera asks; default historical).
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { userInfo } from 'node:os';
import { plural } from '../domain';
import { columnMappingsFlag, fileCommand, mappingTemplate, processIo, tablesTemplate, type Io } from './args';
import { Client } from '@temporalio/client';
import {
  applyChanges,
  DEFAULT_PASSED,
  formatChanges,
  isPassedChoice,
  PASSED_CHOICES,
  passedSummary,
  planChanges,
  planToday,
} from '../apply';
import type { PassedDeadlines } from '../calendar';
import { readEnv, SourceErrors, temporalAddress } from '../config';
import { connectClient } from '../temporal';
import {
  diffPlans,
  errorJson,
  formatSummary,
  planFromYaml,
  planToYaml,
  readErrors,
  readPlanFile,
  summarise,
  summaryJson,
  type PlanDiff,
  type Plan,
} from '../plan';

export { processIo, type Io } from './args';

const USAGE =
  'Användning: planvakt import <fil> [--out plan.yaml] [--json] [--kolumner FIL] [--apply [--dry-run] [--passed historical|ask|overdue]]';

/** What --apply talks to; tests hand in their Temporal client, production connects from the environment. */
export interface ApplyDeps {
  client: Client;
  taskQueue: string;
  rulesPath: string;
}

export async function run(argv: string[], io: Io = processIo, deps?: ApplyDeps): Promise<number> {
  const args = fileCommand(
    argv,
    {
      out: { type: 'string', short: 'o' },
      json: { type: 'boolean' },
      apply: { type: 'boolean' },
      'dry-run': { type: 'boolean' },
      passed: { type: 'string' },
      kolumner: { type: 'string' },
    },
    USAGE,
    io,
  );
  if ('exit' in args) return args.exit;
  const { file } = args;
  const passedFlag = args.values.passed;
  if (passedFlag !== undefined && !isPassedChoice(passedFlag)) {
    io.err(`--passed ${passedFlag}: välj historical, ask eller overdue.\n${USAGE}`);
    return 2;
  }

  let result;
  try {
    const mappings = await columnMappingsFlag(args.values.kolumner);
    if (mappings.errors) throw new SourceErrors(mappings.errors);
    result = await readPlanFile(file, mappings.columns ? { columns: mappings.columns } : {});
  } catch (e) {
    const errors = readErrors(e);
    if (!errors) throw e;
    if (args.values.json) io.out(JSON.stringify({ file, errors: errors.map(errorJson) }, null, 2));
    else {
      for (const x of errors) io.err(x.messageSv);
      const template = mappingTemplate(e);
      if (template) io.err(template);
    }
    return 1;
  }
  const { plan, warnings } = result;
  const summaries = summarise(plan, warnings);

  // Importing over an earlier plan.yaml shows what changes for the running activities.
  let diff: PlanDiff | undefined;
  const out = args.values.out;
  if (out && existsSync(out)) {
    try {
      diff = diffPlans(planFromYaml(basename(out), await readFile(out, 'utf8')), plan);
    } catch (e) {
      if (!readErrors(e)) throw e;
      io.err(`${out} gick inte att läsa som plan.yaml; den skrivs över utan jämförelse.`);
    }
  }
  if (out) await writeFile(out, planToYaml(plan), 'utf8');

  if (args.values.json) {
    io.out(
      JSON.stringify(
        { ...summaryJson(plan, summaries, warnings), ...(out ? { written: out } : {}), ...(diff ? { diff } : {}) },
        null,
        2,
      ),
    );
    return 0;
  }
  io.out(formatSummary(plan, summaries, warnings));
  const template = tablesTemplate(result.unmapped);
  if (template) io.err(template);
  if (diff) {
    io.out('');
    io.out(
      `Jämfört med ${out}: ${diff.added.length} nya, ${diff.removed.length} borttagna, ${diff.changed.length} ändrade, ${diff.unchanged} oförändrade aktiviteter.`,
    );
    for (const a of diff.added) io.out(`  + ${a.department}: ${firstLine(a.text)}`);
    for (const a of diff.removed) io.out(`  - ${a.department}: ${firstLine(a.text)}`);
    for (const c of diff.changed) io.out(`  ~ ${c.department} ${c.id}: ${c.fields.map((f) => f.field).join(', ')}`);
  }
  if (out) io.out(`\nSkrev ${out}.`);
  if (args.values.apply)
    return applyToTemporal(plan, {
      dryRun: Boolean(args.values['dry-run']),
      io,
      passed: passedFlag ?? DEFAULT_PASSED,
      ...(deps ? { deps } : {}),
    });
  return 0;
}

/** --apply: print what changes in what runs, then start, correct and cancel lifecycles. */
async function applyToTemporal(
  plan: Plan,
  opts: { dryRun: boolean; io: Io; passed: PassedDeadlines; deps?: ApplyDeps },
): Promise<number> {
  if (opts.deps) return applyWith(plan, opts, opts.deps);
  const env = readEnv();
  const connection = await connectClient(env).catch((err: Error) => {
    throw new Error(
      `Temporal svarar inte på ${temporalAddress(env)} (${err.message}). Kör \`npm start\` eller sätt TEMPORAL_ADDRESS.`,
    );
  });
  try {
    return await applyWith(plan, opts, {
      client: new Client({ connection, namespace: env.TEMPORAL_NAMESPACE }),
      taskQueue: env.TEMPORAL_TASK_QUEUE,
      rulesPath: join(env.configDir, 'rules.yaml'),
    });
  } finally {
    await connection.close();
  }
}

async function applyWith(
  plan: Plan,
  { dryRun, io, passed }: { dryRun: boolean; io: Io; passed: PassedDeadlines },
  { client, taskQueue, rulesPath }: ApplyDeps,
): Promise<number> {
  const changes = await planChanges(client, plan);
  io.out('');
  io.out(formatChanges(changes));
  // Say how many Måldatum have passed, and what will happen to them (the same choice as Importera).
  const summary = passedSummary(changes, planToday());
  const choice = PASSED_CHOICES.find((c) => c.value === passed)!;
  if (summary) {
    io.out(summary);
    io.out(`  --passed ${passed}: ${choice.label}.`);
    io.out(
      `  Andra val: ${PASSED_CHOICES.filter((c) => c !== choice)
        .map((c) => `--passed ${c.value} (${c.label})`)
        .join('; ')}.`,
    );
  }
  if (dryRun) return 0;
  const result = await applyChanges(client, changes, {
    taskQueue,
    rulesPath,
    by: `planvakt import (${userInfo().username})`,
    passed,
  });
  io.out(
    `Startade ${result.started}, uppdaterade ${result.signalled}, avbröt ${plural(result.cancelled, 'aktivitet', 'aktiviteter')}.`,
  );
  return 0;
}

function firstLine(text: string): string {
  const line = text.split('\n')[0] ?? '';
  return line.length > 90 ? `${line.slice(0, 89)}…` : line;
}
