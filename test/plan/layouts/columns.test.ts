/**
 * Plans in other districts' layouts: columns found by their headings (the synonyms issue 18 lists
 * and those public Swedish plans use), goal and section rows by their shape, one table per goal,
 * and tables nobody can tell stopping with the tables for HR to map.
 */
import { describe, expect, it } from 'vitest';
import { headerSignature, roleOfHeading } from '../../../src/plan/columns';
import {
  parseDocument,
  parsePlan,
  placedActivities,
  UnknownColumnsError,
  type ColumnMapping,
  type PlanDocument,
} from '../../../src/plan';

describe('column headings', () => {
  it.each([
    ['Åtgärd', 'aktivitet'],
    ['Åtgärder', 'aktivitet'],
    ['Insats', 'aktivitet'],
    ['Insatser', 'aktivitet'],
    ['Aktivitet', 'aktivitet'],
    ['Vad ska göras?', 'aktivitet'],
    ['Hur?', 'aktivitet'],
    ['År', 'maldatum'],
    ['Ansvarig', 'ansvarig'],
    ['Ansvar', 'ansvarig'],
    ['Vem?', 'ansvarig'],
    ['Ansvarig för uppföljning', 'ansvarig'],
    ['Klart senast', 'maldatum'],
    ['Tidplan', 'maldatum'],
    ['Tidsplan', 'maldatum'],
    ['När?', 'maldatum'],
    ['Slutdatum', 'maldatum'],
    ['Måldatum', 'maldatum'],
    ['Startdatum', 'startdatum'],
    ['Uppföljning', 'uppfoljning'],
    ['Uppföljs', 'uppfoljning'],
    ['Hur följs det upp?', 'uppfoljning'],
    ['Uppföljning/kommentar', 'uppfoljning'],
    ['Mål', 'mal'],
    ['Målsättning', 'mal'],
    ['Vad ska vi uppnå?', 'mal'],
    ['Fokusområde', 'avsnitt'],
    ['Avdelning', 'avdelning'],
    ['Resurser', 'ovrigt'],
    ['Förväntat resultat', 'ovrigt'],
  ])('"%s" is the %s column', (heading, role) => {
    expect(roleOfHeading(heading)).toBe(role);
  });

  it.each(['Vad', 'Färg', 'Kolumn 3', '', 'Hur mäts det?', 'Årets utfall'])('"%s" names no column', (heading) => {
    expect(roleOfHeading(heading)).toBeUndefined();
  });

  it('gives tables with the same headings the same signature, whatever case, accents and punctuation', () => {
    expect(headerSignature(['Vad gör vi?', 'VEM'])).toBe(headerSignature(['vad gor vi', 'Vem:']));
    expect(headerSignature(['Vad gör vi?', 'Vem'])).not.toBe(headerSignature(['Vem', 'Vad gör vi?']));
  });
});

const handlingsplan = [
  'Handlingsplan för kompetensförsörjning 2024 – avdelning Äldreomsorg',
  '',
  'Uppföljning sker i tertialrapporterna och i verksamhetsberättelsen.',
  '',
  'Mål 1: Fler medarbetare stannar hos oss',
  '',
  '| Åtgärd | Ansvar | Klart senast | Uppföljs |',
  '|---|---|---|---|',
  '| Behålla | | | |',
  '| Inför mentorskap för nyanställda undersköterskor | Enhetschef | 2024-06-30 | APT |',
  '| Erbjud karriärvägar till specialistundersköterska | Avdelningschef | 2024 | |',
  '',
  'Mål 2: Alla chefer har ett hållbart uppdrag',
  '',
  '| Åtgärd | Ansvar | Klart senast | Uppföljs |',
  '|---|---|---|---|',
  '| Utveckla | | | |',
  '| Se över antalet medarbetare per chef | HR | Tertial 2 2024 | Ledningsgrupp |',
].join('\n');

