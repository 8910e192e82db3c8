// Where the OS-keyring tests find a Secret Service to run: gnome-keyring-daemon under a private dbus-run-session.
import { findOnPath, isExecutableFile, type IsExecutable } from './executables.js';

/** Debian's packages that provide the two programs (dbus pulls in dbus-run-session's package). */
export const SECRET_SERVICE_APT_PACKAGES: readonly string[] = ['gnome-keyring', 'dbus'];

export type SecretServiceDiscovery =
  | { readonly kind: 'found'; readonly dbusRunSession: string; readonly gnomeKeyringDaemon: string }
  | { readonly kind: 'missing'; readonly missing: readonly string[]; readonly reason: string }
  /** The tests drive Linux's Secret Service; elsewhere they do not apply. */
  | { readonly kind: 'not_linux'; readonly reason: string };

export interface SecretServiceSearch {
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly platform?: NodeJS.Platform;
  readonly isExecutable?: IsExecutable;
}

/** Finds dbus-run-session and gnome-keyring-daemon on PATH; never starts either. */
export function findSecretService(search: SecretServiceSearch = {}): SecretServiceDiscovery {
  const platform = search.platform ?? process.platform;
  if (platform !== 'linux') {
    return { kind: 'not_linux', reason: `the Secret Service tests drive gnome-keyring on Linux; this is ${platform}` };
  }
  const env = search.env ?? process.env;
  const isExecutable = search.isExecutable ?? isExecutableFile;
  const dbusRunSession = findOnPath('dbus-run-session', env, isExecutable);
  const gnomeKeyringDaemon = findOnPath('gnome-keyring-daemon', env, isExecutable);
  if (dbusRunSession !== null && gnomeKeyringDaemon !== null) return { kind: 'found', dbusRunSession, gnomeKeyringDaemon };
  const missing = [dbusRunSession === null ? 'dbus-run-session' : null, gnomeKeyringDaemon === null ? 'gnome-keyring-daemon' : null].filter(
    (name): name is string => name !== null,
  );
  return {
    kind: 'missing',
    missing,
    reason: `No Secret Service for the OS-keyring tests (${missing.join(' and ')} not found): install gnome-keyring and dbus (apt-get install -y --no-install-recommends ${SECRET_SERVICE_APT_PACKAGES.join(' ')})`,
  };
}
