import { describe, expect, it } from 'vitest';
import { defaultCadences, parseCadences, parsePeriodicity } from '../../src/plan';

describe('parseCadences', () => {
  it.each([
    ['Följs upp i tertialrapportering.', ['tertial']],
    ['Följs upp i tertiärrapportering och enheternas systematiska kvalitetsarbete.', ['tertial']],
    ['Uppföljning per tertial och VB.', ['tertial', 'vb']],
    ['Planeras in i VP och följs upp i samband med tertial 1 och 2 samt VB.', ['tertial', 'vb']],
    ['summering och analys i Verksamhetsberättelse 2022', ['vb']],
    ['Följs upp på APT-möten', ['apt']],
    [
      'Uppföljning i medarbetarsamtal, ledningsgrupp och verksamhetsberättelse.',
      ['vb', 'medarbetarsamtal', 'ledningsgrupp'],
    ],
    ['Följs upp vid internkontroll.', ['internkontroll']],
    ['Uppföljning på kvalitetsdialoger', ['kvalitetsdialog']],
    ['Följs upp i tertiärrapportering och resultatdialoger.', ['tertial', 'kvalitetsdialog']],
  ])('reads %j', (text, expected) => {
    expect(parseCadences(text, [])).toEqual(expected);
  });

  it('gives text that names no cadence the defaults', () => {
    expect(parseCadences('Övergripande Digitaliseringsnätverk', ['tertial'])).toEqual(['tertial']);
    expect(parseCadences('', ['tertial', 'vb'])).toEqual(['tertial', 'vb']);
    // "VP" (verksamhetsplan) and "kvalitetsarbete" name no cadence.
    expect(parseCadences('Planeras i VP, enheternas systematiska kvalitetsarbete', [])).toEqual([]);
  });

  it('takes the reporting cycles of the plan’s own follow-up sentence as defaults', () => {
    expect(
      defaultCadences(
        'Uppföljning av kompetensförsörjningsplanen kommer att ske i samband med förvaltningens tertiärrapporter, på ledningsgrupper, på apt',
      ),
    ).toEqual(['tertial']);
    expect(defaultCadences(undefined)).toEqual(['tertial']);
  });
});

describe('parsePeriodicity', () => {
  it('reads År and Tertial, and not what it does not know', () => {
    expect(parsePeriodicity('År')).toEqual(['VB']);
    expect(parsePeriodicity('Tertial')).toEqual(['T1', 'T2', 'VB']);
    expect(parsePeriodicity('Varannan vecka')).toBeUndefined();
  });
});
