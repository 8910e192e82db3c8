// Specifies the settings file: versioned on disk, the version never in what the program sees, old files still read.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, openSettings } from '../../../../electron/core/settings/settings-store.js';
import { ensurePrivateDir } from '../../../../electron/core/vault/atomic-file.js';
import { makeTempDir, rejectionCode } from '../vault/vault-test-helpers.js';

let dataDir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir: dataDir, cleanup } = await makeTempDir());
});
afterEach(async () => cleanup());

describe('openSettings()', () => {
  it('starts from the defaults and writes the format version with every change', async () => {
    const settings = await openSettings(dataDir);
    expect(settings.get()).toEqual(DEFAULT_SETTINGS);
    await settings.set({ ...settings.get(), leadSeconds: 600 });
    expect(settings.get()).toEqual({ ...DEFAULT_SETTINGS, leadSeconds: 600 });
    expect(JSON.parse(await readFile(join(dataDir, 'settings.json'), 'utf8'))).toEqual({ version: 2, ...DEFAULT_SETTINGS, leadSeconds: 600 });
    await settings.update((s) => ({ ...s, clipboardClearSeconds: 0 }));
    expect(settings.get()).toEqual({ ...DEFAULT_SETTINGS, leadSeconds: 600, clipboardClearSeconds: 0 });
  });

  it('reads a settings file from before versions', async () => {
    await ensurePrivateDir(dataDir);
    await writeFile(join(dataDir, 'settings.json'), JSON.stringify({ ...DEFAULT_SETTINGS, loopbackEnabled: false }));
    expect((await openSettings(dataDir)).get()).toEqual({ ...DEFAULT_SETTINGS, loopbackEnabled: false });
  });

  it('refuses a settings file of a newer format, unchanged', async () => {
    await ensurePrivateDir(dataDir);
    const newer = JSON.stringify({ version: 3, ...DEFAULT_SETTINGS });
    await writeFile(join(dataDir, 'settings.json'), newer);
    expect(await rejectionCode(openSettings(dataDir))).toBe('unsupported_version');
    expect(await readFile(join(dataDir, 'settings.json'), 'utf8')).toBe(newer);
  });
});
