// Specifies the app's electron-store opener: the same file, format and guarantees as conf under plain Node.
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { openDataStore } from '../../../electron/core/vault/data-store.js';
import { VaultError } from '../../../electron/core/vault/vault-error.js';

// Electron cannot run here: electron-store only asks it for the default folder and app version, and listens on IPC.
vi.mock('electron', () => ({
  default: {
    app: { getPath: () => tmpdir(), getVersion: () => '0.1.0' },
    ipcMain: { on: () => undefined, handle: () => undefined },
    shell: {},
  },
}));

const schema = z.object({ version: z.literal(1), items: z.array(z.string()) }).strict();
const defaults = { version: 1 as const, items: [] as string[] };

describe('openElectronStore()', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'tokenry-estore-'));
  });
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('writes the file conf reads back: the same format inside and outside Electron', async () => {
    const { openElectronStore } = await import('../../../electron/main/electron-stores.js');
    const store = await openElectronStore({ dataDir, name: 'accounts', schema, defaults });
    await store.set({ version: 1, items: ['a', 'b'] });
    const viaConf = await openDataStore({ dataDir, name: 'accounts', schema, defaults });
    expect(viaConf.get()).toEqual({ version: 1, items: ['a', 'b'] });
    expect((await stat(join(dataDir, 'accounts.json'))).mode & 0o777).toBe(0o600);
  });

  it('reports a damaged file with code damaged_file and leaves it untouched', async () => {
    const { openElectronStore } = await import('../../../electron/main/electron-stores.js');
    const path = join(dataDir, 'settings.json');
    await writeFile(path, '{"version": 1, "items": [', { mode: 0o600 });
    const error = await openElectronStore({ dataDir, name: 'settings', schema, defaults }).catch((e: unknown) => e);
    expect(error instanceof VaultError && error.code).toBe('damaged_file');
    expect(await readFile(path, 'utf8')).toBe('{"version": 1, "items": [');
  });
});
