// Specifies openAppCore, what the app and the web harness open: the log file only its owner writes, the loopback provider
// following settings, errors that say what they are.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openAppCore, type AppCore } from '../../../../electron/core/bridge/app-core.js';
import { LOG_DIR, LOG_FILE } from '../../../../electron/core/log/log-file.js';
import { acquireLock } from '../../../../electron/core/vault/lock.js';
import { passphraseProtector, TEST_SCRYPT } from '../../../../electron/core/vault/protectors/passphrase.js';
import { makeTempDir } from '../vault/vault-test-helpers.js';

let dataDir: string;
let cleanup: () => Promise<void>;
let core: AppCore | undefined;
beforeEach(async () => {
  ({ dir: dataDir, cleanup } = await makeTempDir());
});
afterEach(async () => {
  await core?.close();
  core = undefined;
  await cleanup();
});

const open = (loopbackPort: number | null = null) =>
  openAppCore({
    dataDir,
    protector: passphraseProtector('app core test passphrase', { scrypt: TEST_SCRYPT }),
    purpose: 'app core test',
    copyToClipboard: async () => null,
    loopbackPort,
  });

describe('openAppCore()', () => {
  it('writes its log to logs/tokenry.log in the data directory once it owns it', async () => {
    core = await open();
    await core.close();
    core = undefined;
    const text = await readFile(join(dataDir, LOG_DIR, LOG_FILE), 'utf8');
    expect(text).toMatch(/ info +service: |info +data directory opened purpose="app core test" accounts=0/);
  });

  it('writes no log into a data directory another process owns', async () => {
    const lock = await acquireLock(dataDir, { purpose: 'someone else' });
    try {
      await expect(open()).rejects.toMatchObject({ code: 'locked_by_other' });
      expect(existsSync(join(dataDir, LOG_DIR, LOG_FILE))).toBe(false);
    } finally {
      await lock.release();
    }
  });

  it('serves the loopback provider on the port asked for and stops it on close', async () => {
    core = await open(0);
    const url = core.loopback.url();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(`${url}/v1/accounts`)).status).toBe(401);
    await core.close();
    core = undefined;
    await expect(fetch(`${url}/v1/accounts`)).rejects.toThrow();
  });

  it('answers a handler whose vault fails with an error value of kind vault, never an exception', async () => {
    core = await open();
    await core.vault.close();
    const answer = await core.handlers['accounts:add']({ name: 'x', provider: 'applixure', overrides: { baseUrl: 'https://a.example.test' }, clientId: 'c', clientSecret: 's' });
    expect(answer).toMatchObject({ ok: false, error: { code: 'closed', kind: 'vault' } });
  });
});
