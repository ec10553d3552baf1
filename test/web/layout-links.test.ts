/**
 * The frame of every page (src/web/app/layout.ts) takes its paths from src/domain/links.ts: every
 * link, form action and stylesheet it writes is a route of the ROUTES table, so a renamed route
 * cannot leave a dead menu entry behind.
 */
import { describe, expect, it } from 'vitest';
import { ROUTES } from '../../src/domain';
import { layout } from '../../src/web/app/layout';
import { html } from '../../src/domain/html';
import type { SignedIn } from '../../src/organisation';

const admin = {
  person: { id: 'hanna', name: 'Hanna HR', email: 'hanna@example.se', active: true, roles: [] },
  via: 'dev',
  admin: true,
  departments: ['forskola'],
} satisfies SignedIn;

describe('the page frame', () => {
  it('links, posts to and loads only paths of the ROUTES table', () => {
    const page = layout({ title: 'Översikt', body: html`<p>Innehåll</p>`, user: admin, outbox: true, csrf: 'x' }).value;
    const paths = [...page.matchAll(/(?:href|action)="([^"#][^"]*)"/g)].map((m) => m[1]!);
    // The menu as HR sees it, the brand, the stylesheet, sign-out and the footer.
    expect(paths).toHaveLength(11);
    const routes = new Set<string>(Object.values(ROUTES));
    expect(paths.filter((p) => !routes.has(p))).toEqual([]);
    for (const path of [
      '/',
      '/importera',
      '/forhandsvisning',
      '/installningar',
      '/rapporter',
      '/kalender',
      '/utkorg',
      '/app.css',
      '/logga-ut',
      '/health',
    ])
      expect(paths).toContain(path);
  });
});
