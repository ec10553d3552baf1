/**
 * Issue 19, Förhandsvisning: any year of any plan comes back or says how far it got, and one
 * person's preview never blocks another's. The runs are the real workflows on the time-skipping
 * server; the pages are read as a person reads them.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedPlanPath, Session, startWebHarness, type WebHarness } from '../helpers/web-app';

const seed = readFileSync(seedPlanPath);
let h: WebHarness;

beforeAll(async () => {
  h = await startWebHarness();
}, 120_000);
afterAll(async () => {
  await h?.stop();
});

/** Uploads a plan on Förhandsvisning and returns where the form sends her. */
async function startPreview(
  s: Session,
  year: string,
  plan = { name: 'kompetensforsorjningsplan-2021-2023.md', content: seed },
) {
  const form = await s.get('/forhandsvisning');
  const res = await s.upload('/forhandsvisning', { _csrf: Session.csrf(form.body), year }, { field: 'plan', ...plan });
  expect(res.statusCode, res.body.slice(0, 500)).toBe(303);
  return res.headers.location as string;
}

/** Reads her run's page until it stops asking to be reloaded: the page she ends up looking at. */
async function waitForResult(s: Session, url: string, timeoutMs = 240_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const page = await s.get(url);
    expect(page.statusCode).toBe(200);
    if (!page.headers.refresh) return page.body;
    if (Date.now() > until)
      throw new Error(`still running after ${timeoutMs} ms: ${/role="status">([^<]*)/.exec(page.body)?.[1]}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('Förhandsvisning', () => {
  it('previews the seed plan for 2026 (years after its last Måldatum) and shows the whole year', async () => {
    const hr = await new Session(h.app).signIn('hanna-hrchef');
    const url = await startPreview(hr, '2026');
    expect(url).toBe('/forhandsvisning/korning');
    const body = await waitForResult(hr, url);
    expect(body).not.toContain('Tidsgränsen');
    expect(body).toMatch(/73 aktiviteter, \d+ händelser, \d+ meddelanden \(sammanfattningar\) under 2026/);
    // Every Måldatum had passed when the plan is taken to start on 1 January 2026: the overdue
    // reminders and the ladder count from then (the rules' default for a passed Måldatum).
    expect(body).toContain('hade passerat när planen importerades 2026-01-01');
    expect(body).toMatch(/<th scope="row">2026-01<\/th>/);
    expect(body).not.toMatch(/<td>2025-|<td>2027-/);
  }, 300_000);

  it('runs two people’s previews at once: both get their own result, neither is told to wait for the other', async () => {
    const hanna = await new Session(h.app).signIn('hanna-hrchef');
    const frida = await new Session(h.app).signIn('frida-forvaltare');
    const [a, b] = await Promise.all([startPreview(hanna, '2026'), startPreview(frida, '2022')]);
    const [pa, pb] = await Promise.all([waitForResult(hanna, a), waitForResult(frida, b)]);
    expect(pa).not.toContain('körs redan');
    expect(pb).not.toContain('körs redan');
    expect(pa).toMatch(/73 aktiviteter, \d+ händelser, \d+ meddelanden \(sammanfattningar\) under 2026/);
    expect(pb).toMatch(/73 aktiviteter, \d+ händelser, \d+ meddelanden \(sammanfattningar\) under 2022/);
  }, 300_000);

  it('stops a preview she cancels and says how far it got', async () => {
    const hr = await new Session(h.app).signIn('hanna-hrchef');
    const url = await startPreview(hr, '2026');
    const running = await hr.get(url);
    expect(running.headers.refresh).toBeDefined();
    expect(running.body).toMatch(/Körs|Väntar på en ledig plats/);
    const cancel = await hr.post('/forhandsvisning/avbryt', { _csrf: Session.csrf(running.body) });
    expect(cancel.statusCode).toBe(303);
    const body = await waitForResult(hr, url);
    expect(body).toContain('Förhandsvisningen avbröts');
    expect(body).not.toMatch(/under 2026\./);
    // Whatever it reached, nothing after that day is shown.
    const reached = /den kom fram till (\d+ \w+ 2026)/.exec(body)?.[1];
    if (reached) expect(body).toContain(`1 januari 2026–${reached}`);
  }, 300_000);

  it('runs the plan’s own year when HR names none', async () => {
    const hr = await new Session(h.app).signIn('hanna-hrchef');
    const vp = readFileSync(
      seedPlanPath.replace('kompetensforsorjningsplan-2021-2023.md', 'verksamhetsplan-2020-resursenheten.txt'),
    );
    // Plan time in the harness is June 2022; the verksamhetsplan's dates are all in 2020.
    const url = await startPreview(hr, '', { name: 'verksamhetsplan-2020-resursenheten.txt', content: vp });
    const body = await waitForResult(hr, url);
    expect(body).toContain('verksamhetsplan-2020-resursenheten.txt, år 2020; planens måldatum ligger 2020.');
    expect(body).toMatch(/11 aktiviteter, \d+ händelser, \d+ meddelanden \(sammanfattningar\) under 2020/);
    expect(body).toContain('<caption>Händelser och meddelanden per månad</caption>');
  }, 300_000);
});
