import { describe, expect, it } from 'vitest';
import { providerBlurb, searchProviders } from '../../../../renderer/src/lib/provider-search.js';
import type { ProviderSummary } from '../../../../renderer/src/lib/types.js';

const preset = (id: string, label: string, keywords: string[], signInFlows: ProviderSummary['signInFlows'] = ['browser', 'device']): ProviderSummary =>
  ({ id, label, keywords, signInFlows }) as Partial<ProviderSummary> as ProviderSummary;

const PRESETS = [
  preset('github', 'GitHub', ['git', 'enterprise']),
  preset('microsoft', 'Microsoft (Entra ID)', ['entra', 'azure']),
  preset('gitlab', 'GitLab', ['git', 'self-managed']),
  preset('sugarcrm', 'SugarCRM', [], ['password']),
];
const ids = (found: readonly ProviderSummary[]): string[] => found.map((p) => p.id);

describe('searchProviders()', () => {
  it('names every preset, in the order given, for an empty query', () => {
    expect(ids(searchProviders(PRESETS, '  '))).toEqual(['github', 'microsoft', 'gitlab', 'sugarcrm']);
  });

  it('finds a preset by a keyword, whatever the case', () => {
    expect(ids(searchProviders(PRESETS, 'AZURE'))).toEqual(['microsoft']);
  });

  it('finds presets by a part of their name and keeps their order', () => {
    expect(ids(searchProviders(PRESETS, 'git'))).toEqual(['github', 'gitlab']);
  });

  it('needs every word of the query', () => {
    expect(ids(searchProviders(PRESETS, 'git self'))).toEqual(['gitlab']);
  });

  it('ignores accents', () => {
    expect(ids(searchProviders(PRESETS, 'éntra'))).toEqual(['microsoft']);
  });

  it('finds nothing for a word no preset has', () => {
    expect(searchProviders(PRESETS, 'bitbucket')).toEqual([]);
  });
});

describe('providerBlurb()', () => {
  it('says how the preset signs in, in the core\'s order', () => {
    expect(providerBlurb(PRESETS[0]!)).toBe('browser · code');
    expect(providerBlurb(PRESETS[3]!)).toBe('password');
  });
});
