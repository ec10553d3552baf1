/** Small readers for settings that arrive as environment strings. Secrets are read only here, from the environment. */
import { z } from 'zod';

export type Env = Record<string, string | undefined>;

/** "true"/"1"/"yes" → true; "false"/"0"/"no"/unset → false; anything else is a configuration error. */
export const envBoolean = z
  .string()
  .trim()
  .toLowerCase()
  .optional()
  .transform((v, ctx) => {
    if (v === undefined || v === '' || v === 'false' || v === '0' || v === 'no') return false;
    if (v === 'true' || v === '1' || v === 'yes') return true;
    ctx.addIssue({ code: 'custom', message: `expected true or false, got ${JSON.stringify(v)}` });
    return z.NEVER;
  });

export const envString = z.string().trim().min(1);
export const envOptional = z
  .string()
  .trim()
  .optional()
  .transform((v) => (v ? v : undefined));

/** Parses env with a schema and names every wrong variable in one error, without echoing values (they may be secrets). */
export function parseEnv<T extends z.ZodType>(what: string, schema: T, env: Env): z.output<T> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
  throw new Error(`${what}: invalid environment: ${problems}`);
}
