// The add form's service picker: which presets a search names, and the order they are shown in. Pure.
import type { ProviderSummary } from './types.js';

/** Lower-case, accents dropped, so that "Entra" finds "Microsoft (Entra ID)" and "keycloak" finds "Keycloak". */
const fold = (text: string): string => text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();

/** The words a preset can be found by: its name, its id and its keywords. */
const haystack = (p: ProviderSummary): string => fold([p.label, p.id, ...p.keywords].join(' '));

/**
 * The presets the query names, in the order given (the core's: everyday services first): every word
 * of the query must appear in the preset's name, id or keywords. An empty
 * query names them all.
 */
export function searchProviders(providers: readonly ProviderSummary[], query: string): ProviderSummary[] {
  const words = fold(query).split(/\s+/).filter((w) => w !== '');
  if (words.length === 0) return [...providers];
  return providers.filter((p) => {
    const text = haystack(p);
    return words.every((w) => text.includes(w));
  });
}

const FLOW_WORDS: Readonly<Record<ProviderSummary['signInFlows'][number], string>> = {
  browser: 'browser',
  device: 'code',
  password: 'password',
  client_credentials: 'client credentials',
};

/** How an account of the preset signs in, in a few words for its tile ("browser · code"). */
export function providerBlurb(p: ProviderSummary): string {
  return p.signInFlows.map((flow) => FLOW_WORDS[flow]).join(' · ');
}
