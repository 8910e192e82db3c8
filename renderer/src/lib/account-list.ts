// The accounts list as the person asked for it: searched, filtered by status and provider, sorted. Pure.
import type { AccountListItem } from './types.js';

export type SortKey = 'name' | 'expiry' | 'provider';
/** Status groups a person filters by (the seven states are too fine for a filter). */
export type StatusFilter = 'all' | 'attention' | 'working' | 'signed_out';

export interface ListQuery {
  /** Words that must all appear in the name, provider or identity (case-insensitive). */
  readonly text: string;
  readonly status: StatusFilter;
  /** A provider id, or null for every provider. */
  readonly provider: string | null;
  readonly sort: SortKey;
}

export const DEFAULT_QUERY: ListQuery = { text: '', status: 'all', provider: null, sort: 'name' };

export const STATUS_FILTERS: readonly { readonly value: StatusFilter; readonly label: string }[] = [
  { value: 'all', label: 'All statuses' },
  { value: 'attention', label: 'Needs attention' },
  { value: 'working', label: 'Working' },
  { value: 'signed_out', label: 'Signed out' },
];

export const SORT_KEYS: readonly { readonly value: SortKey; readonly label: string }[] = [
  { value: 'name', label: 'Name' },
  { value: 'expiry', label: 'Expiry (soonest first)' },
  { value: 'provider', label: 'Provider' },
];

export function statusGroup(account: AccountListItem): Exclude<StatusFilter, 'all'> {
  switch (account.state.kind) {
    case 'signed_out':
      return 'signed_out';
    case 'needs_sign_in':
    case 'error':
      return 'attention';
    case 'valid':
    case 'expiring':
    case 'refreshing':
    case 'expired':
      return 'working';
  }
}

/** Lower-cased searchable text per account object (accounts are immutable, so the cache never goes stale). */
const haystacks = new WeakMap<AccountListItem, string>();
function haystack(account: AccountListItem): string {
  let text = haystacks.get(account);
  if (text === undefined) {
    const id = account.identity;
    text = [account.name, account.providerLabel, account.provider, id?.name, id?.email, id?.id].filter((s) => s != null && s !== '').join('\n').toLowerCase();
    haystacks.set(account, text);
  }
  return text;
}

const byName = (a: AccountListItem, b: AccountListItem): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
/**
 * Provider labels by their lower-cased text. Not localeCompare: its first call builds an ICU collator,
 * 20-60 ms of the list's first render on a loaded machine, to order a handful of preset names.
 */
const byLabel = (a: string, b: string): number => {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x < y ? -1 : x > y ? 1 : a < b ? -1 : a > b ? 1 : 0;
};
/** Soonest expiry first; tokens without a stated expiry after those with one; accounts without a token last. */
const expiryRank = (a: AccountListItem): number => (a.issuedAt === null || a.state.kind === 'signed_out' ? Number.POSITIVE_INFINITY : (a.expiresAt ?? Number.MAX_VALUE));
const COMPARE: Readonly<Record<SortKey, (a: AccountListItem, b: AccountListItem) => number>> = {
  name: byName,
  expiry: (a, b) => expiryRank(a) - expiryRank(b) || byName(a, b),
  provider: (a, b) => byLabel(a.providerLabel, b.providerLabel) || byName(a, b),
};

export function queryAccounts(accounts: readonly AccountListItem[], query: ListQuery): readonly AccountListItem[] {
  const words = query.text.toLowerCase().split(/\s+/).filter((w) => w !== '');
  const kept = accounts.filter(
    (a) =>
      (query.status === 'all' || statusGroup(a) === query.status) &&
      (query.provider === null || a.provider === query.provider) &&
      words.every((w) => haystack(a).includes(w)),
  );
  return kept.sort(COMPARE[query.sort]);
}

/** The providers present in the list, for the provider filter, by label. */
export function providersIn(accounts: readonly AccountListItem[]): Array<{ id: string; label: string }> {
  const seen = new Map<string, string>();
  for (const a of accounts) if (!seen.has(a.provider)) seen.set(a.provider, a.providerLabel);
  return [...seen].map(([id, label]) => ({ id, label })).sort((a, b) => byLabel(a.label, b.label));
}

/** The identity as one line: name and e-mail, else the id; null when the provider gave none. */
export function identityLine(account: AccountListItem): string | null {
  const id = account.identity;
  if (id === null) return null;
  const line = [id.name, id.email].filter((s): s is string => s !== null && s !== '').join(' · ');
  return line !== '' ? line : id.id;
}
