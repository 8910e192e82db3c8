// Specifies "did you mean": the nearest command or flag to what was typed, or nothing when none is near.
import { describe, expect, it } from 'vitest';
import { closest, editDistance } from '../../../electron/cli/suggest.js';

describe('editDistance()', () => {
  it('counts insertions, deletions, replacements and swapped neighbours as one edit each', () => {
    expect([editDistance('login', 'login'), editDistance('logn', 'login'), editDistance('loginn', 'login'), editDistance('logon', 'login'), editDistance('lgoin', 'login')]).toEqual([0, 1, 1, 1, 1]);
  });
});

describe('closest()', () => {
  const flags = ['min-valid', 'json', 'data-dir', 'help', 'debug'];

  it('finds a mistyped flag or command', () => {
    expect([closest('min-vaild', flags), closest('dta-dir', flags), closest('logon', ['login', 'logout', 'token'])]).toEqual(['min-valid', 'data-dir', 'login']);
  });

  it('finds a flag typed only in part', () => {
    expect(closest('min', flags)).toBe('min-valid');
  });

  it('suggests nothing for a word near no known one', () => {
    expect([closest('frobnicate', ['login', 'token', 'account']), closest('x', flags)]).toEqual([undefined, undefined]);
  });
});
