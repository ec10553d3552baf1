import { beforeAll, describe, expect, it } from 'vitest';
import type { Role, RoleRef } from '../../src/domain/vocabulary';
import { loadOrganisation } from '../../src/organisation/load';
import { escalationLine, managerLine, resolveAll, resolveRecipients } from '../../src/organisation/resolve';
import type { Organisation } from '../../src/organisation/schema';

let org: Organisation;
beforeAll(async () => {
  org = await loadOrganisation('config/organisation.yaml');
});

const ref = (role: Role, raw: string, extra: Partial<RoleRef> = {}): RoleRef => ({ role, raw, ...extra });
const all = (role: Role, raw: string, extra: Partial<RoleRef> = {}): RoleRef => ref(role, raw, { all: true, ...extra });

/**
 * Every "Ansvarig" string of the two seed plans, with the RoleRefs the importer makes of it, the
 * department (and unit) of the activity, and who must receive the message.
 */
const table: [
  raw: string,
  scope: { department: string; unit?: string },
  refs: RoleRef[],
  people: string[],
  gaps: string[],
][] = [
  [
    'Rektor och Avdelningschef',
    { department: 'forskola' },
    [ref('rektor', 'Rektor'), ref('avdelningschef', 'Avdelningschef')],
    ['rut-rektor', 'sven-rektor', 'anna-avdelning'],
    ['rektor:inactive'],
  ],
  ['Avdelningschef', { department: 'forskola' }, [ref('avdelningschef', 'Avdelningschef')], ['anna-avdelning'], []],
  [
    'Rektorer',
    { department: 'forskola' },
    [all('rektor', 'Rektorer')],
    ['rut-rektor', 'sven-rektor'],
    ['rektor:inactive'],
  ],
  [
    'Rektorerna',
    { department: 'forskola', unit: 'forskoleenhet-soder' },
    [all('rektor', 'Rektorerna')],
    ['sven-rektor'],
    [],
  ],
  [
    'Pedagogisk utvecklingsledare.',
    { department: 'forskola' },
    [ref('pedagogiskUtvecklingsledare', 'Pedagogisk utvecklingsledare')],
    ['paula-pedagog'],
    [],
  ],
  ['Förskolestöd', { department: 'forskola' }, [ref('forskolestod', 'Förskolestöd')], ['stina-stod'], []],
  [
    'Avdelningschef/Controller/Pedagogisk utvecklingsledare/Rektorer',
    { department: 'forskola' },
    [
      ref('avdelningschef', 'Avdelningschef'),
      ref('controller', 'Controller'),
      ref('pedagogiskUtvecklingsledare', 'Pedagogisk utvecklingsledare'),
      all('rektor', 'Rektorer'),
    ],
    ['anna-avdelning', 'cecilia-controller', 'paula-pedagog', 'rut-rektor', 'sven-rektor'],
    ['rektor:inactive'],
  ],
  [
    'Rektorerna och förvaltningsledning',
    { department: 'forskola' },
    [all('rektor', 'Rektorerna'), all('forvaltningsledning', 'förvaltningsledning')],
    ['rut-rektor', 'sven-rektor', 'frida-forvaltare', 'lars-ledning'],
    ['rektor:inactive'],
  ],
  [
    'Rektorerna och administratörer',
    { department: 'forskola' },
    [all('rektor', 'Rektorerna'), all('administrator', 'administratörer')],
    ['rut-rektor', 'sven-rektor', 'adam-admin', 'alva-admin'],
    ['rektor:inactive'],
  ],
  [
    'Förvaltningen avdelning förskola',
    { department: 'forskola' },
    [ref('avdelningschef', 'Förvaltningen avdelning förskola')],
    ['anna-avdelning'],
    [],
  ],
  [
    'Enhetschef (verksamhetsplan Resursenheten)',
    { department: 'forskola', unit: 'resursenheten' },
    [ref('enhetschef', 'Enhetschef')],
    ['erik-resurs'],
    [],
  ],
  ['Enhetschef', { department: 'stadsutveckling' }, [ref('enhetschef', 'Enhetschef')], ['fia-fritid'], []],
  [
    'Avdelningschef och enhetschef',
    { department: 'stadsutveckling' },
    [ref('avdelningschef', 'Avdelningschef'), ref('enhetschef', 'enhetschef')],
    ['bertil-avdelning', 'fia-fritid'],
    [],
  ],
  [
    'Avdelningschef/enhetschef',
    { department: 'individ-och-familj' },
    [ref('avdelningschef', 'Avdelningschef'), ref('enhetschef', 'enhetschef')],
    ['david-avdelning', 'bea-bou', 'ali-aib', 'vilma-vuxen'],
    [],
  ],
  [
    'Enhetschefer',
    { department: 'aldreomsorg' },
    [all('enhetschef', 'Enhetschefer')],
    ['henrik-hemtjanst', 'olga-boende'],
    [],
  ],
  [
    'Verksamhetschef HsL',
    { department: 'aldreomsorg' },
    [ref('verksamhetschefHsl', 'Verksamhetschef HsL')],
    ['sara-sjukvard'],
    [],
  ],
  [
    '1.Enhetschef 2.Avdelningchef',
    { department: 'aldreomsorg' },
    [ref('enhetschef', 'Enhetschef'), ref('avdelningschef', 'Avdelningchef')],
    ['henrik-hemtjanst', 'olga-boende', 'clara-avdelning'],
    [],
  ],
  [
    'Enhetschef/introduktionsansvarig',
    { department: 'aldreomsorg' },
    [ref('enhetschef', 'Enhetschef'), ref('introduktionsansvarig', 'introduktionsansvarig')],
    ['henrik-hemtjanst', 'olga-boende', 'clara-avdelning'],
    ['introduktionsansvarig:unheld'],
  ],
  [
    'Berörda enhetschefer',
    { department: 'individ-och-familj' },
    [all('enhetschef', 'Berörda enhetschefer')],
    ['bea-bou', 'ali-aib', 'vilma-vuxen'],
    [],
  ],
  ['HR', { department: 'individ-och-familj' }, [ref('hr', 'HR')], ['irma-hr'], []],
  [
    'HR (äldreomsorg has no partner: the förvaltning HR)',
    { department: 'aldreomsorg' },
    [ref('hr', 'HR')],
    ['hanna-hrchef'],
    [],
  ],
  [
    'Enhetschefer Biträdande enhetschefer',
    { department: 'individ-och-familj' },
    [all('enhetschef', 'Enhetschefer'), all('bitradandeEnhetschef', 'Biträdande enhetschefer')],
    ['bea-bou', 'ali-aib', 'vilma-vuxen', 'bo-bitradande', 'vega-bitradande'],
    [],
  ],
  [
    'Anhörigsamordnare',
    { department: 'individ-och-familj' },
    [ref('anhorigsamordnare', 'Anhörigsamordnare')],
    ['anders-anhorig'],
    [],
  ],
  [
    'BoU, AIB och vuxen',
    { department: 'individ-och-familj' },
    [
      ref('enhetschef', 'BoU', { unit: 'bou' }),
      ref('enhetschef', 'AIB', { unit: 'aib' }),
      ref('medarbetare', 'vuxen', { unit: 'vuxen', all: true }),
    ],
    ['bea-bou', 'ali-aib', 'vilma-vuxen'],
    [],
  ],
  [
    'Samtliga',
    { department: 'individ-och-familj' },
    [all('medarbetare', 'Samtliga')],
    ['bea-bou', 'ali-aib', 'vilma-vuxen'],
    [],
  ],
  [
    'Medarbetare vuxenenheten',
    { department: 'individ-och-familj' },
    [all('medarbetare', 'Medarbetare vuxenenheten', { unit: 'vuxen' })],
    ['vilma-vuxen'],
    [],
  ],
  [
    'Brandombud',
    { department: 'individ-och-familj' },
    [ref('brandombud', 'Brandombud')],
    ['david-avdelning'],
    ['brandombud:unheld'],
  ],
  [
    'Avdelningschef tillsammans med HR',
    { department: 'individ-och-familj' },
    [ref('avdelningschef', 'Avdelningschef'), ref('hr', 'HR')],
    ['david-avdelning', 'irma-hr'],
    [],
  ],
  [
    'Enhetschef',
    { department: 'funktionsnedsattning' },
    [ref('enhetschef', 'Enhetschef')],
    ['bella-bistand', 'linn-lss', 'dan-daglig'],
    [],
  ],
  [
    'Avdelningschef (vacant: up the line)',
    { department: 'funktionsnedsattning' },
    [ref('avdelningschef', 'Avdelningschef')],
    ['frida-forvaltare'],
    ['avdelningschef:unheld'],
  ],
];

