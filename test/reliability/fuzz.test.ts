/**
 * Hostile input for every reader of files people write: both plan importers, plan.yaml,
 * organisation.yaml and rules.yaml. Each case runs in a worker thread with a time limit, because a
 * synchronous parser that hangs cannot be interrupted from its own thread.
 */
import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parsePlan, planToYaml } from '../../src/plan';
import { anyText, generatedPlan, mangled } from '../helpers/plan-fuzz';
import { KOMPETENSPLAN, readSeed, VERKSAMHETSPLAN } from '../plan/seeds';
import type { FuzzCase, Target, Verdict } from './fuzz-judge';
import { recordReliability } from './record';

/**
 * A case may use this much CPU time. Counted in CPU, not wall time, because the machine is shared:
 * a parser starved of CPU is not hanging. The worker is the only thread at work while a case runs,
 * so the process's CPU time is the case's.
 */
const CASE_LIMIT_MS = 2_000;
/** And this much wall time, for a worker that stops answering without using CPU. */
const CASE_WALL_LIMIT_MS = 30_000;

/** One worker that judges cases one at a time; a case over its time limits or a dead worker fails the test. */
class CaseRunner {
  private worker: Promise<Worker> | undefined;
  cases = 0;

  private start(): Promise<Worker> {
    // tsx's API registers TypeScript loading inside the worker itself; Node gives workers no --import.
    const judge = new URL('./fuzz-judge.ts', import.meta.url).href;
    const boot = `import { tsImport } from 'tsx/esm/api'; await tsImport(${JSON.stringify(judge)}, ${JSON.stringify(judge)});`;
    const worker = new Worker(boot, { eval: true, resourceLimits: { maxOldGenerationSizeMb: 512 } });
    worker.unref();
    return new Promise((resolve, reject) => {
      worker.once('message', () => resolve(worker));
      worker.once('error', reject);
    });
  }

  async run(c: FuzzCase): Promise<Verdict> {
    this.worker ??= this.start();
    const worker = await this.worker;
    const n = ++this.cases;
    const name = `${c.target} case ${n} (${c.text.length} characters): ${JSON.stringify(c.text.slice(0, 400))}`;
    return new Promise<Verdict>((resolve, reject) => {
      const fail = (why: string) => {
        done();
        this.worker = undefined;
        void worker.terminate();
        reject(new Error(`${why}: ${name}`));
      };
      const cpuAtStart = process.cpuUsage();
      const wallAtStart = performance.now();
      const check = () => {
        const cpu = process.cpuUsage(cpuAtStart);
        const cpuMs = (cpu.user + cpu.system) / 1000;
        if (cpuMs > CASE_LIMIT_MS) fail(`hang: ${Math.round(cpuMs)} ms of CPU without an answer`);
        else if (performance.now() - wallAtStart > CASE_WALL_LIMIT_MS)
          fail(`hang: no answer within ${CASE_WALL_LIMIT_MS} ms`);
        else timer = setTimeout(check, 100);
      };
      // A single thread cannot use more CPU than wall time, so the first look waits the whole limit.
      let timer = setTimeout(check, CASE_LIMIT_MS);
      const onMessage = (v: Verdict) => {
        done();
        resolve(v);
      };
      const onError = (e: Error) => fail(`crash: ${e.name}: ${e.message}`);
      const onExit = (code: number) => fail(`crash: worker exited with code ${code}`);
      const done = () => {
        clearTimeout(timer);
        worker.off('message', onMessage).off('error', onError).off('exit', onExit);
      };
      worker.on('message', onMessage).on('error', onError).on('exit', onExit);
      worker.postMessage(c);
    });
  }

  async stop(): Promise<void> {
    const worker = await this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }
}

// --- Hostile YAML -------------------------------------------------------------------------------

