// Specifies tokenFitness(): hand out, renew, warn or refuse a token for a caller's min_valid (issue 11 item 7).

import { describe, expect, it } from 'vitest';
import { tokenFitness, type FitnessInput } from '../../../../electron/core/grants/token-fitness.js';

const NOW = Date.UTC(2026, 0, 1);
const HOUR = 3_600_000;
const LEAD = 60_000;
const fitness = (record: FitnessInput['record'], minValidMs: number, extra: Partial<FitnessInput> = {}) =>
  tokenFitness({ record, now: NOW, minValidMs, leadMs: LEAD, ...extra });

describe('tokenFitness()', () => {
  it('hands out a token that lasts longer than asked', () => {
    expect(fitness({ issuedAt: NOW, expiresAt: NOW + HOUR }, 300_000).kind).toBe('usable');
  });

  it('hands out a token of unknown expiry', () => {
    expect(fitness({ issuedAt: NOW, expiresAt: null }, 300_000).kind).toBe('usable');
  });

  it('renews a token that would not last as long as asked, when a fresh one would', () => {
    expect(fitness({ issuedAt: NOW - HOUR + 100_000, expiresAt: NOW + 100_000 }, 300_000).kind).toBe('renew');
  });

  it('never hands out a token whose expiry is past (a JWT whose exp is already past)', () => {
    expect(fitness({ issuedAt: NOW, expiresAt: NOW - 30_000 }, 0)).toEqual({ kind: 'expired', expiredForMs: 30_000 });
  });

  it('never hands out a token that expires this very moment', () => {
    expect(fitness({ issuedAt: NOW - 1000, expiresAt: NOW }, 0).kind).toBe('expired');
  });

  it('takes an expired token as expired even right after a renewal', () => {
    expect(fitness({ issuedAt: NOW, expiresAt: NOW - 1 }, 0, { justRenewed: true }).kind).toBe('expired');
  });

  it('hands out with a warning a token whose whole lifetime is shorter than asked, without renewing', () => {
    expect(fitness({ issuedAt: NOW - 10_000, expiresAt: NOW + 290_000 }, 600_000).kind).toBe('cannot_meet');
  });

  it('renews such a token again only once it is within the normal lead time', () => {
    expect(fitness({ issuedAt: NOW - 250_000, expiresAt: NOW + 50_000 }, 600_000).kind).toBe('renew');
  });

  it('hands out a token just renewed that still falls short, with a warning', () => {
    expect(fitness({ issuedAt: NOW, expiresAt: NOW + 3_599_000 }, HOUR, { justRenewed: true }).kind).toBe('cannot_meet');
  });

  it('says in one line how long the token lasts, what was asked and what the provider issues', () => {
    const result = fitness({ issuedAt: NOW - 10_000, expiresAt: NOW + 290_000 }, 600_000);
    expect(result.kind === 'cannot_meet' && result.warning).toBe(
      'warning: the token is valid for 290 s, less than the 600 s asked for: the provider issues tokens for 300 s at most.',
    );
  });

  describe('a token whose server stated no lifetime', () => {
    const unknown = (ageMs: number) => ({ issuedAt: NOW - ageMs, expiresAt: null });

    it('is handed out when the caller asks no min_valid, however old', () => {
      expect(fitness(unknown(30 * 86_400_000), 0, { canRenew: true }).kind).toBe('usable');
    });

    it('is handed out when it was issued within the min_valid asked', () => {
      expect(fitness(unknown(100_000), 300_000, { canRenew: true }).kind).toBe('usable');
    });

    it('is renewed first when older than the min_valid asked and the account can renew unattended', () => {
      expect(fitness(unknown(300_000), 300_000, { canRenew: true })).toEqual({ kind: 'renew', remainingMs: null });
    });

    it('is handed out as it is when the account cannot renew unattended (a GitHub OAuth app token)', () => {
      expect(fitness(unknown(300_000), 300_000, { canRenew: false }).kind).toBe('usable');
    });

    it('is handed out straight after a renewal made for the call', () => {
      expect(fitness(unknown(300_000), 300_000, { canRenew: true, justRenewed: true }).kind).toBe('usable');
    });
  });
});

describe('tokenFitness() at its boundaries', () => {
  it('renews a token that lasts exactly as long as asked', () => {
    expect(fitness({ issuedAt: NOW - HOUR, expiresAt: NOW + 300_000 }, 300_000)).toEqual({ kind: 'renew', remainingMs: 300_000 });
  });

  it('hands out a token that lasts a millisecond longer than asked, saying how long it lasts', () => {
    expect(fitness({ issuedAt: NOW - HOUR, expiresAt: NOW + 300_001 }, 300_000)).toEqual({ kind: 'usable', remainingMs: 300_001 });
  });

  it('says a token of unknown expiry lasts for an unknown time', () => {
    expect(fitness({ issuedAt: NOW, expiresAt: null }, 300_000)).toEqual({ kind: 'usable', remainingMs: null });
  });

  it('takes a lifetime exactly as long as asked as one that cannot meet it: it would fall short the moment it is handed out', () => {
    expect(fitness({ issuedAt: NOW - 100_000, expiresAt: NOW + 200_000 }, 300_000).kind).toBe('cannot_meet');
  });

  it('renews a token whose lifetime is a millisecond longer than asked, when it would not last', () => {
    expect(fitness({ issuedAt: NOW - 100_001, expiresAt: NOW + 200_000 }, 300_000).kind).toBe('renew');
  });

  it('renews a token that cannot meet the request once exactly the lead time is left', () => {
    expect(fitness({ issuedAt: NOW - 100_000, expiresAt: NOW + LEAD }, 600_000).kind).toBe('renew');
  });

  it('reports the remaining time and the lifetime of a token that cannot meet the request', () => {
    const result = fitness({ issuedAt: NOW - 10_000, expiresAt: NOW + 290_000 }, 600_000);
    expect(result.kind === 'cannot_meet' && { remainingMs: result.remainingMs, lifetimeMs: result.lifetimeMs }).toEqual({ remainingMs: 290_000, lifetimeMs: 300_000 });
  });

  it('says 0 s, never a negative time, for a token that lasts less than a second', () => {
    const result = fitness({ issuedAt: NOW - 1, expiresAt: NOW + 999 }, 5_000, { justRenewed: true });
    expect(result.kind === 'cannot_meet' && result.warning).toBe('warning: the token is valid for 0 s, less than the 5 s asked for: the provider issues tokens for 1 s at most.');
  });
});
