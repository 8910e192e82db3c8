// findSecretService(): dbus-run-session and gnome-keyring-daemon found on PATH, or a reason naming what to install.
import { describe, expect, it } from 'vitest';
import { findSecretService } from '../../../../scripts/prerequisites/secret-service.js';

const machine = (present: readonly string[]) => {
  const files = new Set(present);
  return { platform: 'linux' as const, env: { PATH: '/usr/local/bin:/usr/bin' }, isExecutable: (path: string) => files.has(path) };
};

describe('findSecretService()', () => {
  it('finds both programs on PATH', () => {
    expect(findSecretService(machine(['/usr/bin/dbus-run-session', '/usr/local/bin/gnome-keyring-daemon']))).toEqual({
      kind: 'found',
      dbusRunSession: '/usr/bin/dbus-run-session',
      gnomeKeyringDaemon: '/usr/local/bin/gnome-keyring-daemon',
    });
  });

  it('names gnome-keyring-daemon and the packages to install when it is missing', () => {
    expect(findSecretService(machine(['/usr/bin/dbus-run-session']))).toEqual({
      kind: 'missing',
      missing: ['gnome-keyring-daemon'],
      reason:
        'No Secret Service for the OS-keyring tests (gnome-keyring-daemon not found): install gnome-keyring and dbus (apt-get install -y --no-install-recommends gnome-keyring dbus)',
    });
  });

  it('names both programs when neither is there', () => {
    const found = findSecretService(machine([]));
    expect(found.kind === 'missing' ? found.missing : null).toEqual(['dbus-run-session', 'gnome-keyring-daemon']);
  });

  it('does not apply outside Linux', () => {
    expect(findSecretService({ platform: 'darwin' }).kind).toBe('not_linux');
  });
});
