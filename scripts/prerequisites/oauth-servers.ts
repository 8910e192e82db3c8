// Where the interoperability tests find the OAuth servers from Debian's packages they start (Glewlwyd, a C server, with sqlite3).
import { findOnPath, isExecutableFile, type IsExecutable } from './executables.js';

/** Debian's packages that provide them. */
export const OAUTH_SERVER_APT_PACKAGES: readonly string[] = ['glewlwyd', 'sqlite3'];

export type OAuthServersDiscovery =
  | { readonly kind: 'found'; readonly glewlwyd: string; readonly sqlite3: string }
  | { readonly kind: 'missing'; readonly missing: readonly string[]; readonly reason: string };

export interface OAuthServersSearch {
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly isExecutable?: IsExecutable;
}

/** Finds glewlwyd and sqlite3 on PATH; never starts either. */
export function findOAuthServers(search: OAuthServersSearch = {}): OAuthServersDiscovery {
  const env = search.env ?? process.env;
  const isExecutable = search.isExecutable ?? isExecutableFile;
  const glewlwyd = findOnPath('glewlwyd', env, isExecutable);
  const sqlite3 = findOnPath('sqlite3', env, isExecutable);
  if (glewlwyd !== null && sqlite3 !== null) return { kind: 'found', glewlwyd, sqlite3 };
  const missing = [glewlwyd === null ? 'glewlwyd' : null, sqlite3 === null ? 'sqlite3' : null].filter((name): name is string => name !== null);
  return {
    kind: 'missing',
    missing,
    reason: `No Glewlwyd OAuth server for the interoperability tests (${missing.join(' and ')} not found): install them (apt-get install -y --no-install-recommends ${OAUTH_SERVER_APT_PACKAGES.join(' ')})`,
  };
}
