/**
 * Send pacing under a relay's limits (Exchange Online: 30 messages a minute per mailbox, 10,000
 * recipients a day). A relay over its limit refuses (4.3.2 / 452) or, worse, accepts and defers
 * for hours; sending each message at the earliest moment the limits allow keeps every message
 * accepted at once and none later than the limits require.
 *
 * Both limits are sliding windows, as Exchange counts them: message n may go at the earliest when
 * the message `perMinute` places before it is a full minute old, and when the recipients of the
 * last 24 hours leave room for its own. Reservations are kept by the message's delivery key, so a
 * retried attempt finds its slot again instead of taking a second one. One pacer per process: it
 * paces this worker's sends (docs/architecture.md, "Pacing").
 */

export interface PaceLimits {
  /** Messages in any 60 seconds. */
  perMinute?: number;
  /** Recipients in any 24 hours. */
  recipientsPerDay?: number;
}

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * 60_000;

interface Slot {
  at: number;
  recipients: number;
}

export class Pacer {
  /** Reserved slots by delivery key, in reservation order (times never decrease). */
  private readonly slots = new Map<string, Slot>();

  constructor(readonly limits: PaceLimits) {}

  /**
   * The earliest time (ms) at or after `nowMs` when this message may go; reserved for `key` from
   * then on, and the same time again for the same key.
   */
  reserve(key: string, recipients: number, nowMs: number): number {
    const known = this.slots.get(key);
    if (known) return known.at;
    this.forget(nowMs);
    const taken = [...this.slots.values()];
    let at = Math.max(nowMs, taken.at(-1)?.at ?? nowMs);
    const { perMinute, recipientsPerDay } = this.limits;
    if (perMinute && taken.length >= perMinute) at = Math.max(at, taken[taken.length - perMinute]!.at + MINUTE_MS);
    if (recipientsPerDay) {
      // Walk forward through the slots that leave the 24-hour window until this message fits.
      let inWindow = taken.filter((s) => s.at > at - DAY_MS);
      let sum = inWindow.reduce((n, s) => n + s.recipients, 0);
      while (sum + recipients > recipientsPerDay && inWindow.length > 0) {
        const oldest = inWindow.shift()!;
        at = Math.max(at, oldest.at + DAY_MS);
        sum -= oldest.recipients;
      }
    }
    this.slots.set(key, { at, recipients });
    return at;
  }

  /** Slots older than a day count for no limit any more. */
  private forget(nowMs: number): void {
    for (const [key, slot] of this.slots) {
      if (slot.at > nowMs - DAY_MS) break;
      this.slots.delete(key);
    }
  }
}