const organisationYaml = readFileSync(new URL('../../config/organisation.yaml', import.meta.url), 'utf8');
const rulesYaml = readFileSync(new URL('../../config/rules.yaml', import.meta.url), 'utf8');
// The verksamhetsplan's first three sections: every kind of field plan.yaml has, in a tenth of the
// kompetensförsörjningsplan's length, so the cases go to variety rather than to parsing length.
const verksamhetsplan = parsePlan(VERKSAMHETSPLAN, readSeed(VERKSAMHETSPLAN)).plan;
const planYaml = planToYaml({
  ...verksamhetsplan,
  departments: verksamhetsplan.departments.map((d) => ({ ...d, sections: d.sections.slice(0, 3) })),
});

/** "Billion laughs": each level a list of aliases to the level before. */
const laughs = fc
  .record({
    width: fc.integer({ min: 2, max: 12 }),
    depth: fc.integer({ min: 2, max: 12 }),
    key: fc.constantFrom('people', 'reminders', 'departments', 'x'),
  })
  .map(({ width, depth, key }) => {
    const levels = [`l0: &l0 [${Array(width).fill('"lol"').join(', ')}]`];
    for (let i = 1; i < depth; i++)
      levels.push(
        `l${i}: &l${i} [${Array(width)
          .fill(`*l${i - 1}`)
          .join(', ')}]`,
      );
    return `${levels.join('\n')}\n${key}: *l${depth - 1}\n`;
  });

