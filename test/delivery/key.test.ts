import { describe, expect, it } from 'vitest';
import { deliveryKey, isDeliveryKey } from '../../src/delivery/key';

describe('deliveryKey', () => {
  const parts = ['activity-a1', 'reminder-14', 'p-anna', '2025-12-17', 'email'] as const;

  it('is the same for the same parts and carries no personal id in clear text', () => {
    const key = deliveryKey(...parts);
    expect(deliveryKey(...parts)).toBe(key);
    expect(isDeliveryKey(key)).toBe(true);
    expect(key).not.toContain('anna');
  });

  it('differs when any one part differs', () => {
    const keys = new Set([
      deliveryKey(...parts),
      deliveryKey('activity-a2', 'reminder-14', 'p-anna', '2025-12-17', 'email'),
      deliveryKey('activity-a1', 'reminder-7', 'p-anna', '2025-12-17', 'email'),
      deliveryKey('activity-a1', 'reminder-14', 'p-bo', '2025-12-17', 'email'),
      deliveryKey('activity-a1', 'reminder-14', 'p-anna', '2025-12-18', 'email'),
      deliveryKey('activity-a1', 'reminder-14', 'p-anna', '2025-12-17', 'teams'),
    ]);
    expect(keys.size).toBe(6);
  });

  it('cannot be made to collide by separators inside ids', () => {
    expect(deliveryKey('a|b', 'c', 'p', '2025-01-01', 'email')).not.toBe(
      deliveryKey('a', 'b|c', 'p', '2025-01-01', 'email'),
    );
    expect(deliveryKey('a:b', 'c', 'p', '2025-01-01', 'email')).not.toBe(
      deliveryKey('a', 'b:c', 'p', '2025-01-01', 'email'),
    );
  });

  it('rejects empty parts, a date that is not YYYY-MM-DD and an unknown channel', () => {
    expect(() => deliveryKey('', 'e', 'p', '2025-01-01', 'email')).toThrow();
    expect(() => deliveryKey('w', 'e', 'p', '2025-1-1', 'email')).toThrow(/YYYY-MM-DD/);
    expect(() => deliveryKey('w', 'e', 'p', '2025-01-01', 'sms' as 'email')).toThrow(/channel/);
  });
});
