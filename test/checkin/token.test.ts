import { describe, expect, it } from 'vitest';
import { checkinSecret, DEV_CHECKIN_SECRET, signCheckinToken, verifyCheckinToken } from '../../src/checkin/token';

describe('check-in tokens', () => {
  const claims = { person: 'rut-rektor', activities: ['a1'], expires: '2030-01-01T00:00:00Z' };
  it('verifies its own tokens and rejects tampering, other secrets and expiry', () => {
    const t = signCheckinToken('s'.repeat(40), claims);
    expect(verifyCheckinToken('s'.repeat(40), t, new Date('2029-01-01'))).toMatchObject({
      ok: true,
      claims: { person: 'rut-rektor', activities: ['a1'] },
    });
    expect(verifyCheckinToken('x'.repeat(40), t, new Date('2029-01-01'))).toEqual({ ok: false, problem: 'signature' });
    expect(verifyCheckinToken('s'.repeat(40), `${t.slice(0, -2)}AA`, new Date('2029-01-01'))).toMatchObject({
      ok: false,
    });
    expect(verifyCheckinToken('s'.repeat(40), t, new Date('2030-01-01T00:00:01Z'))).toEqual({
      ok: false,
      problem: 'expired',
    });
    expect(verifyCheckinToken('s'.repeat(40), 'not-a-token', new Date())).toEqual({ ok: false, problem: 'malformed' });
  });
  it('production refuses a missing, short or development secret', () => {
    expect(checkinSecret({ PLANVAKT_MODE: 'development' })).toBe(DEV_CHECKIN_SECRET);
    expect(() => checkinSecret({ PLANVAKT_MODE: 'production' })).toThrow(/must be set/);
    expect(() => checkinSecret({ PLANVAKT_MODE: 'production', PLANVAKT_CHECKIN_SECRET: DEV_CHECKIN_SECRET })).toThrow(
      /development default/,
    );
    expect(() => checkinSecret({ PLANVAKT_MODE: 'production', PLANVAKT_CHECKIN_SECRET: 'short' })).toThrow(/32/);
  });
});
