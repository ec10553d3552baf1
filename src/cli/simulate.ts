/**
 * `planvakt simulate <plan> [--from 2022-01-01] [--to 2022-12-31] [--answers scenario.yaml]
 *  [--format table|csv|html] [--department forskola] [--out file]`: what Planvakt would send, to
 * whom and when, by running the real workflows a year ahead on the time-skipping server.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { rulesVersion } from '../lifecycle';
import { readEnv } from '../config';
import { loadOrganisation } from '../organisation';
import { readPlanFile } from '../plan';
import { parseRules } from '../rules';
import { defaultPreviewYear, formatCsv, formatHtml, formatTable, parseScenario, simulate } from '../simulate';

const USAGE =
  'Användning: planvakt simulate <plan> [--from ÅÅÅÅ-MM-DD (utan: planens eget år)] [--to ÅÅÅÅ-MM-DD] [--answers scenario.yaml] [--format table|csv|html] [--department id] [--out fil]';

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      from: { type: 'string' },
      to: { type: 'string' },
      answers: { type: 'string' },
      format: { type: 'string', default: 'table' },
      department: { type: 'string', multiple: true },
      out: { type: 'string' },
    },
  });
  const [file] = positionals;
  const format = values.format!;
  if (!file || !['table', 'csv', 'html'].includes(format)) {
    console.error(USAGE);
    return 2;
  }
  const env = readEnv();
  const rulesPath = join(env.configDir, 'rules.yaml');
  const rulesText = await readFile(rulesPath, 'utf8');
  const { plan } = await readPlanFile(file);
  // Without --from, the plan's own year, as Förhandsvisning picks it.
  const from = values.from ?? `${defaultPreviewYear(plan, new Date().getFullYear())}-01-01`;
  const to = values.to ?? `${from.slice(0, 4)}-12-31`;
  const started = Date.now();
  const sim = await simulate({
    plan,
    rules: parseRules(rulesPath, rulesText),
    rulesVersion: rulesVersion(rulesText),
    organisation: await loadOrganisation(join(env.configDir, 'organisation.yaml')),
    from,
    to,
    scenario: values.answers
      ? parseScenario(basename(values.answers), await readFile(values.answers, 'utf8'))
      : undefined,
    departments: values.department,
  });
  const text =
    format === 'csv'
      ? formatCsv(sim)
      : format === 'html'
        ? formatHtml(sim, `${plan.title}, ${from} – ${to}`)
        : formatTable(sim);
  if (values.out) await writeFile(values.out, text, 'utf8');
  else process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  console.error(
    `simulate: ${sim.activities} activities, ${sim.messages.length} events, ${((Date.now() - started) / 1000).toFixed(1)} s wall`,
  );
  return 0;
}
