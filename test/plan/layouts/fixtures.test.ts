/**
 * The plans in other layouts (test/plan/layouts/fixtures, written by scripts/make-layout-fixtures.ts)
 * read to their full structure. The expectations are the fixtures' content as a planner reads it:
 * "2025" is due 31 December 2025, "Tertial 2 2024" on 31 August 2024, "2024-2025" on 31 December
 * 2025 with the end of 2024 as a checkpoint; an empty Uppföljning gets the plan's own cadences.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { placedActivities, readPlanFile, UnknownColumnsError, type Plan } from '../../../src/plan';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

function structure(plan: Plan) {
  return placedActivities(plan).map(({ department, section, goal, activity: a }) => ({
    department: department.id,
    section: [section.name, section.kinds],
    goal: goal.text,
    text: a.text,
    start: a.start?.date,
    deadline: [a.deadline.kind, a.deadline.date, a.deadline.checkpoints],
    owners: a.owners.map((o) => o.role),
    cadences: a.cadences,
    place: a.source.place,
  }));
}

describe('handlingsplan-aldreomsorg-2024.docx: one Word table per goal', () => {
  it('reads every activity with its section, goal, Måldatum, owners and cadence', async () => {
    const { plan, warnings } = await readPlanFile(fixture('handlingsplan-aldreomsorg-2024.docx'));
    expect(warnings.map((w) => w.messageSv)).toEqual([]);
    expect(plan.title).toBe('Handlingsplan för kompetensförsörjning 2024–2025, avdelning Äldreomsorg');
    expect(plan.defaultCadences).toEqual(['tertial', 'vb']);
    const goal1 = 'Fler undersköterskor väljer att stanna hos oss';
    const goal2 = 'Cheferna har förutsättningar att leda';
    const goal3 = 'Vi når nya grupper som kan vilja arbeta hos oss';
    const behalla = ['Behålla', ['behalla']];
    const utveckla = ['Utveckla', ['utveckla']];
    const rekrytera = ['Rekrytera', ['rekrytera']];
    expect(structure(plan)).toEqual([
      {
        department: 'aldreomsorg',
        section: behalla,
        goal: goal1,
        text: 'Mentorskap för alla nyanställda undersköterskor under de första sex månaderna',
        start: undefined,
        deadline: ['date', '2024-06-30', []],
        owners: ['enhetschef'],
        cadences: ['apt'],
        place: 'tabell 1, rad 3',
      },
      {
        department: 'aldreomsorg',
        section: behalla,
        goal: goal1,
        text: 'Karriärväg till specialistundersköterska inom demens och palliativ vård',
        start: undefined,
        deadline: ['year', '2025-12-31', []],
        owners: ['avdelningschef'],
        cadences: ['tertial'],
        place: 'tabell 1, rad 4',
      },
      {
        department: 'aldreomsorg',
        section: behalla,
        goal: goal1,
        text: 'Scheman som ger fler heltider\nÖnskemål samlas in vid medarbetarsamtalen.',
        start: undefined,
        deadline: ['date', '2024-12-31', []],
        owners: ['enhetschef', 'hr'],
        cadences: ['medarbetarsamtal'],
        place: 'tabell 1, rad 5',
      },
      {
        department: 'aldreomsorg',
        section: utveckla,
        goal: goal2,
        text: 'Ledarutvecklingsprogram för nya enhetschefer',
        start: undefined,
        deadline: ['tertial', '2024-08-31', []],
        owners: ['hr'],
        cadences: ['ledningsgrupp'],
        place: 'tabell 2, rad 3',
      },
      {
        department: 'aldreomsorg',
        section: utveckla,
        goal: goal2,
        text: 'Se över antalet medarbetare per enhetschef',
        start: undefined,
        deadline: ['range', '2025-12-31', ['2024-12-31']],
        owners: ['avdelningschef'],
        cadences: ['vb'],
        place: 'tabell 2, rad 4',
      },
      {
        department: 'aldreomsorg',
        section: rekrytera,
        goal: goal3,
        text: 'Sommarjobb för ungdomar i hemtjänsten',
        start: undefined,
        deadline: ['date', '2024-05-31', []],
        owners: ['enhetschef'],
        cadences: ['tertial', 'vb'],
        place: 'tabell 3, rad 3',
      },
      {
        department: 'aldreomsorg',
        section: rekrytera,
        goal: goal3,
        text: 'Språkstöd på arbetsplatsen för medarbetare med annat modersmål',
        start: undefined,
        deadline: ['ongoing', undefined, []],
        owners: ['bitradandeEnhetschef'],
        cadences: ['apt'],
        place: 'tabell 3, rad 4',
      },
    ]);
  });
});

describe('aktivitetsplan-forskola-2023.xlsx: one Excel sheet with Fokusområde and Mål columns', () => {
  it('reads every activity with its section, goal, start, Måldatum, owners and cadence', async () => {
    const { plan, warnings } = await readPlanFile(fixture('aktivitetsplan-forskola-2023.xlsx'));
    expect(warnings.map((w) => w.messageSv)).toEqual([]);
    expect(plan.defaultCadences).toEqual(['tertial']);
    const attrahera = ['Attrahera', ['attrahera']];
    const utveckla = ['Utveckla', ['utveckla']];
    const goalA = 'Förskolan är en attraktiv arbetsplats för nyutexaminerade';
    const goalU = 'Alla barnskötare har en relevant utbildning';
    expect(structure(plan)).toEqual([
      {
        department: 'forskola',
        section: attrahera,
        goal: goalA,
        text: 'Delta på högskolornas arbetsmarknadsdagar',
        start: '2023-02-01',
        deadline: ['date', '2023-04-30', []],
        owners: ['rektor'],
        cadences: ['tertial'],
        place: 'blad Aktivitetsplan, rad 5',
      },
      {
        department: 'forskola',
        section: attrahera,
        goal: goalA,
        text: 'Ta emot VFU-studenter på alla förskolor',
        start: undefined,
        deadline: ['year', '2023-12-31', []],
        owners: ['rektor'],
        cadences: ['vb'],
        place: 'blad Aktivitetsplan, rad 6',
      },
      {
        department: 'forskola',
        section: utveckla,
        goal: goalU,
        text: 'Barnskötarutbildning på arbetstid\nTvå kurser per termin',
        start: '2023-01-15',
        deadline: ['year', '2024-12-31', []],
        owners: ['forvaltningsledning'],
        cadences: ['tertial', 'vb'],
        place: 'blad Aktivitetsplan, rad 7',
      },
      {
        department: 'forskola',
        section: utveckla,
        goal: goalU,
        text: 'Språkombud på varje förskola',
        start: undefined,
        deadline: ['date', '2023-06-30', []],
        owners: ['pedagogiskUtvecklingsledare'],
        cadences: ['apt'],
        place: 'blad Aktivitetsplan, rad 8',
      },
      {
        department: 'forskola',
        section: ['Behålla', ['behalla']],
        goal: 'Fler stannar efter sitt första år',
        text: 'Introduktionsprogram för nyanställda',
        start: undefined,
        deadline: ['ongoing', undefined, []],
        owners: ['rektor', 'hr'],
        cadences: ['medarbetarsamtal'],
        place: 'blad Aktivitetsplan, rad 9',
      },
    ]);
  });
});

describe('okanda-rubriker-2024.xlsx: headings nobody can tell', () => {
  it('stops with the sheet’s table and its headings, and reads with HR’s mapping', async () => {
    const error = await readPlanFile(fixture('okanda-rubriker-2024.xlsx')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnknownColumnsError);
    expect((error as UnknownColumnsError).tables.map((t) => [t.at.label, t.headings])).toEqual([
      ['blad Plan', ['Nr', 'Vad', 'Vem', 'Färdigt', 'Avstämning']],
    ]);
    const { plan, warnings } = await readPlanFile(fixture('okanda-rubriker-2024.xlsx'), {
      columns: [
        {
          headings: ['Nr', 'Vad', 'Vem', 'Färdigt', 'Avstämning'],
          roles: ['ovrigt', 'aktivitet', 'ansvarig', 'maldatum', 'uppfoljning'],
        },
      ],
    });
    expect(warnings).toEqual([]);
    expect(structure(plan).map((a) => [a.department, a.text, a.deadline, a.owners, a.cadences])).toEqual([
      [
        'individ-och-familj',
        'Gemensam introduktion för nya socialsekreterare',
        ['date', '2024-03-31', []],
        ['enhetschef'],
        ['apt'],
      ],
      [
        'individ-och-familj',
        'Handledning i grupp för alla handläggare',
        ['ongoing', undefined, []],
        ['avdelningschef'],
        ['tertial'],
      ],
      [
        'individ-och-familj',
        'Mentorer för handläggare under första året',
        ['year', '2024-12-31', []],
        ['enhetschef'],
        ['medarbetarsamtal'],
      ],
    ]);
  });
});