describe('a plan with one table per goal', () => {
  it('reads each activity with its avdelning, section, goal, Måldatum, owners and cadences', () => {
    const { plan, warnings } = parsePlan('handlingsplan.md', handlingsplan);
    expect(warnings.map((w) => w.messageSv)).toEqual([]);
    expect(plan.departments.map((d) => [d.id, d.name])).toEqual([['aldreomsorg', 'Äldreomsorg']]);
    const rows = placedActivities(plan).map(({ section, goal, activity }) => ({
      section: section.name,
      kinds: section.kinds,
      goal: goal.text,
      text: activity.text,
      deadline: activity.deadline.date,
      owners: activity.owners.map((o) => o.role),
      cadences: activity.cadences,
    }));
    expect(rows).toEqual([
      {
        section: 'Behålla',
        kinds: ['behalla'],
        goal: 'Fler medarbetare stannar hos oss',
        text: 'Inför mentorskap för nyanställda undersköterskor',
        deadline: '2024-06-30',
        owners: ['enhetschef'],
        cadences: ['apt'],
      },
      {
        section: 'Behålla',
        kinds: ['behalla'],
        goal: 'Fler medarbetare stannar hos oss',
        text: 'Erbjud karriärvägar till specialistundersköterska',
        deadline: '2024-12-31',
        owners: ['avdelningschef'],
        // No cadence in the row: the plan's own sentence names tertial and VB.
        cadences: ['tertial', 'vb'],
      },
      {
        section: 'Utveckla',
        kinds: ['utveckla'],
        goal: 'Alla chefer har ett hållbart uppdrag',
        text: 'Se över antalet medarbetare per chef',
        deadline: '2024-08-31',
        owners: ['hr'],
        cadences: ['ledningsgrupp'],
      },
    ]);
  });

  it('gives the same activity the same id when the headings change but the words do not', () => {
    const renamed = handlingsplan.replaceAll(
      '| Åtgärd | Ansvar | Klart senast | Uppföljs |',
      '| Insats | Ansvarig | Tidplan | Uppföljning |',
    );
    const ids = (t: string) => placedActivities(parsePlan('p.md', t).plan).map((p) => p.activity.id);
    expect(ids(renamed)).toEqual(ids(handlingsplan));
  });
});

describe('goal rows and section rows by shape', () => {
  it('reads a one-cell row as a goal and a section word as a section, in a table without a Mål column', () => {
    const text = [
      'Kompetensförsörjningsplan avdelning Förskola',
      '',
      '| Aktivitet | Ansvarig | När |',
      '|---|---|---|',
      '| Rekrytera och attrahera | | |',
      '| Vi är en attraktiv arbetsgivare | | |',
      '| Delta på rekryteringsmässor | Rektor | 2023-03-31 |',
    ].join('\n');
    const { plan, warnings } = parsePlan('f.md', text);
    expect(warnings).toEqual([]);
    const [section] = plan.departments[0]!.sections;
    expect(section?.kinds).toEqual(['rekrytera', 'attrahera']);
    expect(section?.goals.map((g) => [g.text, g.activities.map((a) => a.text)])).toEqual([
      ['Vi är en attraktiv arbetsgivare', ['Delta på rekryteringsmässor']],
    ]);
  });

  it('reads a Mål column: a new value starts a goal, an empty one keeps it', () => {
    const text = [
      'Plan avdelning Stadsutveckling',
      '',
      '| Mål | Insats | Ansvar | Slutdatum |',
      '|---|---|---|---|',
      '| Kortare handläggning | Digitalt ansökningsflöde | Enhetschef | 2023-12-31 |',
      '| | Checklistor för handläggare | Enhetschef | 2023-06-30 |',
      '| Fler söker till oss | Praktikplatser för studenter | HR | 2023 |',
    ].join('\n');
    const { plan } = parsePlan('s.md', text);
    expect(plan.departments.map((d) => d.id)).toEqual(['stadsutveckling']);
    expect(
      plan.departments[0]!.sections.flatMap((s) => s.goals.map((g) => [g.text, g.activities.map((a) => a.text)])),
    ).toEqual([
      ['Kortare handläggning', ['Digitalt ansökningsflöde', 'Checklistor för handläggare']],
      ['Fler söker till oss', ['Praktikplatser för studenter']],
    ]);
  });

  it('reads an Avdelning column into one avdelning per value', () => {
    const text = [
      'Handlingsplan 2023',
      '',
      '| Avdelning | Åtgärd | Ansvarig | Klart senast |',
      '|---|---|---|---|',
      '| Förskola | Språkombud på varje förskola | Rektor | 2023-12-31 |',
      '| Äldreomsorg | Introduktion för timvikarier | Enhetschef | 2023-05-31 |',
    ].join('\n');
    const { plan } = parsePlan('a.md', text);
    expect(plan.departments.map((d) => [d.id, placedActivities({ ...plan, departments: [d] }).length])).toEqual([
      ['forskola', 1],
      ['aldreomsorg', 1],
    ]);
  });
});

