import { describe, expect, it } from 'vitest';
import {
  formatDateSv,
  labelled,
  listSv,
  orgNames,
  plural,
  rulesVersionLabel,
  stockholmClock,
  stockholmStamp,
  stockholmWhen,
  toWhom,
  versionLabel,
} from '../../src/domain/swedish';

describe('Swedish text (issue 19)', () => {
  it('agrees in number: 1 avdelning, 2 avdelningar, 0 avdelningar', () => {
    expect(plural(1, 'avdelning', 'avdelningar')).toBe('1 avdelning');
    expect(plural(2, 'avdelning', 'avdelningar')).toBe('2 avdelningar');
    expect(plural(0, 'avdelning', 'avdelningar')).toBe('0 avdelningar');
    expect(plural(1, 'meddelande', 'meddelanden')).toBe('1 meddelande');
  });

  it('joins lists as Swedish does: "A, B och C"', () => {
    expect(listSv([])).toBe('');
    expect(listSv(['A'])).toBe('A');
    expect(listSv(['A', 'B'])).toBe('A och B');
    expect(listSv(['A', 'B', 'C'])).toBe('A, B och C');
    expect(listSv(['A', '', 'C'])).toBe('A och C');
  });

  it('says who a message goes to, and never "till ." when nobody does', () => {
    expect(toWhom(['Rut Rektor', 'Sven Skola'])).toBe('till Rut Rektor och Sven Skola');
    expect(toWhom([])).toBe('utan mottagare');
  });

  it('shows 14:05 Stockholm time in winter (UTC+1) and in summer (UTC+2)', () => {
    expect(stockholmClock('2026-01-15T13:05:00Z')).toBe('14:05');
    expect(stockholmClock('2026-07-15T12:05:00Z')).toBe('14:05');
    expect(stockholmStamp('2026-11-27T13:05:00Z')).toBe('2026-11-27 14:05');
    expect(stockholmWhen('2026-07-15T12:05:00Z')).toBe('15 juli 2026 kl. 14:05');
    // After 23:00 UTC in winter it is already the next day in Stockholm.
    expect(stockholmStamp('2026-12-31T23:30:00Z')).toBe('2027-01-01 00:30');
  });

  it('formats a plan date as a calendar day', () => {
    expect(formatDateSv('2025-12-31')).toBe('31 december 2025');
  });

  it('says a saved version as "version 3, sparad 27 november av Hanna"', () => {
    const v = { version: 3, savedAt: '2026-11-27T09:15:00.000Z', author: 'Hanna' };
    expect(versionLabel(v, new Date('2026-11-28T10:00:00Z'))).toBe('version 3, sparad 27 november av Hanna');
    // The day is Stockholm's (23:30 UTC on 31 December is New Year's Day there); another year is said.
    expect(
      versionLabel({ version: 1, savedAt: '2025-12-31T23:30:00Z', author: 'Hanna' }, new Date('2026-11-28T10:00:00Z')),
    ).toBe('version 1, sparad 1 januari av Hanna');
    expect(
      versionLabel({ version: 2, savedAt: '2025-06-01T10:00:00Z', author: 'Bo' }, new Date('2026-11-28T10:00:00Z')),
    ).toBe('version 2, sparad 1 juni 2025 av Bo');
  });

  it("says a running activity's rules hash as the saved version it is, never the hash alone", () => {
    const saved = [
      { version: 1, savedAt: '2026-11-20T08:00:00Z', author: 'rules.yaml (filen)', sha256: 'aaaa1111bbbb2222cccc' },
      { version: 2, savedAt: '2026-11-27T13:05:00Z', author: 'Hanna HR-chef', sha256: '0123456789abcdef0123' },
    ];
    const now = new Date('2026-11-27T15:00:00Z');
    expect(rulesVersionLabel('0123456789ab', saved, now)).toBe('version 2, sparad 27 november av Hanna HR-chef');
    expect(rulesVersionLabel('ffffffffffff', saved, now)).toBe(
      'rules.yaml ändrad utanför webben (kontrollsumma ffffffffffff)',
    );
  });

  it('prefixes a kind only once: never "Påminnelse: påminnelse: …"', () => {
    expect(labelled('Påminnelse', 'påminnelse: status för T1 ska lämnas')).toBe('påminnelse: status för T1 ska lämnas');
    expect(labelled('Påminnelse', 'Påminnelse 5 arbetsdagar före måldatum')).toBe(
      'Påminnelse 5 arbetsdagar före måldatum',
    );
    expect(labelled('Eskalering', 'måldatum har passerat')).toBe('Eskalering: måldatum har passerat');
  });

  it('names avdelningar, enheter and roles from the organisation, never by id', () => {
    const names = orgNames({
      departments: [
        { id: 'aldreomsorg', name: 'Äldreomsorg', units: [{ id: 'hemtjansten', name: 'Hemtjänsten' }] },
        { id: 'forskola', name: 'Förskola', units: [] },
      ],
    });
    expect(names.department('forskola')).toBe('Förskola');
    expect(names.unit('hemtjansten')).toBe('Hemtjänsten');
    expect(names.roleIn('avdelningschef', 'aldreomsorg')).toBe('Avdelningschef i Äldreomsorg');
    expect(names.roleIn('enhetschef', 'aldreomsorg', 'hemtjansten')).toBe('Enhetschef i Hemtjänsten (Äldreomsorg)');
    // An id the file does not know stays visible rather than vanishing.
    expect(names.department('okand')).toBe('okand');
  });
});
