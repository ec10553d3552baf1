/**
 * The check-in links under attack, through the real `/status/<token>` endpoint with the real
 * lifecycles on Temporal's time-skipping server: every one-character change, every cut, other
 * keys, expiry, swapped payloads and signatures, other people's valid tokens, and a form replayed.
 * What README promises: a tampered, expired or other person's token is refused; a form submitted
 * twice records once (tokens themselves stay usable until they expire, so a person can correct a
 * status). Then the secrets: none is written in the source, and production refuses the
 * development keys.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toLifecycleActivity } from '../../src/lifecycle/from-plan';
import { checkinSecret, DEV_CHECKIN_SECRET, signCheckinToken } from '../../src/checkin/token';
import { placedActivities, readPlanFile } from '../../src/plan';
import { DEV_SESSION_SECRET, settingsFromEnv } from '../../src/web/app/settings-env';
import { createWebServer } from '../../src/web/server';
import { timelineQuery } from '../../src/lifecycle';
import { FollowUpHarness, TEST_SECRET } from '../helpers/follow-up';
import { timeSkippingEnv } from '../helpers/temporal';
import { KOMPETENSPLAN, seedPath } from '../plan/seeds';
import { recordReliability } from './record';
import { lifecycleWorkflowId } from '../../src/domain/workflow-ids';

/** Three owners and their own activities in the seed plan (förskola, section Behålla). */
const OWNERS = [
  { person: 'rut-rektor', activity: '2c569654cf7d' },
  { person: 'paula-pedagog', activity: 'a5a39c2602d3' },
  { person: 'stina-stod', activity: 'd3f5fe33dd8a' },
] as const;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

let env: TestWorkflowEnvironment;
let h: FollowUpHarness;

beforeAll(async () => {
  env = await timeSkippingEnv();
  h = new FollowUpHarness(env, 'tokens-test');
  await h.start();
  const plan = (await readPlanFile(seedPath(KOMPETENSPLAN))).plan;
  const shift = await h.shiftFor('2022-04-01T09:00:00+02:00');
  const wanted: string[] = OWNERS.map((o) => o.activity);
  for (const p of placedActivities(plan).filter((x) => wanted.includes(x.activity.id)))
    await h.launchLifecycle(toLifecycleActivity(plan, p), shift);
}, 120_000);
afterAll(async () => {
  await h?.stop();
  await env?.teardown();
});

const inADay = () => new Date(Date.now() + 86_400_000).toISOString();
const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
const decoded = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()) as Record<string, unknown>;

async function reportsIn(activity: string): Promise<number> {
  return (await env.client.workflow.getHandle(lifecycleWorkflowId(activity)).query(timelineQuery)).filter(
    (t) => t.type === 'reported',
  ).length;
}

/** Variants of a valid token that must all be refused, by kind. */
function variants(token: string, others: string[]): Record<string, string[]> {
  const [payload, signature] = token.split('.') as [string, string];
  const claims = decoded(token);
  const flips: string[] = [];
  for (let i = 0; i < token.length; i++)
    for (const c of `${ALPHABET}.`) if (c !== token[i]) flips.push(token.slice(0, i) + c + token.slice(i + 1));
  const cuts: string[] = [];
  for (let k = 0; k < token.length; k++) cuts.push(token.slice(0, k), token.slice(token.length - k));
  const keys = [
    DEV_CHECKIN_SECRET,
    `${TEST_SECRET}x`,
    TEST_SECRET.slice(0, -1),
    TEST_SECRET.toUpperCase(),
    '',
    ...Array.from({ length: 20 }, (_, i) => `another-key-${i}-${'k'.repeat(32)}`),
  ];
  const resigned = keys.map((k) =>
    signCheckinToken(k, { person: claims.p as string, activities: claims.a as string[], expires: inADay() }),
  );
  const now = Date.now();
  const expired = [0, 1_000, 60_000, 3_600_000, 86_400_000, 400 * 86_400_000].map((ago) =>
    signCheckinToken(TEST_SECRET, {
      person: claims.p as string,
      activities: claims.a as string[],
      expires: new Date(now - ago).toISOString(),
    }),
  );
  const edited = [
    { ...claims, p: 'helena-hr' },
    { ...claims, p: 'anna-avdelning' },
    ...OWNERS.filter((o) => o.person !== claims.p).map((o) => ({ ...claims, a: [o.activity] })),
    ...OWNERS.filter((o) => o.person !== claims.p).map((o) => ({ ...claims, p: o.person })),
    { ...claims, exp: (claims.exp as number) + 365 * 86_400 },
    { ...claims, c: 'cycle-forskola-2022-T1' },
    { ...claims, v: 2 },
  ].map((c) => `${b64(c)}.${signature}`);
  const spliced = others.flatMap((o) => [`${payload}.${o.split('.')[1]}`, `${o.split('.')[0]}.${signature}`]);
  const malformed = [
    `${token}.`,
    `${token}.${signature}`,
    `.${token}`,
    token.replace('.', ''),
    `${payload}.${signature}=`,
    `${payload}.${signature}%3D`,
    `${token}%00`,
    `${payload}..${signature}`,
    'x'.repeat(5000),
  ];
  return { flips, cuts, resigned, expired, edited, spliced, malformed };
}

