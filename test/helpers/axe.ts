/**
 * axe-core in a page opened by the browser tests (test/helpers/chromium.ts, with `bypassCSP`, since
 * the app's CSP forbids every script): the WCAG 2.0/2.1 A and AA rules, and the serious and critical
 * findings in words, each with up to three places, so a test can expect none.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export async function seriousAxeFindings(page: Page, name: string): Promise<string[]> {
  await page.evaluate(axeSource);
  // Runs in the page (no DOM types in this project's TypeScript): axe.run(document, options).
  const result = (await page.evaluate(() => {
    const g = globalThis as unknown as {
      axe: { run: (ctx: unknown, opts: unknown) => Promise<unknown> };
      document: unknown;
    };
    return g.axe.run(g.document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
  })) as { violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[] };
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${name}: ${v.id} (${v.impact}) ${v.help} at ${v.nodes
          .slice(0, 3)
          .map((n) => n.target.join(' '))
          .join(', ')}`,
    );
}
