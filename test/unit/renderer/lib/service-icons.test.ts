import { describe, expect, it } from 'vitest';
import { serviceIcon } from '../../../../renderer/src/lib/service-icons.js';

describe('serviceIcon()', () => {
  it('draws a brand mark from simple-icons on its colour', () => {
    expect(serviceIcon('github', 'GitHub')).toMatchObject({ kind: 'path', color: '#181717' });
  });

  it('draws Microsoft\'s four squares', () => {
    expect(serviceIcon('microsoft', 'Microsoft (Entra ID)')).toMatchObject({ kind: 'squares' });
  });

  it('gives a service no icon set has the first letters of its first two words', () => {
    expect(serviceIcon('teamserver', 'ER/Studio Team Server')).toEqual({ kind: 'monogram', letters: 'ES' });
    expect(serviceIcon('saasu', 'Saasu')).toEqual({ kind: 'monogram', letters: 'S' });
  });
});
