/**
 * "Ångra Klar" on the activity page (issue: the owner's journey, "Klar … can be undone for a
 * while"): a Klar saved there by someone who may report gets the same offer the check-in page
 * makes, until `checkin.undoKlarMinutes` (30 in config/rules.yaml) have passed; the undo brings the
 * status from before Klar back and says so in the timeline. The window's end is tested on the
 * time-skipping server (test/lifecycle/angra-klar.test.ts); here a person uses the page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importSeedPlan, Session, startWebHarness, type WebHarness } from '../helpers/web-app';

let h: WebHarness;
let anna: Session;
let id: string;

beforeAll(async () => {
  h = await startWebHarness();
  await importSeedPlan(h, await new Session(h.app).signIn('hanna-hrchef'));
  anna = await new Session(h.app).signIn('anna-avdelning');
  for await (const wf of h.env.client.workflow.list({
    query: `PlanvaktPlan = 'kompetensforsorjningsplan-2021-2023' AND PlanvaktDepartment = 'forskola'`,
  })) {
    id = wf.workflowId.replace(/^activity-/, '');
    break;
  }
}, 180_000);

afterAll(async () => {
  await h?.stop();
});

async function report(status: string) {
  const page = await anna.get(`/aktivitet/${id}`);
  const saved = await anna.post(`/aktivitet/${id}/status`, { _csrf: Session.csrf(page.body), status });
  expect(saved.statusCode).toBe(303);
  return (await anna.get(saved.headers.location as string)).body;
}

describe('Ångra Klar on the activity page', () => {
  it('the avdelningschef reports Pågår, then Klar, takes Klar back and sees Pågår again', async () => {
    expect(await report('inProgress')).not.toContain('Ångra Klar');
    const afterKlar = await report('done');
    expect(afterKlar).toMatch(/<dd class="status" id="status">Klar/);
    expect(afterKlar).toMatch(/Du kan ångra Klar till kl \d\d:\d\d/);
    expect(afterKlar).toContain('Ångra Klar</button>');

    const undone = await anna.post(`/aktivitet/${id}/angra`, { _csrf: Session.csrf(afterKlar) });
    expect(undone.statusCode).toBe(303);
    const page = await anna.get(undone.headers.location as string);
    expect(page.body).toContain('Klar är ångrad. Påminnelserna fortsätter som förut.');
    expect(page.body).toMatch(/<dd class="status" id="status">Pågår/);
    expect(page.body).toMatch(/Klar ångrad<\/td><td>av Anna Avdelning; status åter <strong>Pågår<\/strong>/);
    expect(page.body).not.toContain('Ångra Klar</button>');
  });

  it('with no Klar to take back, nothing changes and the page says why', async () => {
    const page = await anna.get(`/aktivitet/${id}`);
    const again = await anna.post(`/aktivitet/${id}/angra`, { _csrf: Session.csrf(page.body) });
    expect(again.statusCode).toBe(409);
    expect(again.body).toContain('Aktiviteten är inte rapporterad som Klar. Inget har ändrats.');
    expect(again.body).toMatch(/<dd class="status" id="status">Pågår/);
  });

  it('an avdelningschef of another avdelning may not undo it', async () => {
    const clara = await new Session(h.app).signIn('clara-avdelning');
    const overview = await clara.get('/');
    const res = await clara.post(`/aktivitet/${id}/angra`, { _csrf: Session.csrf(overview.body) });
    expect(res.statusCode).toBe(403);
  });
});