describe('resolveRecipients on the example organisation', () => {
  it.each(table)('%s in %j', (_raw, scope, refs, people, gaps) => {
    const r = resolveAll(org, refs, scope);
    expect(r.people.map((p) => p.id).sort()).toEqual([...people].sort());
    expect(r.gaps.map((g) => `${g.role}:${g.kind}`)).toEqual(gaps);
    expect(r.people.every((p) => p.active)).toBe(true);
  });

  it("names a vacant post by the avdelning's name, not its id (issue 19)", () => {
    const { gaps } = resolveRecipients(org, ref('avdelningschef', 'Avdelningschef'), {
      department: 'funktionsnedsattning',
    });
    expect(gaps[0]?.messageSv).toMatch(
      /^Avdelningschef i Avdelning funktionsnedsättning: ingen aktiv person har rollen.*; skickat till Frida Förvaltare$/,
    );
    expect(gaps[0]?.messageSv).not.toContain('funktionsnedsattning');
  });

  it('skips a deactivated rektor and reports the gap to HR for förskola, in Swedish', () => {
    const { people, gaps } = resolveRecipients(org, all('rektor', 'Rektorer'), { department: 'forskola' });
    expect(people.map((p) => p.id)).not.toContain('vera-rektor');
    expect(gaps).toHaveLength(1);
    expect(gaps[0]).toMatchObject({ kind: 'inactive', fallback: [] });
    expect(gaps[0]?.inactive.map((p) => p.id)).toEqual(['vera-rektor']);
    expect(gaps[0]?.reportTo.map((p) => p.id)).toEqual(['helena-hr']);
    // Names from organisation.yaml, never the ids (issue 19: "Avdelningschef i aldreomsorg").
    expect(gaps[0]?.messageSv).toBe('Rektor i Avdelning förskola: hoppade över avaktiverade Vera Rektor');
  });

  it('a person named owner on the activity page gets it alone, not every holder of her role', () => {
    // Rut and Sven are both rektorer in förskola; the page named Sven (rektor, without a unit).
    const { people, gaps } = resolveRecipients(org, ref('rektor', 'Sven Rektor', { person: 'sven-rektor' }), {
      department: 'forskola',
    });
    expect(people.map((p) => p.id)).toEqual(['sven-rektor']);
    expect(gaps).toEqual([]);
  });

  it('a named owner who is deactivated: whoever holds her role gets it, as for any role', () => {
    const { people, gaps } = resolveRecipients(
      org,
      ref('rektor', 'Vera Rektor', { person: 'vera-rektor', unit: 'forskoleenhet-vaster' }),
      { department: 'forskola' },
    );
    expect(people.map((p) => p.id)).toEqual(['anna-avdelning']);
    expect(gaps[0]?.inactive.map((p) => p.id)).toEqual(['vera-rektor']);
  });

  it('the only rektor of a unit deactivated: up the line to the avdelningschef', () => {
    const { people, gaps } = resolveRecipients(org, ref('rektor', 'Rektor'), {
      department: 'forskola',
      unit: 'forskoleenhet-vaster',
    });
    // Other units' rektorer are not responsible for Väster: the line is.
    expect(people.map((p) => p.id)).toEqual(['anna-avdelning']);
    expect(gaps[0]).toMatchObject({ kind: 'unheld', unit: 'forskoleenhet-vaster' });
  });

  it('a role held only by a deactivated person goes to the avdelningschef, never to that person', () => {
    const { people, gaps } = resolveRecipients(org, ref('introduktionsansvarig', 'introduktionsansvarig'), {
      department: 'aldreomsorg',
    });
    expect(people.map((p) => p.id)).toEqual(['clara-avdelning']);
    expect(gaps[0]).toMatchObject({ kind: 'unheld', role: 'introduktionsansvarig' });
    expect(gaps[0]?.inactive.map((p) => p.id)).toEqual(['ivar-intro']);
    expect(gaps[0]?.reportTo.map((p) => p.id)).toEqual(['hanna-hrchef']);
    expect(gaps[0]?.messageSv).toContain('skickat till Clara Avdelning');
  });
});

describe('escalationLine and managerLine', () => {
  it('avdelningschef then förvaltningschef', () => {
    expect(escalationLine(org, 'forskola').map((s) => [s.to, s.people.map((p) => p.id)])).toEqual([
      ['avdelningschef', ['anna-avdelning']],
      ['forvaltningschef', ['frida-forvaltare']],
    ]);
  });

  it('a vacant avdelningschef post is an empty step; the unit finds its department', () => {
    expect(escalationLine(org, 'ignored', 'lss-boende').map((s) => s.people.map((p) => p.id))).toEqual([
      [],
      ['frida-forvaltare'],
    ]);
  });

  it('follows the manager line', () => {
    expect(managerLine(org, 'adam-admin').map((p) => p.id)).toEqual([
      'rut-rektor',
      'anna-avdelning',
      'frida-forvaltare',
    ]);
  });
});
