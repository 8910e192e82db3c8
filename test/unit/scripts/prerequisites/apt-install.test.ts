// aptAccess() decides who may run apt-get; aptInstall() runs update then install, non-interactively, and explains a failure.
import { describe, expect, it } from 'vitest';
import { aptAccess, aptInstall, failureLine, type CommandRunner } from '../../../../scripts/prerequisites/apt-install.js';

const debian = (extra: readonly string[] = []) => {
  const files = new Set(['/usr/bin/apt-get', ...extra]);
  return (path: string) => files.has(path);
};

describe('aptAccess()', () => {
  it('runs apt-get directly as root', () => {
    expect(aptAccess({ platform: 'linux', uid: 0, exists: debian() })).toEqual({ prefix: [] });
  });

  it('goes through sudo -n for a user with password-less sudo', () => {
    expect(aptAccess({ platform: 'linux', uid: 1000, exists: debian(['/usr/bin/sudo']), passwordlessSudo: () => true })).toEqual({ prefix: ['sudo', '-n'] });
  });

  it('declines when sudo would ask for a password', () => {
    expect(aptAccess({ platform: 'linux', uid: 1000, exists: debian(['/usr/bin/sudo']), passwordlessSudo: () => false })).toBeNull();
  });

  it('declines for a user without sudo', () => {
    expect(aptAccess({ platform: 'linux', uid: 1000, exists: debian(), passwordlessSudo: () => true })).toBeNull();
  });

  it('declines where there is no apt-get (not Debian or Ubuntu)', () => {
    expect(aptAccess({ platform: 'linux', uid: 0, exists: () => false })).toBeNull();
  });

  it('declines outside Linux', () => {
    expect(aptAccess({ platform: 'darwin', uid: 0, exists: () => true })).toBeNull();
  });
});

/** Records each command and answers with the given exit codes in turn. */
function recorder(codes: readonly number[], output = ''): { run: CommandRunner; calls: Array<{ argv: readonly string[]; frontend: string | undefined }> } {
  const calls: Array<{ argv: readonly string[]; frontend: string | undefined }> = [];
  const run: CommandRunner = async (argv, env) => {
    calls.push({ argv, frontend: env['DEBIAN_FRONTEND'] });
    return { code: codes[calls.length - 1] ?? 0, signal: null, output };
  };
  return { run, calls };
}

describe('aptInstall()', () => {
  it('updates the lists, then installs without recommends, never asking', async () => {
    const { run, calls } = recorder([0, 0]);
    expect(await aptInstall(['chromium', 'dbus'], { prefix: ['sudo', '-n'] }, run)).toEqual({ ok: true });
    expect(calls).toEqual([
      { argv: ['sudo', '-n', 'apt-get', 'update', '-qq'], frontend: 'noninteractive' },
      { argv: ['sudo', '-n', 'apt-get', 'install', '-y', '-qq', '--no-install-recommends', 'chromium', 'dbus'], frontend: 'noninteractive' },
    ]);
  });

  it("stops at a failed install with apt's own error line", async () => {
    const { run } = recorder([0, 100], 'Reading package lists...\nE: Unable to locate package chromium\n');
    expect(await aptInstall(['chromium'], { prefix: [] }, run)).toEqual({
      ok: false,
      reason: 'apt-get install -y -qq --no-install-recommends chromium failed (exit 100): E: Unable to locate package chromium',
    });
  });

  it('does not install when the update failed', async () => {
    const { run, calls } = recorder([1], 'W: some warning\n');
    const result = await aptInstall(['chromium'], { prefix: [] }, run);
    expect([result.ok, calls.length]).toEqual([false, 1]);
  });
});

describe('failureLine()', () => {
  it('prefers the last E: line over later chatter', () => {
    expect(failureLine('E: first\nE: second\nsome tail\n')).toBe('E: second');
  });

  it('takes the last line when apt printed no E: line', () => {
    expect(failureLine('one\ntwo\n\n')).toBe('two');
  });

  it('says so when there was no output', () => {
    expect(failureLine('')).toBe('no output');
  });
});
