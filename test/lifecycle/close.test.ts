/**
 * What the lifecycle's close update (the activity page's "Avsluta", issue 19) refuses before
 * anything changes, and what Klar from the page does to the state: pure, from src/lifecycle/state.ts.
 */
import { describe, expect, it } from 'vitest';
import { applyClose, closeProblem, initialState } from '../../src/lifecycle/state';

const at = '2022-06-01T07:00:00.000Z';

describe('closeProblem', () => {
  it('refuses Klar twice, anything after Avbruten, an unknown outcome and a blank reason', () => {
    const state = initialState(at);
    expect(closeProblem(state, { by: 'Hanna', outcome: 'done', reason: 'Genomförd' }, false)).toBeUndefined();
    expect(closeProblem(state, { by: 'Hanna', outcome: 'cancelled', reason: 'Utgår' }, false)).toBeUndefined();
    expect(closeProblem(state, { by: 'Hanna', outcome: 'done', reason: '  ' }, false)).toBe(
      'Skriv varför aktiviteten avslutas.',
    );
    expect(closeProblem(state, { by: 'Hanna', outcome: 'klar', reason: 'x' }, false)).toBe('Välj Klar eller Avbruten.');
    expect(closeProblem(state, { by: 'Hanna', outcome: 'done', reason: 'x' }, true)).toBe(
      'Aktiviteten är redan avbruten.',
    );
    state.status = 'done';
    expect(closeProblem(state, { by: 'Hanna', outcome: 'done', reason: 'x' }, false)).toBe(
      'Aktiviteten är redan Klar.',
    );
    // Avbruten may still follow an owner's Klar while it can be undone.
    expect(closeProblem(state, { by: 'Hanna', outcome: 'cancelled', reason: 'x' }, false)).toBeUndefined();
  });
});

describe('applyClose', () => {
  it('Klar at once, the reason as its comment, nothing left to undo, who and why in the timeline', () => {
    const state = initialState(at);
    state.status = 'late';
    state.proposedDate = '2022-09-01';
    applyClose(state, 'Hanna HR-chef', 'Genomförd på APT', at);
    expect(state).toMatchObject({ status: 'done', comment: 'Genomförd på APT', reportedAt: at });
    expect(state.proposedDate).toBeUndefined();
    expect(state.klar).toBeUndefined();
    expect(state.timeline).toEqual([{ at, type: 'closed', by: 'Hanna HR-chef', reason: 'Genomförd på APT' }]);
  });
});