describe('warnings name file and place', () => {
  it('names the plan’s own heading and the line of a row it cannot read', () => {
    const text = [
      'Handlingsplan avdelning Förskola',
      '',
      '| Åtgärd | Ansvar | Klart senast |',
      '|---|---|---|',
      '| Ny rutin för introduktion | Rektor | snart |',
      '| | Rektor | 2023-01-31 |',
    ].join('\n');
    const { warnings } = parsePlan('f.md', text);
    expect(warnings.map((w) => [w.location.file, w.location.line, w.location.field, w.detailSv])).toEqual([
      ['f.md', 5, 'Klart senast', 'kan inte läsa "snart" som ett datum'],
      ['f.md', 6, 'Åtgärd', 'raden saknar aktivitetstext; den hoppas över'],
    ]);
  });

  it('warns once, at the first table, when no avdelning is named', () => {
    const text = ['Handlingsplan', '', '| Åtgärd | Ansvar | Klart senast |', '|---|---|---|', '| A | HR | 2023 |'].join(
      '\n',
    );
    const { plan, warnings } = parsePlan('x.md', text);
    expect(plan.departments.map((d) => d.name)).toEqual(['Okänd avdelning']);
    expect(warnings.map((w) => [w.location.file, w.location.line])).toEqual([['x.md', 5]]);
  });
});

const unknown = [
  'Plan för Individ och familj 2024',
  '',
  '| Steg | Vad | Vem | Färdigt |',
  '|---|---|---|---|',
  '| 1 | Gemensam introduktion för socialsekreterare | Enhetschef | 2024-03-31 |',
  '| 2 | Handledning i grupp varje månad | Avdelningschef | Löpande |',
].join('\n');

describe('tables nobody can tell', () => {
  it('stop the import with the table, its headings and first rows, for HR to map', () => {
    let error: unknown;
    try {
      parsePlan('okand.md', unknown);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UnknownColumnsError);
    const tables = (error as UnknownColumnsError).tables;
    expect(tables.map((t) => [t.at.line, t.headings, t.rows[0]])).toEqual([
      [
        3,
        ['Steg', 'Vad', 'Vem', 'Färdigt'],
        ['1', 'Gemensam introduktion för socialsekreterare', 'Enhetschef', '2024-03-31'],
      ],
    ]);
    expect((error as UnknownColumnsError).messageSv).toMatch(/okand\.md.*vilken kolumn som är vad/);
  });

  it('are read with HR’s mapping for their shape', () => {
    const mapping: ColumnMapping = {
      headings: ['steg', 'VAD', 'vem', 'färdigt'],
      roles: ['ovrigt', 'aktivitet', 'ansvarig', 'maldatum'],
    };
    const { plan, warnings } = parsePlan('okand.md', unknown, { columns: [mapping] });
    expect(warnings).toEqual([]);
    expect(plan.departments.map((d) => d.id)).toEqual(['individ-och-familj']);
    expect(
      placedActivities(plan).map(({ activity: a }) => [
        a.text,
        a.deadline.kind,
        a.deadline.date,
        a.owners.map((o) => o.role),
      ]),
    ).toEqual([
      ['Gemensam introduktion för socialsekreterare', 'date', '2024-03-31', ['enhetschef']],
      ['Handledning i grupp varje månad', 'ongoing', undefined, ['avdelningschef']],
    ]);
  });

  it('a mapping for another shape changes nothing', () => {
    const other: ColumnMapping = { headings: ['Steg', 'Vad', 'Vem'], roles: ['ovrigt', 'aktivitet', 'ansvarig'] };
    expect(() => parsePlan('okand.md', unknown, { columns: [other] })).toThrow(UnknownColumnsError);
  });
});

