import { describe, expect, it } from 'vitest';
import { parseOwners, splitOwnerGroups } from '../../src/plan';

const roles = (raw: string) => parseOwners(raw).map((r) => [r.role, r.unit ?? null, r.all ?? false]);

describe('parseOwners', () => {
  it('splits lists on "och", commas, slashes and "tillsammans med"', () => {
    expect(roles('Rektor och Avdelningschef')).toEqual([
      ['rektor', null, false],
      ['avdelningschef', null, false],
    ]);
    expect(roles('Avdelningschef, Controller, Pedagogisk utvecklingsledare och Rektorer')).toEqual([
      ['avdelningschef', null, false],
      ['controller', null, false],
      ['pedagogiskUtvecklingsledare', null, false],
      ['rektor', null, true],
    ]);
    expect(roles('Avdelningschef/enhetschef')).toEqual([
      ['avdelningschef', null, false],
      ['enhetschef', null, false],
    ]);
    expect(roles('Avdelningschef tillsammans med HR')).toEqual([
      ['avdelningschef', null, false],
      ['hr', null, false],
    ]);
  });

  it('maps plural, definite and misspelt forms to one role, plural meaning everyone in it', () => {
    for (const raw of ['Rektor', 'Rektorn']) expect(roles(raw)).toEqual([['rektor', null, false]]);
    for (const raw of ['Rektorer', 'Rektorerna', 'rektorer']) expect(roles(raw)).toEqual([['rektor', null, true]]);
    for (const raw of ['Enhetschefer', 'Enhetscheferna']) expect(roles(raw)).toEqual([['enhetschef', null, true]]);
    expect(roles('Avdelningchef')).toEqual([['avdelningschef', null, false]]);
    expect(roles('Pedagogisk utvecklingsledare.')).toEqual([['pedagogiskUtvecklingsledare', null, false]]);
    expect(roles('Enhetschefer Biträdande enhetschefer')).toEqual([
      ['enhetschef', null, true],
      ['bitradandeEnhetschef', null, true],
    ]);
  });

  it('reads units, fan-out words and the department as owner', () => {
    expect(roles('BoU, AIB och vuxen')).toEqual([
      ['enhetschef', 'bou', false],
      ['enhetschef', 'aib', false],
      ['enhetschef', 'vuxen', false],
    ]);
    expect(roles('Medarbetare vuxenenheten')).toEqual([['medarbetare', 'vuxen', true]]);
    expect(roles('Samtliga')).toEqual([['enhetschef', null, true]]);
    expect(parseOwners('Berörda enhetschefer')).toEqual([
      { role: 'enhetschef', all: true, raw: 'Berörda enhetschefer' },
    ]);
    expect(parseOwners('Förvaltningen avdelning förskola')).toEqual([
      { role: 'avdelningschef', raw: 'Förvaltningen avdelning förskola' },
    ]);
  });

  it('names each role once and ignores prose around the roles', () => {
    expect(
      roles('Enhetschef, introduktionsansvarig Samtliga medarbetare ansvarar själva för att koppla upp sig'),
    ).toEqual([
      ['enhetschef', null, false],
      ['introduktionsansvarig', null, false],
      ['medarbetare', null, true],
    ]);
    expect(roles('Enhetschef och enhetschefer')).toEqual([['enhetschef', null, true]]);
    expect(parseOwners('Säkerhetssamordnaren')).toEqual([]);
    expect(parseOwners('')).toEqual([]);
  });
});

describe('splitOwnerGroups', () => {
  it('splits numbered owners and owners run together without a conjunction', () => {
    expect(splitOwnerGroups('1.Enhetschef 2.Avdelningchef')).toEqual(['Enhetschef', 'Avdelningchef']);
    expect(splitOwnerGroups('Enhetschef Avdelningschef och enhetschef')).toEqual([
      'Enhetschef',
      'Avdelningschef och enhetschef',
    ]);
    expect(splitOwnerGroups('Rektor och Avdelningschef')).toEqual(['Rektor och Avdelningschef']);
  });
});
