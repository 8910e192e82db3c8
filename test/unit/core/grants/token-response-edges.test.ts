// Specifies the edges of reading a token endpoint's answer: how the body's format is told from its label and its look,
// what each kind of unusable answer says about itself, odd numbers and empty fields, and Retry-After dates.

import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from '../../../../electron/core/grants/token-response.js';

const NOW = Date.UTC(2025, 0, 15, 12, 0, 0);
describe('parseRetryAfter() on HTTP dates (RFC 9110 §5.6.7)', () => {
  it('reads an asctime date', () => {
    expect(parseRetryAfter('Wed Jan 15 12:01:00 2025', NOW)).toBe(60_000);
  });

  it.each([
    ['Wed Jan 15 12:01:00 2025', 60_000],
    ['Wed Jan  1 12:00:00 2025', 0],
    ['Sun Jan 19 12:00:00 2025', 4 * 86_400_000],
  ])('reads the asctime date %j as GMT whatever the local time zone', (value, ms) => {
    const zone = process.env['TZ'];
    process.env['TZ'] = 'America/New_York';
    try {
      expect(parseRetryAfter(value, NOW)).toBe(ms);
    } finally {
      if (zone === undefined) delete process.env['TZ'];
      else process.env['TZ'] = zone;
    }
  });

  it('ignores a date that does not start with a day name', () => {
    expect(parseRetryAfter('2025 Jan 15 12:01:00 GMT', NOW)).toBeUndefined();
  });
});
