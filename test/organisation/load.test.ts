import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SourceErrors } from '../../src/config/source-error';
import { parseOrganisation } from '../../src/organisation/load';

const valid = readFileSync('config/organisation.yaml', 'utf8');

const base = `forvaltning: { id: exempelby, name: Exempelby }
departments:
  - id: forskola
    name: Förskola
    units:
      - { id: norr, name: Norr }
people:
  - id: anna
    name: Anna
    email: anna@example.se
    roles:
      - { role: avdelningschef, department: forskola }
  - id: bo
    name: Bo
    email: bo@example.se
    manager: anna
    roles:
      - { role: rektor, unit: norr }
`;

function errorsOf(text: string) {
  try {
    parseOrganisation('organisation.yaml', text);
  } catch (e) {
    expect(e).toBeInstanceOf(SourceErrors);
    return (e as SourceErrors).errors;
  }
  throw new Error('expected an error');
}

describe('loadOrganisation', () => {
  it('accepts the example organisation and the minimal base', () => {
    expect(parseOrganisation('organisation.yaml', valid).people.length).toBeGreaterThan(20);
    expect(parseOrganisation('o.yaml', base).people[1]?.active).toBe(true);
  });

  it.each([
    [
      'wrong type',
      base.replace('name: Bo', 'name: [Bo]'),
      14,
      'people.1.name',
      /expected string/,
      /förväntade text, fick en lista/,
    ],
    [
      'unknown role',
      base.replace('role: rektor', 'role: skolchef'),
      18,
      'people.1.roles.0.role',
      /Invalid option/,
      /Ogiltig/,
    ],
    [
      'unknown department',
      base.replace('department: forskola }', 'department: skola }'),
      12,
      'people.0.roles.0.department',
      /unknown department "skola"; known: forskola/,
      /okänd avdelning "skola"/,
    ],
    [
      'unknown unit',
      base.replace('unit: norr', 'unit: syd'),
      18,
      'people.1.roles.0.unit',
      /unknown unit "syd"/,
      /okänd enhet "syd"/,
    ],
    [
      'unknown manager',
      base.replace('manager: anna', 'manager: cecilia'),
      16,
      'people.1.manager',
      /unknown manager "cecilia"/,
      /okänd chef/,
    ],
    [
      'duplicate person',
      base.replace('- id: bo', '- id: anna'),
      13,
      'people.1.id',
      /person "anna" is listed twice/,
      /finns två gånger/,
    ],
    ['bad email', base.replace('bo@example.se', 'bo-at-example'), 15, 'people.1.email', /email/, /e-post/i],
    [
      'cycle in the manager line',
      base.replace(
        '    roles:\n      - { role: avdelningschef',
        '    manager: bo\n    roles:\n      - { role: avdelningschef',
      ),
      11,
      'people.0.manager',
      /the manager line forms a cycle: anna → bo → anna/,
      /chefslinjen går i cirkel: anna → bo → anna/,
    ],
  ])('%s: one error with its line and field', (_case, text, line, field, en, sv) => {
    const errors = errorsOf(text);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.location).toMatchObject({ file: 'organisation.yaml', line, field });
    expect(errors[0]?.message).toMatch(en);
    expect(errors[0]?.messageSv).toMatch(sv);
    expect(errors[0]?.messageSv).toMatch(
      new RegExp(`^organisation\\.yaml, rad ${line}, fält ${field.replace(/\./g, '\\.')}: `),
    );
  });
});
