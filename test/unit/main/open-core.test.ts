// Specifies how the desktop app opens its core: safeStorage (async API) only where it protects, a passphrase
// where it would not (Linux basic_text) with a warning for the settings screen, TOKENRY_PASSPHRASE for tests.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AppCore } from '../../../electron/core/bridge/app-core.js';
import { TEST_SCRYPT } from '../../../electron/core/vault/protectors/passphrase.js';
import { isVaultError } from '../../../electron/core/vault/vault-error.js';

const safeStorage = {
  available: true,
  backend: 'gnome_libsecret',
  isAsyncEncryptionAvailable: vi.fn(async () => safeStorage.available),
  encryptStringAsync: vi.fn(async (text: string) => Buffer.from(`os-bound:${text}`, 'utf8')),
  decryptStringAsync: vi.fn(async (blob: Buffer) => ({ result: blob.toString('utf8').replace(/^os-bound:/, ''), shouldReEncrypt: false })),
  getSelectedStorageBackend: vi.fn(() => safeStorage.backend),
};
vi.mock('electron', () => ({ safeStorage }));

const { openCoreForApp, readVaultKinds, StartupError } = await import('../../../electron/main/open-core.js');
const { WEAK_BACKEND_WARNING } = await import('../../../electron/main/vault-protection.js');
type Ask = Parameters<typeof openCoreForApp>[0]['askPassphrase'];

let dataDir: string;
const opened: AppCore[] = [];

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'tokenry-main-'));
  safeStorage.available = true;
  safeStorage.backend = 'gnome_libsecret';
  vi.clearAllMocks();
});

afterEach(async () => {
  for (const core of opened.splice(0)) await core.close();
  await rm(dataDir, { recursive: true, force: true });
});

async function open(options: { env?: Record<string, string>; ask?: Ask; platform?: NodeJS.Platform } = {}): Promise<AppCore | null> {
  const core = await openCoreForApp({
    dataDir,
    env: options.env ?? {},
    platform: options.platform ?? 'linux',
    askPassphrase: options.ask ?? (async () => null),
    core: { copyToClipboard: async () => null },
    scrypt: TEST_SCRYPT,
  });
  if (core !== null) opened.push(core);
  return core;
}

async function reopen(options: Parameters<typeof open>[0] = {}): Promise<AppCore | null> {
  for (const core of opened.splice(0)) await core.close();
  return open(options);
}

async function vaultStatus(core: AppCore | null) {
  const status = await core!.handlers['vault:status']();
  if (!status.ok) throw new Error(status.error.message);
  return status.value;
}

describe('openCoreForApp', () => {
  it('uses TOKENRY_PASSPHRASE without touching safeStorage or asking', async () => {
    const ask = vi.fn<Ask>(async () => null);
    const core = await open({ env: { TOKENRY_PASSPHRASE: 'from the environment' }, ask });
    expect(await vaultStatus(core)).toEqual({ protectors: ['passphrase'], warning: null, osStore: null });
    expect(safeStorage.isAsyncEncryptionAvailable).not.toHaveBeenCalled();
    expect(ask).not.toHaveBeenCalled();
    expect(await readVaultKinds(dataDir)).toEqual(['passphrase']);
    expect(await reopen({ env: { TOKENRY_PASSPHRASE: 'from the environment' } })).not.toBeNull();
  });

  it('protects a new vault with safeStorage through its async API where a keyring backs it', async () => {
    const core = await open();
    expect(await vaultStatus(core)).toEqual({ protectors: ['safe-storage'], warning: null, osStore: { kind: 'safe-storage', problem: null } });
    expect(safeStorage.encryptStringAsync).toHaveBeenCalledTimes(1);
    await reopen();
    expect(safeStorage.decryptStringAsync).toHaveBeenCalledTimes(1);
  });

  it('on Linux basic_text asks for a new passphrase, says why, and never encrypts with safeStorage', async () => {
    safeStorage.backend = 'basic_text';
    const ask = vi.fn<Ask>(async () => 'a long passphrase');
    const core = await open({ ask });
    expect(ask).toHaveBeenCalledWith({ dataDir, creating: true, warning: WEAK_BACKEND_WARNING, error: null });
    expect(await vaultStatus(core)).toEqual({ protectors: ['passphrase'], warning: WEAK_BACKEND_WARNING, osStore: { kind: 'safe-storage', problem: WEAK_BACKEND_WARNING } });
    expect(safeStorage.encryptStringAsync).not.toHaveBeenCalled();
  });

  it('asks again after a wrong passphrase, saying so', async () => {
    safeStorage.backend = 'basic_text';
    await open({ ask: async () => 'the right passphrase' });
    const answers = ['a wrong passphrase', 'the right passphrase'];
    const ask = vi.fn<Ask>(async () => answers.shift() ?? null);
    const core = await reopen({ ask });
    expect(core).not.toBeNull();
    expect(ask.mock.calls.map(([request]) => [request.creating, request.error])).toEqual([
      [false, null],
      [false, 'That passphrase does not open the vault. Try again.'],
    ]);
  });

  it('resolves null when the person cancels, leaving the data directory unlocked', async () => {
    safeStorage.available = false;
    expect(await open({ ask: async () => null })).toBeNull();
    expect(await open({ ask: async () => 'now a passphrase' })).not.toBeNull();
  });

  it('refuses, with what to do, a safeStorage-only vault when the keyring is gone', async () => {
    await open();
    for (const core of opened.splice(0)) await core.close();
    safeStorage.backend = 'basic_text';
    const failure = await open().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(StartupError);
    expect((failure as Error).message).toMatch(/GNOME Keyring or KWallet/);
  });

  it('ignores TOKENRY_PASSPHRASE for a vault without a passphrase record', async () => {
    await open();
    const core = await reopen({ env: { TOKENRY_PASSPHRASE: 'irrelevant' } });
    expect(await vaultStatus(core)).toMatchObject({ protectors: ['safe-storage'] });
  });

  it('reports a data directory held by another process as a VaultError', async () => {
    await open({ env: { TOKENRY_PASSPHRASE: 'p' } });
    const failure = await openCoreForApp({
      dataDir,
      env: { TOKENRY_PASSPHRASE: 'p' },
      platform: 'linux',
      askPassphrase: async () => null,
      core: { copyToClipboard: async () => null },
      scrypt: TEST_SCRYPT,
    }).catch((error: unknown) => error);
    expect(isVaultError(failure, 'locked_by_other')).toBe(true);
  });
});
