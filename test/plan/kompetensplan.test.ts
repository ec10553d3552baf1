import { beforeAll, describe, expect, it } from 'vitest';
import { parsePlan, placedActivities, type Activity, type Department, type Plan } from '../../src/plan';
import type { PlanError } from '../../src/plan';
import { KOMPETENSPLAN, readSeed } from './seeds';

/*
 * Expected numbers, counted by hand in kompetensforsorjningsplan-2021-2023.md (line numbers of
 * the file). An activity is a row with an activity text and a date or an owner. Not counted:
 * section rows (Utveckla, Behålla, …), empty rows (298, 309), the note row 284 (a goal-like
 * sentence with only "Uppföljning per tertial och VB.", a note on 283), and the first rows after
 * a page break with no date and no owner, which go on with the row above:
 * 307 → 303, 322 → 318, 341 → 337, 369 → 365, 378 → 374, 385 → 381, 392 → 388, 398 → 394, 406 → 402.
 *
 * förskola (231–255):          236 237 239 | 243 244 245 247 249 250 | 254 255            = 11
 * stadsutveckling (257–275):   262 263 264 | 268 269 271 273 275                          = 8
 * äldreomsorg (277–309):       282 283 | 288 289 290 291 | 296 297 300 301 303             = 11
 * individ och familj (311–348): 316 317 318 | 323–328 (6) | 332 333 334 336 337 | 343 345 347 348 = 18
 * funktionsnedsättning (350–417): 358 359 360 | 364 365 | 370 372 373 374 | 379 380 381 |
 *                              386 387 388 | 393 394 | 399 400 402 | 407 409 | 414 416 417 = 25
 * Total 73. Rows 271, 283 and 291 hold two milestones each.
 */
const EXPECTED_LINES: Record<string, number[]> = {
  forskola: [236, 237, 239, 243, 244, 245, 247, 249, 250, 254, 255],
  stadsutveckling: [262, 263, 264, 268, 269, 271, 273, 275],
  aldreomsorg: [282, 283, 288, 289, 290, 291, 296, 297, 300, 301, 303],
  'individ-och-familj': [316, 317, 318, 323, 324, 325, 326, 327, 328, 332, 333, 334, 336, 337, 343, 345, 347, 348],
  funktionsnedsattning: [
    358, 359, 360, 364, 365, 370, 372, 373, 374, 379, 380, 381, 386, 387, 388, 393, 394, 399, 400, 402, 407, 409, 414,
    416, 417,
  ],
};

let plan: Plan;
let warnings: PlanError[];

beforeAll(() => {
  ({ plan, warnings } = parsePlan(KOMPETENSPLAN, readSeed(KOMPETENSPLAN)));
});

function department(id: string): Department {
  const d = plan.departments.find((x) => x.id === id);
  if (!d) throw new Error(`no department ${id}`);
  return d;
}
function activitiesOf(id: string): Activity[] {
  return placedActivities(plan)
    .filter((p) => p.department.id === id)
    .map((p) => p.activity);
}
function at(line: number): Activity {
  const a = placedActivities(plan).find((p) => p.activity.source.line === line)?.activity;
  if (!a) throw new Error(`no activity on line ${line}`);
  return a;
}