/** Refused: an error page with nothing to submit, or no "Tack". */
function refused(res: { statusCode: number; body: string }): boolean {
  return res.statusCode >= 400 && !res.body.includes('<form method="post"') && !res.body.includes('Tack');
}

/** Every string literal in src/ that looks like a key, a password or a token. */
function secretLiterals(): { file: string; literal: string; why: string }[] {
  const root = fileURLToPath(new URL('../../src/', import.meta.url));
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true }))
      e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.ts') && files.push(join(dir, e.name));
  };
  walk(root);
  const found: { file: string; literal: string; why: string }[] = [];
  const entropy = (s: string) => {
    const n = new Map<string, number>();
    for (const c of s) n.set(c, (n.get(c) ?? 0) + 1);
    return [...n.values()].reduce((h, k) => h - (k / s.length) * Math.log2(k / s.length), 0);
  };
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const rel = file.slice(root.length);
    for (const m of text.matchAll(/(['"`])((?:\\.|(?!\1)[^\\\n])*)\1/g)) {
      const literal = m[2]!;
      const before = text.slice(Math.max(0, m.index! - 60), m.index!);
      const why = /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(literal)
        ? 'private key'
        : /\beyJ[\w-]{10,}\.[\w-]{10,}/.test(literal)
          ? 'JWT'
          : /\b(AKIA|ASIA)[A-Z0-9]{16}\b|\bsk-[A-Za-z0-9]{20,}|\bxox[abpr]-|\bgh[pousr]_[A-Za-z0-9]{30,}/.test(literal)
            ? 'cloud or API key format'
            : /(secret|password|passwd|pwd|api_?key|apikey|credential|access_?token|client_?secret)["']?\s*[:=]\s*$/i.test(
                  before,
                ) && literal.length >= 3
              ? 'assigned to a secret-named field'
              : /^[A-Za-z0-9+/=_-]{24,}$/.test(literal) &&
                  /[0-9]/.test(literal) &&
                  /[A-Za-z]/.test(literal) &&
                  entropy(literal) >= 4
                ? 'high-entropy string'
                : undefined;
      if (why) found.push({ file: rel, literal, why });
    }
  }
  return found;
}

/**
 * What the scan may find, and why each is not a secret: the two development keys (documented in
 * README, refused in production), and the dev outbox's placeholder credentials, which only ever
 * meet its own local SMTP catcher and Teams sink.
 */
const ALLOWED = new Map([
  [DEV_CHECKIN_SECRET, 'development check-in key'],
  [DEV_SESSION_SECRET, 'development session key'],
  ['dev', 'dev outbox placeholder'],
  ['dev-token', 'dev outbox placeholder'],
]);

describe('check-in links and secrets', () => {
  it('refuses every manipulated, expired, resigned, swapped and other person’s token; replays record once; no secret in the source; production refuses the development keys', async () => {
    await recordReliability(
      {
        id: '06-tokens',
        test: 'Länkar och sessioner: manipulerade, utgångna, återspelade och andras incheckningslänkar (tampered, expired, replayed and cross-person check-in links)',
        file: 'test/reliability/tokens.test.ts',
      },
      async (r) => {
        const valid = OWNERS.map((o) => ({
          ...o,
          token: signCheckinToken(TEST_SECRET, { person: o.person, activities: [o.activity], expires: inADay() }),
        }));
        const before = await Promise.all(OWNERS.map((o) => reportsIn(o.activity)));

        // Valid links are accepted: the page opens and a status is recorded.
        let accepted = 0;
        for (const [i, v] of valid.entries()) {
          const page = await h.app.inject(`/status/${v.token}`);
          expect(page.statusCode).toBe(200);
          expect(page.body).toContain('<form method="post"');
          const res = await h.post(v.token, {
            submission: `giltig-${i}-0123456789`,
            activity: v.activity,
            status: 'inProgress',
            comment: 'kontroll',
          });
          expect(res.statusCode, res.body).toBe(200);
          expect(res.body).toContain('Tack');
          accepted++;
        }

        // Every variant, opened and submitted.
        const tried: Record<string, number> = {};
        const failures: string[] = [];
        let n = 0;
        let requests = 0;
        for (const v of valid) {
          const kinds = variants(
            v.token,
            valid.filter((x) => x !== v).map((x) => x.token),
          );
          for (const [kind, list] of Object.entries(kinds)) {
            for (const t of list) {
              const get = await h.app.inject(`/status/${t}`);
              // Pågår, not Klar: a variant wrongly accepted must not end the lifecycle and hide what follows.
              const post = await h.post(t, {
                submission: `variant-${n++}-0123456789`,
                activity: v.activity,
                status: 'inProgress',
              });
              tried[kind] = (tried[kind] ?? 0) + 1;
              requests += 2;
              if (!refused(get) || !refused(post))
                failures.push(`${kind}: ${t} → GET ${get.statusCode}, POST ${post.statusCode}`);
            }
          }
        }

        // Valid tokens of the wrong person: for another's activity, or naming one that is not theirs in the form.
        const expires = inADay();
        const crossPerson = [
          ...OWNERS.flatMap((o) =>
            OWNERS.filter((x) => x !== o).map((x) => ({
              token: signCheckinToken(TEST_SECRET, { person: o.person, activities: [x.activity], expires }),
              activity: x.activity,
            })),
          ),
          ...OWNERS.flatMap((o) =>
            OWNERS.filter((x) => x !== o).map((x) => ({
              token: signCheckinToken(TEST_SECRET, { person: o.person, activities: [o.activity, x.activity], expires }),
              activity: x.activity,
            })),
          ),
          ...OWNERS.map((o) => ({
            token: signCheckinToken(TEST_SECRET, { person: 'vera-rektor', activities: [o.activity], expires }),
            activity: o.activity,
          })),
          ...OWNERS.map((o) => ({
            token: signCheckinToken(TEST_SECRET, { person: 'ingen-sadan-person', activities: [o.activity], expires }),
            activity: o.activity,
          })),
          ...OWNERS.map((o) => ({
            token: signCheckinToken(TEST_SECRET, { person: o.person, activities: ['finns-inte-0000'], expires }),
            activity: 'finns-inte-0000',
          })),
          ...OWNERS.map((o) => ({
            token: signCheckinToken(TEST_SECRET, { person: o.person, cycle: 'cycle-finns-inte', expires }),
            activity: o.activity,
          })),
        ];
        for (const c of crossPerson) {
          const get = await h.app.inject(`/status/${c.token}`);
          const post = await h.post(c.token, {
            submission: `annan-${n++}-0123456789`,
            activity: c.activity,
            status: 'done',
          });
          tried.crossPerson = (tried.crossPerson ?? 0) + 1;
          requests += 2;
          if (!refused(get) || !refused(post))
            failures.push(
              `crossPerson: ${JSON.stringify(decoded(c.token))} → GET ${get.statusCode}, POST ${post.statusCode}`,
            );
        }
        for (const v of valid) {
          for (const other of OWNERS.filter((o) => o.activity !== v.activity)) {
            const post = await h.post(v.token, {
              submission: `fel-aktivitet-${n++}-0123`,
              activity: other.activity,
              status: 'done',
            });
            tried.otherActivityInForm = (tried.otherActivityInForm ?? 0) + 1;
            requests += 1;
            if (!refused(post))
              failures.push(`otherActivityInForm: ${v.person} → ${other.activity}: ${post.statusCode}`);
          }
        }

        // The same form, sent again and again (a double click, a replayed request): one report.
        const replays = 50;
        const form = {
          submission: 'aterspelad-0123456789',
          activity: valid[0]!.activity,
          status: 'late',
          proposedDate: '2022-10-31',
          comment: 'återspelad',
        };
        for (let i = 0; i <= replays; i++) {
          const res = await h.post(valid[0]!.token, form);
          expect(res.statusCode, res.body.slice(-600)).toBe(200);
        }

        const after = await Promise.all(OWNERS.map((o) => reportsIn(o.activity)));
        // One control report each, and one for the replayed form: nothing from any refused or replayed request.
        expect(after).toEqual(before.map((b, i) => b + 1 + (i === 0 ? 1 : 0)));

        const total = Object.values(tried).reduce((a, b) => a + b, 0);
        // One entry in failures per variant that got through.
        const refusedCount = total - failures.length;
        r.size = `${total} token-varianter (${Object.entries(tried)
          .map(([k, v]) => `${v} ${k}`)
          .join(', ')}), öppnade och skickade: ${requests} förfrågningar; ${replays} återspelningar`;
        r.result = `${refusedCount}/${total} avvisade, ${accepted} giltiga godkända (sidan öppnad och status registrerad), ${replays} återspelningar registrerade 0 gånger till`;
        expect(failures).toEqual([]);

        // Secrets: nothing in src/ that looks like one, except the documented development keys.
        const literals = secretLiterals();
        const unexplained = literals.filter((l) => !ALLOWED.has(l.literal));
        expect(unexplained).toEqual([]);
        expect(literals.map((l) => l.literal)).toContain(DEV_CHECKIN_SECRET);

        // Production refuses both development keys, alone and when the web server starts.
        const oidc = {
          OIDC_ISSUER: 'https://login.example/tenant/v2.0',
          OIDC_CLIENT_ID: 'id',
          OIDC_CLIENT_SECRET: 'client',
          OIDC_REDIRECT_URI: 'https://planvakt.example/logga-in/callback',
        };
        const strong = 'p'.repeat(48);
        expect(() =>
          checkinSecret({ PLANVAKT_MODE: 'production', PLANVAKT_CHECKIN_SECRET: DEV_CHECKIN_SECRET }),
        ).toThrow(/development default/);
        expect(() =>
          settingsFromEnv({ PLANVAKT_MODE: 'production', ...oidc, PLANVAKT_SESSION_SECRET: DEV_SESSION_SECRET }),
        ).toThrow(/development default/);
        const startWith = async (vars: Record<string, string>) => {
          const saved = { ...process.env };
          Object.assign(process.env, { PLANVAKT_MODE: 'production', ...oidc, ...vars });
          try {
            const app = await createWebServer({
              temporal: { connection: env.connection, address: 'test', namespace: 'default' },
              workerState: () => 'RUNNING',
            });
            await app.close();
            return 'started';
          } catch (e) {
            return (e as Error).message;
          } finally {
            for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
            Object.assign(process.env, saved);
          }
        };
        expect(
          await startWith({ PLANVAKT_CHECKIN_SECRET: DEV_CHECKIN_SECRET, PLANVAKT_SESSION_SECRET: strong }),
        ).toMatch(/PLANVAKT_CHECKIN_SECRET is the development default/);
        expect(
          await startWith({ PLANVAKT_CHECKIN_SECRET: strong, PLANVAKT_SESSION_SECRET: DEV_SESSION_SECRET }),
        ).toMatch(/PLANVAKT_SESSION_SECRET .*development default/);
        r.result += `; källkoden: ${literals.length} träffar på nyckelmönster, alla dokumenterade utvecklingsvärden (${[...new Set(literals.map((l) => ALLOWED.get(l.literal)))].join(', ')}); utvecklingsnycklarna vägras i produktion (2/2)`;
      },
    );
  }, 300_000);
});
