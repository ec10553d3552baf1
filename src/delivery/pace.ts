/**
 * Send pacing under a relay's limits (Exchange Online: 30 messages a minute per mailbox, 10,000
 * recipients a day). A relay over its limit refuses (4.3.2 / 452) or, worse, accepts and defers
 * for hours; sending each message at the earliest moment the limits allow keeps every message
 * accepted at once and none later than the limits require.
 *
 * Both limits are sliding windows, as Exchange counts them, at the relay's acceptance:
 *  - `reserve` gives each message, by its delivery key, its place and an estimated slot (message n
 *    a minute after message n - perMinute's slot), so a retried attempt finds its place again and
 *    an attempt knows whether to wait in the process or come back later;
 *  - `blockedFor` decides at the moment of sending, from what the relay has accepted: a send may
 *    start only while the acceptances of the last minute (and recipients of the last day) plus
 *    the sends still under way leave room for it. A send's acceptance comes after it starts, so
 *    every window the relay can count holds at most the limit, however long the relay takes.
 * One pacer per process: it paces this worker's sends (several workers: each its share).
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
  /** What the relay took (or refused: counted all the same), by the time the send ended. */
  private readonly ended: Slot[] = [];
  private readonly underWay = new Map<string, number>();
  private listeners: (() => void)[] = [];

  constructor(readonly limits: PaceLimits) {}

  /**
   * The estimated earliest time (ms) at or after `nowMs` when this message may go; reserved for
   * `key` from then on, and the same time again for the same key.
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
      const inWindow = taken.filter((s) => s.at > at - DAY_MS);
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

  /**
   * 0 when a send of `recipients` may start now; otherwise how long until an accepted send leaves
   * a window (Infinity when only a send under way ending can make room: `changed` says when).
   */
  blockedFor(recipients: number, nowMs: number): number {
    const { perMinute, recipientsPerDay } = this.limits;
    const underWay = [...this.underWay.values()];
    let wait = 0;
    if (perMinute) {
      const recent = this.ended.filter((s) => s.at > nowMs - MINUTE_MS);
      const over = recent.length + underWay.length + 1 - perMinute;
      if (over > 0) wait = Math.max(wait, over <= recent.length ? recent[over - 1]!.at + MINUTE_MS - nowMs : Infinity);
    }
    if (recipientsPerDay) {
      const recent = this.ended.filter((s) => s.at > nowMs - DAY_MS);
      let sum = recent.reduce((n, s) => n + s.recipients, 0) + underWay.reduce((n, r) => n + r, 0) + recipients;
      let k = 0;
      while (sum > recipientsPerDay && k < recent.length) sum -= recent[k++]!.recipients;
      if (sum > recipientsPerDay) wait = Infinity;
      else if (k > 0) wait = Math.max(wait, recent[k - 1]!.at + DAY_MS - nowMs);
    }
    return Math.max(0, wait);
  }

  /** A send starts: it counts until it ends. */
  start(key: string, recipients: number): void {
    this.underWay.set(key, recipients);
  }

  /** A send ended at `nowMs` (accepted or not: a refusal may have counted at the relay too). */
  end(key: string, nowMs: number): void {
    const recipients = this.underWay.get(key);
    if (recipients === undefined) return;
    this.underWay.delete(key);
    this.ended.push({ at: nowMs, recipients });
    const listeners = this.listeners;
    this.listeners = [];
    for (const l of listeners) l();
  }

  /** Resolves when a send under way ends. */
  changed(): Promise<void> {
    return new Promise((resolve) => this.listeners.push(resolve));
  }

  /** Slots and sends older than a day count for no limit any more. */
  private forget(nowMs: number): void {
    for (const [key, slot] of this.slots) {
      if (slot.at > nowMs - DAY_MS) break;
      this.slots.delete(key);
    }
    while (this.ended.length > 0 && this.ended[0]!.at <= nowMs - DAY_MS) this.ended.shift();
  }
}
