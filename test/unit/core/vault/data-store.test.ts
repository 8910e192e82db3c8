// Specification of the non-secret data store: conf's JSON format, validated with zod, 0600/0700, damage never reset.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import Conf from 'conf';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { openConfDataStore, openDataStore, STRICT_CONF_OPTIONS } from '../../../../electron/core/vault/data-store.js';
import { isVaultError } from '../../../../electron/core/vault/vault-error.js';
import { makeTempDir, modeOf, rejectionCode, thrownCode } from './vault-test-helpers.js';

const accountsSchema = z.strictObject({
  accounts: z.array(z.strictObject({ name: z.string().min(1), provider: z.string() })),
});
type Accounts = z.infer<typeof accountsSchema>;
const empty: Accounts = { accounts: [] };

let root: string;
let dataDir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir: root, cleanup } = await makeTempDir());
  dataDir = join(root, 'data');
});
afterEach(async () => cleanup());

const open = () => openDataStore({ dataDir, name: 'accounts', schema: accountsSchema, defaults: empty });
const filePath = () => join(dataDir, 'accounts.json');

describe('openDataStore()', () => {
  it('starts from the defaults without writing anything', async () => {
    const store = await open();
    expect(store.get()).toEqual(empty);
    expect(await readdir(dataDir)).toEqual([]);
  });

  it('persists what is set, as a plain JSON object in conf/electron-store format', async () => {
    const store = await open();
    await store.set({ accounts: [{ name: 'work', provider: 'oauth2' }] });
    const text = await readFile(filePath(), 'utf8');
    expect(JSON.parse(text)).toEqual({ accounts: [{ name: 'work', provider: 'oauth2' }] });
    expect(text).toBe(JSON.stringify({ accounts: [{ name: 'work', provider: 'oauth2' }] }, undefined, '\t'));
    expect((await open()).get()).toEqual({ accounts: [{ name: 'work', provider: 'oauth2' }] });
  });

  it('creates the directory 0700 and the file 0600', async () => {
    const store = await open();
    await store.set({ accounts: [] });
    expect(await modeOf(dataDir)).toBe(0o700);
    expect(await modeOf(filePath())).toBe(0o600);
  });

  it('serializes concurrent updates so none is lost', async () => {
    const store = await open();
    await Promise.all(
      Array.from({ length: 10 }, (_, i) => store.update((current) => ({ accounts: [...current.accounts, { name: `a${i}`, provider: 'p' }] }))),
    );
    expect((await open()).get().accounts.map((a) => a.name)).toEqual(Array.from({ length: 10 }, (_, i) => `a${i}`));
  });

  it('hands out a frozen value, so it can only change through set()', async () => {
    const store = await open();
    await store.set({ accounts: [{ name: 'work', provider: 'p' }] });
    expect(Object.isFrozen(store.get().accounts[0])).toBe(true);
  });

  it('refuses to write a value that does not match the schema with code invalid_argument', async () => {
    const store = await open();
    expect(await rejectionCode(store.set({ accounts: [{ name: '', provider: 'p' }] }))).toBe('invalid_argument');
    expect(store.get()).toEqual(empty);
  });

  const damaged: Array<[string, string]> = [
    ['truncated JSON', '{"accounts":[{"name":"wo'],
    ['JSON null', 'null'],
    ['a JSON number', '42'],
    ['a JSON string', '"accounts"'],
    ['a JSON array', '[]'],
    ['a shape the schema refuses', '{"accounts":"work"}'],
    ['an empty file', ''],
  ];
  for (const [what, content] of damaged) {
    it(`reports ${what} with code damaged_file and leaves the file unchanged`, async () => {
      await open();
      await writeFile(filePath(), content);
      expect(await rejectionCode(open())).toBe('damaged_file');
      expect(await readFile(filePath(), 'utf8')).toBe(content);
    });
  }

  it('names the file in a damaged_file message without quoting its content', async () => {
    await open();
    await writeFile(filePath(), '{"accounts": SECRET-ISH-CONTENT');
    const failure = await open().catch((error: unknown) => error);
    expect(isVaultError(failure, 'damaged_file')).toBe(true);
    expect((failure as Error).message).toContain(filePath());
    expect((failure as Error).message).not.toContain('SECRET-ISH');
  });
});

describe('format versions', () => {
  const versioned = z.strictObject({ version: z.literal(1), names: z.array(z.string()) });

  it('refuses a file written by a newer format with code unsupported_version, leaving it untouched', async () => {
    const newer = '{"version":2,"names":["a"],"somethingNew":true}\n';
    await open(); // creates the directory
    await writeFile(join(dataDir, 'names.json'), newer);
    const opening = openDataStore({ dataDir, name: 'names', schema: versioned, defaults: { version: 1, names: [] } });
    expect(await rejectionCode(opening)).toBe('unsupported_version');
    await expect(opening).rejects.toThrow(/newer Tokenry \(format 2; this one reads up to 1\)/);
    expect(await readFile(join(dataDir, 'names.json'), 'utf8')).toBe(newer);
  });

  it('reads its own version as before', async () => {
    await open();
    await writeFile(join(dataDir, 'names.json'), '{"version":1,"names":["a"]}\n');
    const store = await openDataStore({ dataDir, name: 'names', schema: versioned, defaults: { version: 1, names: [] } });
    expect(store.get()).toEqual({ version: 1, names: ['a'] });
  });
});

describe('openConfDataStore()', () => {
  const newConf = () => new Conf<Record<string, unknown>>({ ...STRICT_CONF_OPTIONS, cwd: root, configName: 'settings' });

  it('works over a conf instance the way the desktop shell passes electron-store', async () => {
    const store = openConfDataStore(newConf, accountsSchema, empty);
    await store.set({ accounts: [{ name: 'x', provider: 'p' }] });
    expect(JSON.parse(await readFile(join(root, 'settings.json'), 'utf8'))).toEqual({ accounts: [{ name: 'x', provider: 'p' }] });
    expect(await modeOf(join(root, 'settings.json'))).toBe(0o600);
  });

  it('reports a file that does not match the schema with code damaged_file', async () => {
    await writeFile(join(root, 'settings.json'), '{"accounts":1}');
    expect(thrownCode(() => openConfDataStore(newConf, accountsSchema, empty))).toBe('damaged_file');
    expect(await readFile(join(root, 'settings.json'), 'utf8')).toBe('{"accounts":1}');
  });

  it('reports a file the conf constructor cannot parse with code damaged_file', async () => {
    await writeFile(join(root, 'settings.json'), 'null');
    expect(thrownCode(() => openConfDataStore(newConf, accountsSchema, empty))).toBe('damaged_file');
    expect(await readFile(join(root, 'settings.json'), 'utf8')).toBe('null');
  });
});