describe('tables beside the activity tables', () => {
  const withOther = (other: string[]) =>
    [
      'Handlingsplan avdelning Förskola',
      '',
      ...other,
      '',
      '| Åtgärd | Ansvar | Klart senast |',
      '|---|---|---|',
      '| Ny rutin för introduktion | Rektor | 2023-05-31 |',
    ].join('\n');

  it('a small table of document facts is no plan and is passed over without a warning', () => {
    const { plan, warnings } = parsePlan(
      'f.md',
      withOther(['| Fastställd av | Nämnden |', '|---|---|', '| Datum | 2023-01-20 |']),
    );
    expect(placedActivities(plan).map((p) => p.activity.text)).toEqual(['Ny rutin för introduktion']);
    expect(warnings).toEqual([]);
  });

  it('a wide table with rows whose headings name no activity is skipped with a warning naming it', () => {
    const { warnings } = parsePlan(
      'f.md',
      withOther(['| Indikator | Utfall 2022 | Målvärde |', '|---|---|---|', '| Sjukfrånvaro | 7 % | 6 % |']),
    );
    expect(warnings.map((w) => [w.location.file, w.location.line, w.detailSv])).toEqual([
      [
        'f.md',
        3,
        'tabellens rubriker (Indikator | Utfall 2022 | Målvärde) anger ingen aktivitetskolumn; raderna hoppas över',
      ],
    ]);
  });
});

describe('a row a page break split', () => {
  it('goes on with the activity above when it has no Måldatum and no Ansvarig', () => {
    const doc: PlanDocument = {
      file: 'plan.pdf',
      format: 'pdf',
      blocks: [
        { kind: 'paragraph', at: { line: 1, label: 'sida 1' }, text: 'Handlingsplan avdelning Förskola' },
        {
          kind: 'table',
          at: { line: 2, label: 'sida 1, tabell 1' },
          header: { at: { line: 2, label: 'sida 1, tabell 1, rad 1' }, cells: ['Åtgärd', 'Ansvar', 'Klart senast'] },
          rows: [
            {
              at: { line: 3, label: 'sida 1, tabell 1, rad 2' },
              cells: ['Introduktion för alla', 'Rektor', '2023-05-31'],
            },
            {
              at: { line: 4, label: 'sida 2, tabell 1, rad 1' },
              cells: ['nyanställda barnskötare', '', ''],
              afterPageBreak: true,
            },
            { at: { line: 5, label: 'sida 2, tabell 1, rad 2' }, cells: ['Språkombud', 'Rektor', '2023'] },
          ],
        },
      ],
    };
    const { plan, warnings } = parseDocument(doc);
    expect(warnings).toEqual([]);
    expect(placedActivities(plan).map((p) => p.activity.text)).toEqual([
      'Introduktion för alla nyanställda barnskötare',
      'Språkombud',
    ]);
  });
});

describe('a table whose first row is a merged section row above unknown headings', () => {
  const doc = (): PlanDocument => ({
    file: 'plan.docx',
    format: 'docx',
    blocks: [
      { kind: 'paragraph', at: { line: 1, label: 'stycke 1' }, text: 'Plan avdelning Förskola' },
      {
        kind: 'table',
        at: { line: 2, label: 'tabell 1' },
        header: { at: { line: 2, label: 'tabell 1, rad 1' }, cells: ['Behålla', '', ''] },
        rows: [
          { at: { line: 3, label: 'tabell 1, rad 2' }, cells: ['Vad', 'Vem', 'Färdigt'] },
          { at: { line: 4, label: 'tabell 1, rad 3' }, cells: ['Mentorer för nyanställda', 'Rektor', '2023-09-30'] },
        ],
      },
    ],
  });

  it('offers the headings below the section row for mapping, and reads the section once mapped', () => {
    let error: unknown;
    try {
      parseDocument(doc());
    } catch (e) {
      error = e;
    }
    expect((error as UnknownColumnsError).tables.map((t) => [t.headings, t.rows])).toEqual([
      [['Vad', 'Vem', 'Färdigt'], [['Mentorer för nyanställda', 'Rektor', '2023-09-30']]],
    ]);
    const { plan } = parseDocument(doc(), {
      columns: [{ headings: ['Vad', 'Vem', 'Färdigt'], roles: ['aktivitet', 'ansvarig', 'maldatum'] }],
    });
    expect(
      plan.departments[0]!.sections.map((s) => [s.kinds, s.goals.flatMap((g) => g.activities.map((a) => a.text))]),
    ).toEqual([[['behalla'], ['Mentorer för nyanställda']]]);
  });
});
