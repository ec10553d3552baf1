/**
 * A person named owner on the activity page ("Ändra ansvariga", issue 19) reports on the activity
 * herself; the other holders of her role do not, since the messages no longer go to them.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadOrganisation, mayReport, type Organisation } from '../../src/organisation';

let org: Organisation;
beforeAll(async () => {
  org = await loadOrganisation('config/organisation.yaml');
});
const person = (id: string) => org.people.find((p) => p.id === id)!;

describe('mayReport with a named owner', () => {
  it('the named rektor may, another rektor of the avdelning may not, the avdelningschef still may', () => {
    const owners = [{ role: 'rektor' as const, raw: 'Sven Rektor', person: 'sven-rektor' }];
    expect(mayReport(org, person('sven-rektor'), 'forskola', owners)).toBe(true);
    expect(mayReport(org, person('rut-rektor'), 'forskola', owners)).toBe(false);
    expect(mayReport(org, person('anna-avdelning'), 'forskola', owners)).toBe(true);
    // The plan's role, as before: every rektor of the avdelning.
    expect(mayReport(org, person('rut-rektor'), 'forskola', [{ role: 'rektor', raw: 'Rektorerna' }])).toBe(true);
  });
});
