// The failure limiter: a burst of failures per address, then a wait that refills at a steady rate.
import { describe, expect, it } from 'vitest';
import { FailureLimiter } from '../../../../electron/core/loopback/rate-limiter.js';

function limiter(burst = 3, perSecond = 1) {
  let now = 0;
  const l = new FailureLimiter({ burst, perSecond }, () => now);
  return { l, advance: (ms: number) => (now += ms) };
}

describe('the failure limiter', () => {
  it('lets a burst of failures through', () => {
    const { l } = limiter();
    expect([l.fail('a'), l.fail('a'), l.fail('a')]).toEqual([0, 0, 0]);
  });

  it('asks for a wait once the burst is spent', () => {
    const { l } = limiter();
    for (let i = 0; i < 3; i++) l.fail('a');
    expect(l.fail('a')).toBe(1000);
  });

  it('forgives failures at the configured rate', () => {
    const { l, advance } = limiter();
    for (let i = 0; i < 3; i++) l.fail('a');
    advance(1000);
    expect(l.fail('a')).toBe(0);
  });

  it('never holds more than the burst, however long the quiet', () => {
    const { l, advance } = limiter();
    advance(3_600_000);
    for (let i = 0; i < 3; i++) l.fail('a');
    expect(l.allowed('a')).toBe(false);
  });

  it('keeps one bucket per address', () => {
    const { l } = limiter();
    for (let i = 0; i < 3; i++) l.fail('a');
    expect(l.fail('b')).toBe(0);
  });

  it('stays bounded with many addresses', () => {
    const { l } = limiter(1, 0.001);
    for (let i = 0; i < 10_000; i++) l.fail(`10.0.${i >> 8}.${i & 255}`);
    expect(l.fail('10.0.0.0')).toBe(0);
  });
});