/** Collections nested far deeper than any config: flow or block, lists or maps. */
const deep = fc
  .record({
    depth: fc.integer({ min: 1, max: 20_000 }),
    style: fc.constantFrom('flow-seq', 'flow-map', 'block-map', 'block-seq', 'mixed'),
  })
  .map(({ depth, style }) => {
    // Block nesting costs a line and one more space a level: 1,000 levels are already half a megabyte.
    const d = style.startsWith('block') ? Math.min(depth, 1_000) : depth;
    switch (style) {
      case 'flow-seq':
        return `people: ${'['.repeat(d)}1${']'.repeat(d)}\n`;
      case 'flow-map':
        return `reminders: ${'{a: '.repeat(d)}1${'}'.repeat(d)}\n`;
      case 'block-map':
        return Array.from({ length: d }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n');
      case 'block-seq':
        return Array.from({ length: d }, (_, i) => `${' '.repeat(i * 2)}- `).join('\n');
      default:
        return `x: ${'[{a: '.repeat(d)}${'}]'.repeat(d)}`;
    }
  });

const hostileScalar = fc.constantFrom(
  '!!js/function "function () { return process.exit(1) }"',
  '!!js/undefined ""',
  '!!js/regexp /(a+)+$/',
  '!!python/object/apply:os.system ["id"]',
  '!!binary aGVsbG8=',
  '!!timestamp 2001-12-14t21:59:43.10-05:00',
  '!!set {a, b}',
  '!!omap [a: 1, a: 2]',
  '!!float "x"',
  '!!int 0xZZ',
  '!<tag:evil.example,2000:x> 1',
  '!local value',
  '1e999',
  '-1e999',
  '99999999999999999999999999999999999999',
  '0x7fffffffffffffffffffffffffffff',
  '0o7777777777777777777777',
  '.inf',
  '-.nan',
  '~',
  'null',
  '"\\u0000"',
  '"\\ud800"',
  '"\\x00\\x01"',
  '2022-02-30',
  '9999-99-99',
  '"25:99"',
  "'=cmd|' /C calc'!A0'",
  '*undefined_anchor',
  '&a [*a]',
  '"' + 'x'.repeat(5_000) + '"',
  '[' + Array(2_000).fill('1').join(', ') + ']',
  '{__proto__: {polluted: true}}',
  '{constructor: {prototype: {x: 1}}}',
  '<<: {a: 1}',
  '|\n  multi\n  line',
  '>-\n  folded',
);

const yamlNoise = fc.oneof(
  fc.constantFrom(
    '&a ',
    '*a',
    '<<: *a\n',
    ': ',
    '- ',
    '? ',
    '[',
    ']',
    '{',
    '}',
    ',',
    '"',
    "'",
    '|',
    '>',
    '#',
    '\t',
    '\uFEFF',
    '\u0000',
    '\u2028',
    '\r',
    '\r\n',
    '\n',
    '---\n',
    '...\n',
    '%YAML 1.1\n',
    '%TAG ! tag:evil,2000:\n',
    '  ',
    '\n  ',
    '@',
    '`',
    '%',
    '\\',
  ),
  hostileScalar,
  fc.string({ unit: 'grapheme', maxLength: 12 }),
);

/** The real file with one value replaced by something hostile: type confusion on every field. */
function valueSwapped(seed: string) {
  const lines = seed.split('\n');
  const values = lines.flatMap((l, i) =>
    /^\s*(- )?[\w-]+:\s*\S/.test(l) && !l.trimStart().startsWith('#') ? [i] : [],
  );
  return fc
    .tuple(fc.constantFrom(...values), hostileScalar)
    .map(([i, value]) => lines.map((l, j) => (j === i ? l.replace(/:\s.*$/, `: ${value}`) : l)).join('\n'));
}

/** The real file with its top-level keys holding whatever fast-check thinks of. */
function keysOf(seed: string) {
  return [...seed.matchAll(/^([a-zA-Z]+):/gm)].map((m) => m[1]!);
}
function arbitraryValues(seed: string) {
  return fc
    .dictionary(
      fc.constantFrom(...keysOf(seed)),
      fc.oneof(fc.jsonValue({ maxDepth: 4 }), fc.anything({ maxDepth: 3 })),
      { maxKeys: 6 },
    )
    .map(toYaml);
}

function toYaml(data: unknown): string {
  try {
    return stringify(data, { aliasDuplicateObjects: true }) ?? '';
  } catch {
    return String(data);
  }
}

/** BOM, NUL, tabs, CR and duplicated keys in or around the real file. */
function textual(seed: string) {
  return fc.constantFrom(
    `\uFEFF${seed}`,
    `${seed}\u0000`,
    seed.replace(/^ {2}/gm, '\t'),
    seed.replace(/\n/g, '\r'),
    seed.replace(/\n/g, '\r\n'),
    `${seed}\n${seed}`,
    `${seed}\n---\n${seed}`,
    seed.replace(/^(\w+:)/m, '$1 1\n$1'),
    seed.replace(/"/g, ''),
  );
}

/** Everything hostile for one YAML file, weighted towards the real file broken in small ways. */
function hostileYaml(seed: string) {
  return fc.oneof(
    { weight: 4, arbitrary: mangled(seed, yamlNoise) },
    { weight: 3, arbitrary: valueSwapped(seed) },
    { weight: 1, arbitrary: textual(seed) },
    { weight: 1, arbitrary: laughs },
    { weight: 1, arbitrary: deep },
    { weight: 1, arbitrary: arbitraryValues(seed) },
    { weight: 1, arbitrary: fc.anything().map(toYaml) },
    { weight: 1, arbitrary: anyText(400) },
  );
}

// --- Hostile plans ------------------------------------------------------------------------------

const hostilePlan = fc.oneof(
  { weight: 3, arbitrary: mangled(readSeed(KOMPETENSPLAN)) },
  { weight: 3, arbitrary: mangled(readSeed(VERKSAMHETSPLAN)) },
  { weight: 2, arbitrary: generatedPlan },
  { weight: 2, arbitrary: anyText(2_000) },
  // Long lines and many table rows, the shapes that make careless regular expressions backtrack.
  {
    weight: 1,
    arbitrary: fc
      .record({
        n: fc.integer({ min: 1, max: 20_000 }),
        unit: fc.constantFrom('|', ' ', '\t', '<p>', '1.', '2022-', 'a '),
        head: fc.constantFrom(
          'Aktivitetsplan avdelningen x\n\n| Vad ska vi uppnå? | Aktivitet | Måldatum | Ansvarig | Uppföljning/kommentar |\n|---|---|---|---|---|\n| ',
          'Verksamhetsplan 2020 för x\n\nAktivitet\tStartdatum\tSlutdatum\n',
        ),
      })
      .map(({ n, unit, head }) => head + unit.repeat(n)),
  },
);

/** A case as fast-check shows a counterexample: its start and length, not 100,000 characters. */
function shortly(text: string) {
  return { text, [fc.toStringMethod]: () => `${JSON.stringify(text.slice(0, 400))}… (${text.length} characters)` };
}

// --- The test -----------------------------------------------------------------------------------

/** Inputs that once crashed or escaped as foreign errors, run first every time (within the runs). */
const EXAMPLES: Partial<Record<Target, string[]>> = Object.fromEntries(
  (['plan.yaml', 'organisation.yaml', 'rules.yaml'] as const).map((target) => [
    target,
    [
      // Overflowed the composer's stack inside a regular expression; the next one compiled took the process down.
      `${'['.repeat(1_000)}${']'.repeat(1_000)}`,
      // Escaped as ReferenceError from the yaml library.
      'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n',
      'reminders: *nowhere\n',
    ],
  ]),
);

const RUNS: Record<Target, { arbitrary: fc.Arbitrary<string>; numRuns: number }> = {
  plan: { arbitrary: hostilePlan, numRuns: 2_000 },
  'plan.yaml': { arbitrary: hostileYaml(planYaml), numRuns: 1_000 },
  'organisation.yaml': { arbitrary: hostileYaml(organisationYaml), numRuns: 1_000 },
  'rules.yaml': { arbitrary: hostileYaml(rulesYaml), numRuns: 1_200 },
};

describe('hostile plans and config files', () => {
  const runner = new CaseRunner();
  afterAll(() => runner.stop());

  it('the time limit stops a case that never answers, and the next case gets a fresh worker', async () => {
    await expect(runner.run({ target: 'plan', text: '', spinForever: true })).rejects.toThrow(
      /^hang: \d+ ms of CPU without an answer: plan case 1/,
    );
    expect(await runner.run({ target: 'plan', text: '' })).toMatchObject({ outcome: 'rejected', withLine: false });
  });

  it('only the project’s own errors, naming file and line; no hang, no crash', async () => {
    await recordReliability(
      {
        id: '04-fuzz',
        test: 'Fientliga planer: fuzzning av båda importerna och YAML-laddaren (fast-check) (hostile plans: fuzzing both importers and the YAML loader)',
        file: 'test/reliability/fuzz.test.ts',
      },
      async (r) => {
        const count: Record<Target, number> = { plan: 0, 'plan.yaml': 0, 'organisation.yaml': 0, 'rules.yaml': 0 };
        let rejectedWithLine = 0;
        let rejectedWholeFile = 0;
        const total = Object.values(RUNS).reduce((n, x) => n + x.numRuns, 0);
        r.size = `${total} fall (${RUNS.plan.numRuns} plan, ${RUNS['plan.yaml'].numRuns} plan.yaml, ${RUNS['organisation.yaml'].numRuns} organisation.yaml, ${RUNS['rules.yaml'].numRuns} rules.yaml), tidsgräns ${CASE_LIMIT_MS / 1000} s CPU-tid per fall`;
        for (const [target, { arbitrary, numRuns }] of Object.entries(RUNS) as [Target, (typeof RUNS)[Target]][]) {
          await fc.assert(
            fc.asyncProperty(arbitrary.map(shortly), async ({ text }) => {
              const verdict = await runner.run({ target, text });
              count[target]++;
              if (verdict.broken) throw new Error(`${target}: ${verdict.broken}`);
              if (verdict.outcome === 'rejected') verdict.withLine ? rejectedWithLine++ : rejectedWholeFile++;
            }),
            // A hang or crash is reported as it was found; shrinking would rerun it many times.
            { numRuns, endOnFailure: true, examples: (EXAMPLES[target] ?? []).map((text) => [shortly(text)]) },
          );
        }
        expect(count).toEqual(Object.fromEntries(Object.entries(RUNS).map(([t, x]) => [t, x.numRuns])));
        r.result = `0 krascher, 0 häng; ${rejectedWithLine} avvisade med rad (och ${rejectedWholeFile} avvisade som hel fil: tom, binär eller okänt format)`;
      },
    );
  }, 120_000);
});
