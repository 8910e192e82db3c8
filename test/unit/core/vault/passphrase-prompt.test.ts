// Specification of where a passphrase comes from: TOKENRY_PASSPHRASE, a no-echo terminal prompt, or a clear error.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { passphraseFromEnvOrPrompt, type PassphraseSource } from '../../../../electron/core/vault/protectors/passphrase-prompt.js';
import { isVaultError } from '../../../../electron/core/vault/vault-error.js';
import { rejectionCode } from './vault-test-helpers.js';

/**
 * A terminal stand-in: a real stream for input, with the raw-mode switch a tty.ReadStream has,
 * recording whether echo was off while the person typed.
 */
function terminal(): { stdin: PassThrough & { setRawMode(mode: boolean): void; isRaw: boolean }; stderr: PassThrough; shown: () => string } {
  const stdin = Object.assign(new PassThrough(), {
    isRaw: false,
    setRawMode(mode: boolean) {
      stdin.isRaw = mode;
    },
  });
  const stderr = new PassThrough();
  let shown = '';
  stderr.on('data', (chunk: Buffer) => (shown += chunk.toString('utf8')));
  return { stdin, stderr, shown: () => shown };
}

function source(overrides: Partial<PassphraseSource> & Pick<PassphraseSource, 'stdin' | 'stderr'>): PassphraseSource {
  return { env: {}, isTTY: true, ...overrides };
}

describe('passphraseFromEnvOrPrompt()', () => {
  it('uses TOKENRY_PASSPHRASE when it is set, without touching the terminal', async () => {
    const t = terminal();
    const result = await passphraseFromEnvOrPrompt(source({ ...t, env: { TOKENRY_PASSPHRASE: 'from env' } }));
    expect(result).toBe('from env');
    expect(t.shown()).toBe('');
  });

  it('on a non-TTY stdin without TOKENRY_PASSPHRASE rejects at once with code passphrase_required, naming the variable', async () => {
    const t = terminal(); // never written to, never ended: waiting on it would hang
    const failure = await passphraseFromEnvOrPrompt(source({ ...t, isTTY: false })).catch((error: unknown) => error);
    expect(isVaultError(failure, 'passphrase_required')).toBe(true);
    expect((failure as Error).message).toContain('TOKENRY_PASSPHRASE');
  });

  it('treats an empty TOKENRY_PASSPHRASE as unset', async () => {
    const t = terminal();
    expect(await rejectionCode(passphraseFromEnvOrPrompt(source({ ...t, isTTY: false, env: { TOKENRY_PASSPHRASE: '' } })))).toBe(
      'passphrase_required',
    );
  });

  it('on a TTY prompts on stderr with echo off, reads one line and restores the terminal', async () => {
    const t = terminal();
    const pending = passphraseFromEnvOrPrompt(source(t));
    expect(t.stdin.isRaw).toBe(true);
    t.stdin.write('s3cret pass\r');
    expect(await pending).toBe('s3cret pass');
    expect(t.stdin.isRaw).toBe(false);
    expect(t.shown()).toContain('passphrase');
    expect(t.shown()).not.toContain('s3cret');
  });

  it('applies backspace and Ctrl-U line editing', async () => {
    const t = terminal();
    const pending = passphraseFromEnvOrPrompt(source(t));
    t.stdin.write('garbage\u0015pw1\u007f2\n');
    expect(await pending).toBe('pw2');
  });

  it('ignores arrow-key escape sequences', async () => {
    const t = terminal();
    const pending = passphraseFromEnvOrPrompt(source(t));
    t.stdin.write('ab\u001b[Dc\r');
    expect(await pending).toBe('abc');
  });

  it('rejects Ctrl-C with code prompt_cancelled', async () => {
    const t = terminal();
    const pending = passphraseFromEnvOrPrompt(source(t));
    t.stdin.write('half\u0003');
    expect(await rejectionCode(pending)).toBe('prompt_cancelled');
  });

  it('rejects end of input with code prompt_cancelled', async () => {
    const t = terminal();
    const pending = passphraseFromEnvOrPrompt(source(t));
    t.stdin.end('no newline');
    expect(await rejectionCode(pending)).toBe('prompt_cancelled');
  });

  it('rejects an empty line with code passphrase_required', async () => {
    const t = terminal();
    const pending = passphraseFromEnvOrPrompt(source(t));
    t.stdin.write('\r');
    expect(await rejectionCode(pending)).toBe('passphrase_required');
  });

  it('with confirm, asks twice and resolves when both agree (even typed ahead in one chunk)', async () => {
    const t = terminal();
    const pending = passphraseFromEnvOrPrompt(source({ ...t, confirm: true }));
    t.stdin.write('twice\rtwice\r');
    expect(await pending).toBe('twice');
    expect(t.shown()).toContain('Repeat');
  });

  it('with confirm, rejects differing answers with code passphrase_mismatch', async () => {
    const t = terminal();
    const pending = passphraseFromEnvOrPrompt(source({ ...t, confirm: true }));
    t.stdin.write('one\r');
    t.stdin.write('two\r');
    expect(await rejectionCode(pending)).toBe('passphrase_mismatch');
  });
});