describe('kompetensförsörjningsplan 2021–2023', () => {
  it('finds the five departments in order, with the organisation ids', () => {
    expect(plan.kind).toBe('kompetensforsorjningsplan');
    expect(plan.title).toBe('Kompetensförsörjningsplan 2021-2023');
    expect(plan.departments.map((d) => d.id)).toEqual([
      'forskola',
      'stadsutveckling',
      'aldreomsorg',
      'individ-och-familj',
      'funktionsnedsattning',
    ]);
    expect(plan.departments.map((d) => d.name)).toEqual([
      'Förskola',
      'Stadsutveckling',
      'Äldreomsorg',
      'Individ och familj',
      'Funktionsnedsättning',
    ]);
  });

  it('reads every activity row and nothing else (counts and lines counted by hand)', () => {
    for (const [id, lines] of Object.entries(EXPECTED_LINES)) {
      expect(
        activitiesOf(id).map((a) => a.source.line),
        id,
      ).toEqual(lines);
    }
    expect(placedActivities(plan)).toHaveLength(73);
  });

  it('reads section rows, including combined headings and sections split off by a page break', () => {
    expect(department('aldreomsorg').sections.map((s) => [s.name, s.kinds])).toEqual([
      ['Utveckla', ['utveckla']],
      ['Behålla', ['behalla']],
      ['Rekrytera samt attrahera', ['rekrytera', 'attrahera']],
      ['Introducera', ['introducera']],
      ['Avsluta och avveckla', ['avsluta']],
    ]);
    expect(department('stadsutveckling').sections.map((s) => s.name)).toEqual([
      'Utveckla',
      'Behålla',
      'Rekrytera/Introducera',
      'Avsluta',
    ]);
    // "Introducera" (252) and "Behålla" (330) are the header rows of tables after a page break.
    const forskola = department('forskola').sections;
    expect(forskola.map((s) => s.name)).toEqual(['Utveckla', 'Behålla', 'Attrahera', 'Rekrytera', 'Introducera']);
    expect(forskola[4]?.goals.flatMap((g) => g.activities.map((a) => a.source.line))).toEqual([254, 255]);
    const ifo = department('individ-och-familj').sections.find((s) => s.name === 'Behålla');
    expect(ifo?.goals.flatMap((g) => g.activities.map((a) => a.source.line))).toEqual([332, 333, 334]);
    expect(department('funktionsnedsattning').sections.at(-1)?.kinds).toEqual(['ovrigt']);
  });

  it('äldreomsorg 291: "1.2022-12-31 2.Tertial 1 2022" gives two milestones with their own owners', () => {
    const a = at(291);
    expect(a.milestones).toHaveLength(2);
    const [m1, m2] = a.milestones;
    expect(m1?.deadline).toMatchObject({ kind: 'date', date: '2022-12-31', raw: '2022-12-31' });
    expect(m1?.owners).toEqual([{ role: 'enhetschef', raw: 'Enhetschef' }]);
    expect(m1?.text).toBe('Införa ombudsroll inom enheterna');
    expect(m2?.deadline).toMatchObject({ kind: 'tertial', date: '2022-04-30', raw: 'Tertial 1 2022' });
    expect(m2?.owners).toEqual([{ role: 'avdelningschef', raw: 'Avdelningchef' }]);
    expect(m2?.text).toBe('Relationsvåldsteamet besöker ledningsgruppen.');
    expect(a.deadline).toMatchObject({
      date: '2022-12-31',
      checkpoints: ['2022-04-30'],
      raw: '1.2022-12-31 2.Tertial 1 2022',
    });
    expect(a.ownersRaw).toBe('1.Enhetschef 2.Avdelningchef');
    expect(a.owners.map((o) => o.role)).toEqual(['enhetschef', 'avdelningschef']);
  });

  it('äldreomsorg 283: numbered milestones, the two dates of item 1 kept, and row 284 as its note', () => {
    const a = at(283);
    expect(a.milestones.map((m) => [m.text, m.deadline.date, m.deadline.checkpoints])).toEqual([
      ['Kompetensinventering/kartläggning.', '2023-12-31', ['2022-12-31']],
      ['Utbildningshöjande insatser', '2023-12-31', []],
    ]);
    expect(a.milestones.every((m) => m.owners[0]?.role === 'enhetschef' && m.owners[0].all)).toBe(true);
    expect(a.notes).toEqual([
      'Äldre utbildningar som undersköterska exempelvis från vårdlinjen, socialser-vicelinje eller omvårdnadsprogrammet godkänns.',
    ]);
    expect(a.followUp).toMatch(/^Kompetenskravet är en höjning .*\nUppföljning per tertial och VB\.$/s);
    expect(a.cadences).toEqual(['tertial', 'vb']);
  });

  it('stadsutveckling 271: space-separated dates and owners become two milestones', () => {
    const a = at(271);
    expect(a.milestones.map((m) => [m.text, m.deadline.date, m.owners.map((o) => o.role)])).toEqual([
      ['Aktivt värdegrundsarbete', '2022-12-31', ['enhetschef']],
      [
        'Ledningen utvecklar strategier för stärkt medledarskap och ansvarstagande',
        '2022-12-31',
        ['avdelningschef', 'enhetschef'],
      ],
    ]);
    expect(a.milestones[1]?.ownersRaw).toBe('Avdelningschef och enhetschef');
  });

  it('joins rows a page break split into one activity', () => {
    expect(at(303).text).toBe('Genomföra relevanta utbildningar för kvaliteten inom omvårdnaden');
    const aldre = department('aldreomsorg').sections.find((s) => s.name === 'Introducera');
    expect(aldre?.goals[0]?.text).toBe(
      'Genomgå webb utbildning i syfte att säkerställa kompetens med relevanta utbildningar för avdelningen, så som social dokumentation, basala hygienrutiner, demens ABC samt våld i nära relation',
    );
    const ifo = placedActivities(plan).find((p) => p.activity.source.line === 318);
    expect(ifo?.goal.text).toBe('Kunskapsbaserad socialtjänst för en ökad effektivitet av socialtjänstens insatser');
    expect(ifo?.activity.text).toBe('Systematisk utbildningsplan med fokus på evidens på verksamhetens kärnuppdrag');
    expect(at(337).text).toBe(
      'Värdegrundsarbete, utvecklingsplan, Ledarskap enligt chefsprofil i Stockholms stad, tydlig beskrivning av roller och organisation, VFU-mottagande',
    );
    expect(at(365).text).toMatch(/uppmuntras att gå kursen specialpedagogik 2 genom Forum Carpe\.$/);
    const funk374 = placedActivities(plan).find((p) => p.activity.source.line === 374);
    expect(funk374?.goal.text).toBe(
      'Medarbetare inom LSS-verksamheterna har grundläggande kunskap om relevanta policydokument och mjukvaruprogram, i syfte att respektive verksamhet ska kunna leva upp till sina åtaganden.',
    );
    expect(funk374?.activity.text.split('\n')).toEqual([
      'Verksamheterna aktualiserar och upprätthåller kunskapen om stadens styr- och stöddokument, exempelvis programmet om tillgänglighet och delaktighet. Kan med fördel avhandlas på APT-möten.',
      'Respektive verksamhet inventerar kunskapen hos berörda medarbetare och vid behov genomförs lokala eller gemensamma utbildningar avseende exempelvis barnrättsperspektivet, HBTQ och program mot våld i nära relationer och hedersrelaterat våld och förtryck.',
    ]);
    expect(at(381).text.split('\n')[0]).toBe(
      'Verksamheterna fortsätter med utbildningsinsatser och säkerställer att rutiner inklusive styr- och stöddokument hålls aktualiserade, efterlevs.',
    );
    // The continued activity text of 381 follows as new paragraphs.
    expect(at(381).text.split('\n')).toHaveLength(4);
    expect(at(402).text.split('\n')).toHaveLength(5);
    expect(at(394).text).toMatch(/\nAnsvarig chef följer upp det egna ledarskapet/);
  });

  it('drops the <p> tags of the funktionsnedsättning rows and keeps their paragraphs as lines', () => {
    const funk = activitiesOf('funktionsnedsattning');
    const texts = funk.flatMap((a) => [a.text, a.followUp, a.ownersRaw, a.deadline.raw]);
    expect(texts.some((t) => /<\/?p>/.test(t))).toBe(false);
    expect(at(358)).toMatchObject({
      text: 'Stadens program för tillgänglighet och delaktighet för personer med funktionsnedsättning ska vara vägledande och styrande i arbetet och i dialogen med brukarna och deras anhöriga.',
      followUp: 'Följs upp på APT-möten och i samband med VB',
      cadences: ['vb', 'apt'],
    });
    expect(at(360).text.split('\n')).toHaveLength(3);
    expect(at(364).text.split('\n')).toHaveLength(6);
    const goal364 = placedActivities(plan).find((p) => p.activity.source.line === 364)?.goal.text;
    expect(goal364?.split('\n')).toHaveLength(3);
  });

  it('reads the deadlines the way a planner does', () => {
    expect(at(262).deadline).toEqual({ kind: 'ongoing', checkpoints: [], raw: 'Löpande' });
    expect(at(316).deadline).toEqual({ kind: 'year', date: '2022-12-31', checkpoints: [], raw: '2022' });
    expect(at(326).deadline.date).toBe('2025-12-31');
    expect(at(358).deadline).toEqual({
      kind: 'range',
      date: '2024-12-31',
      checkpoints: ['2022-12-31', '2023-12-31'],
      raw: '2022-2024',
    });
    expect(at(364).deadline).toMatchObject({ kind: 'range', date: '2023-12-31', checkpoints: ['2022-12-31'] });
    expect(at(365).deadline).toMatchObject({ kind: 'range', date: '2022-12-31', checkpoints: ['2021-12-31'] });
    expect(at(400).deadline.checkpoints).toEqual(['2021-12-31', '2022-12-31', '2023-12-31']);
    expect(at(247).deadline).toMatchObject({ kind: 'date', date: '2022-06-30' });
  });

  it('reads owners into canonical roles, keeping the words', () => {
    expect(at(236).owners).toEqual([
      { role: 'rektor', raw: 'Rektor' },
      { role: 'avdelningschef', raw: 'Avdelningschef' },
    ]);
    expect(at(247).owners.map((o) => [o.role, o.all ?? false])).toEqual([
      ['avdelningschef', false],
      ['controller', false],
      ['pedagogiskUtvecklingsledare', false],
      ['rektor', true],
    ]);
    expect(at(249).owners).toEqual([
      { role: 'rektor', all: true, raw: 'Rektorerna' },
      { role: 'forvaltningsledning', raw: 'förvaltningsledning' },
    ]);
    expect(at(250).owners).toEqual([{ role: 'avdelningschef', raw: 'Förvaltningen avdelning förskola' }]);
    expect(at(325).owners).toEqual([
      { role: 'enhetschef', unit: 'bou', raw: 'BoU' },
      { role: 'enhetschef', unit: 'aib', raw: 'AIB' },
      { role: 'enhetschef', unit: 'vuxen', raw: 'vuxen' },
    ]);
    expect(at(327).owners).toEqual([{ role: 'enhetschef', all: true, raw: 'Samtliga' }]);
    expect(at(316).owners).toEqual([{ role: 'enhetschef', all: true, raw: 'Berörda enhetschefer' }]);
    expect(at(328).owners).toEqual([
      { role: 'medarbetare', unit: 'vuxen', all: true, raw: 'Medarbetare vuxenenheten' },
    ]);
    expect(at(303).owners.map((o) => o.role)).toEqual(['enhetschef', 'introduktionsansvarig', 'medarbetare']);
    expect(at(288).owners).toEqual([{ role: 'verksamhetschefHsl', raw: 'Verksamhetschef HsL' }]);
    expect(at(402).owners.map((o) => o.role)).toEqual(['avdelningschef', 'enhetschef']);
  });

  it('reads cadences from the follow-up text, and the plan default (tertial) when it names none', () => {
    expect(plan.followUpRaw).toMatch(/^Uppföljning av kompetensförsörjningsplanen .*tertiärrapporter/);
    expect(plan.defaultCadences).toEqual(['tertial']);
    expect(at(236).cadences).toEqual(['tertial']);
    expect(at(237).cadences).toEqual(['vb', 'kvalitetsdialog']);
    expect(at(243).cadences).toEqual(['tertial']); // "tertiärrapportering"
    expect(at(249).cadences).toEqual(['tertial', 'kvalitetsdialog']); // "resultatdialoger"
    expect(at(239).cadences).toEqual(['tertial']); // names none: the default
    expect(at(264)).toMatchObject({ followUp: '', cadences: ['tertial'] });
    expect(at(282).cadences).toEqual(['vb', 'medarbetarsamtal']);
    expect(at(297).cadences).toEqual(['vb', 'medarbetarsamtal', 'ledningsgrupp']);
    expect(at(370).cadences).toEqual(['tertial', 'vb']); // "tertial 1 och 2 samt VB"
    expect(at(380).cadences).toEqual(['internkontroll']);
    expect(at(289).cadences).toEqual(['tertial', 'vb']); // "per tertial och VB"
  });

  it('gives every activity a distinct 12-hex id that a second import reproduces', () => {
    const ids = placedActivities(plan).map((p) => p.activity.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => /^[0-9a-f]{12}$/.test(id))).toBe(true);
    const again = parsePlan(KOMPETENSPLAN, readSeed(KOMPETENSPLAN)).plan;
    expect(placedActivities(again).map((p) => p.activity.id)).toEqual(ids);
  });

  it('warns only where the plan is unclear: the two dates of milestone 1 on row 283', () => {
    expect(warnings.map((w) => [w.location.line, w.location.field])).toEqual([[283, 'Måldatum (delmål 1)']]);
    expect(warnings[0]?.messageSv).toMatch(/rad 283, fält Måldatum \(delmål 1\): .*2023-12-31 läses som måldatum/);
  });
});
