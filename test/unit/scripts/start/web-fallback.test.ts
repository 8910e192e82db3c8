// webDataDir() and explainFailure(): where the browser fallback keeps its data, and the one line it prints when it cannot start.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { VaultError } from '../../../../electron/core/vault/vault-error.js';
import { defaultDataDir } from '../../../../electron/core/vault/data-dir.js';
import { explainFailure, webDataDir } from '../../../../scripts/start/web-fallback.js';

describe('webDataDir()', () => {
  it('takes --data-dir first', () => {
    expect(webDataDir('/flag', { TOKENRY_DATA_DIR: '/env' })).toBe('/flag');
  });

  it('then TOKENRY_DATA_DIR', () => {
    expect(webDataDir(undefined, { TOKENRY_DATA_DIR: '/env' })).toBe('/env');
  });

  it("else a web-harness folder inside the desktop app's, apart from the app's own vault", () => {
    const env = { XDG_CONFIG_HOME: '/home/p/.config' };
    expect(webDataDir(undefined, env)).toBe(join(defaultDataDir(env), 'web-harness'));
  });
});

describe('explainFailure()', () => {
  it('adds the terminal as a way out when no keyring can hold a new key', () => {
    const error = new VaultError('keyring_not_persistent', 'No Secret Service answers; protect the vault with a passphrase (TOKENRY_PASSPHRASE)');
    expect(explainFailure(error)).toBe('No Secret Service answers; protect the vault with a passphrase (TOKENRY_PASSPHRASE); or run npm start in a terminal to choose a passphrase.');
  });

  it('says what to do about a wrong passphrase', () => {
    expect(explainFailure(new VaultError('wrong_passphrase', 'The passphrase does not open this vault'))).toBe(
      'The passphrase does not open this vault: try again, or set TOKENRY_PASSPHRASE to the right one.',
    );
  });

  it('names another port when the chosen one is taken', () => {
    const error = Object.assign(new Error('listen EADDRINUSE: address already in use 127.0.0.1:5174'), { code: 'EADDRINUSE' });
    expect(explainFailure(error)).toBe('listen EADDRINUSE: address already in use 127.0.0.1:5174: choose another port with npm start -- --port N.');
  });

  it('passes any other error through as its message', () => {
    expect(explainFailure(new Error('No built renderer at /x'))).toBe('No built renderer at /x');
  });
});
