/** The plan clock's shift from the environment: for development and tests, never production. */
import { describe, expect, it } from 'vitest';
import { readEnv } from '../../src/config';

describe('PLANVAKT_TIME_SHIFT_MS', () => {
  it('is read as whole milliseconds, 0 when unset', () => {
    expect(readEnv({}).PLANVAKT_TIME_SHIFT_MS).toBe(0);
    expect(readEnv({ PLANVAKT_TIME_SHIFT_MS: '-126230400000' }).PLANVAKT_TIME_SHIFT_MS).toBe(-126_230_400_000);
  });

  it('names the variable when it is not a whole number', () => {
    expect(() => readEnv({ PLANVAKT_TIME_SHIFT_MS: 'igår' })).toThrow(/PLANVAKT_TIME_SHIFT_MS/);
  });

  it('is refused in production, where plan time is real time', () => {
    expect(() => readEnv({ PLANVAKT_MODE: 'production', PLANVAKT_TIME_SHIFT_MS: '-1000' })).toThrow(
      /PLANVAKT_TIME_SHIFT_MS är bara för utveckling och tester/,
    );
    expect(readEnv({ PLANVAKT_MODE: 'production' }).PLANVAKT_TIME_SHIFT_MS).toBe(0);
  });
});
