// Specification of the non-secret data store: conf's JSON format, validated with zod, 0600/0700, damage never reset.
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import Conf from 'conf';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { openConfDataStore, openDataStore, STRICT_CONF_OPTIONS } from '../../../../electron/core/vault/data-store.js';
import { isVaultError } from '../../../../electron/core/vault/vault-error.js';
import { makeTempDir, modeOf, rejectionCode } from './vault-test-helpers.js';
import { randomBytes } from 'node:crypto';
import { VaultError } from '../../../../electron/core/vault/vault-error.js';

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
    const store = await openConfDataStore(newConf, { dataDir: root, name: 'settings', schema: accountsSchema, defaults: empty });
    await store.set({ accounts: [{ name: 'x', provider: 'p' }] });
    expect(JSON.parse(await readFile(join(root, 'settings.json'), 'utf8'))).toEqual({ accounts: [{ name: 'x', provider: 'p' }] });
    expect(await modeOf(join(root, 'settings.json'))).toBe(0o600);
  });

  it('reports a file that does not match the schema with code damaged_file', async () => {
    await writeFile(join(root, 'settings.json'), '{"accounts":1}');
    expect(await rejectionCode(openConfDataStore(newConf, { dataDir: root, name: 'settings', schema: accountsSchema, defaults: empty }))).toBe('damaged_file');
    expect(await readFile(join(root, 'settings.json'), 'utf8')).toBe('{"accounts":1}');
  });

  it('reports a file the conf constructor cannot parse with code damaged_file', async () => {
    await writeFile(join(root, 'settings.json'), 'null');
    expect(await rejectionCode(openConfDataStore(newConf, { dataDir: root, name: 'settings', schema: accountsSchema, defaults: empty }))).toBe('damaged_file');
    expect(await readFile(join(root, 'settings.json'), 'utf8')).toBe('null');
  });
});

describe('writes that must not happen (issue 12, item 1)', () => {
  it('refuses with changed_on_disk to write over a file changed since it was read, and leaves that file as it is', async () => {
    const store = await open();
    await store.set({ accounts: [{ name: 'work', provider: 'oauth2' }] });
    // Another process adds a client or an account behind this store's back.
    const theirs = await open();
    await theirs.set({ accounts: [{ name: 'work', provider: 'oauth2' }, { name: 'new', provider: 'oauth2' }] });
    const their = await readFile(filePath(), 'utf8');
    expect(await rejectionCode(store.update((c) => ({ accounts: c.accounts.filter((a) => a.name !== 'work') })))).toBe('changed_on_disk');
    expect(await readFile(filePath(), 'utf8')).toBe(their);
  });

  it('refuses with changed_on_disk when the file appeared after the store found none', async () => {
    const store = await open();
    await writeFile(filePath(), JSON.stringify({ accounts: [{ name: 'planted', provider: 'x' }] }));
    expect(await rejectionCode(store.set({ accounts: [] }))).toBe('changed_on_disk');
  });

  it('asks the guard before every write and writes nothing once it refuses', async () => {
    let owned = true;
    const check = (): void => {
      if (!owned) throw new VaultError('lock_lost', 'lost');
    };
    const guard = { verify: async () => check(), verifySync: check };
    const store = await openDataStore({ dataDir, name: 'accounts', schema: accountsSchema, defaults: empty, guard });
    await store.set({ accounts: [{ name: 'a', provider: 'p' }] });
    owned = false;
    const before = await readFile(filePath(), 'utf8');
    expect(await rejectionCode(store.set({ accounts: [] }))).toBe('lock_lost');
    expect(await readFile(filePath(), 'utf8')).toBe(before);
    expect(store.get().accounts).toHaveLength(1);
  });
});

describe('authenticated data files (issue 12, item 4)', () => {
  const key = randomBytes(32);
  const openMac = (macKey = key) => openDataStore({ dataDir, name: 'accounts', schema: accountsSchema, defaults: empty, macKey });

  it('writes a mac beside the content and reads the file back', async () => {
    const store = await openMac();
    await store.set({ accounts: [{ name: 'work', provider: 'oauth2' }] });
    const onDisk = JSON.parse(await readFile(filePath(), 'utf8')) as { mac?: string };
    expect(onDisk.mac).toMatch(/^[0-9a-f]{64}$/);
    expect((await openMac()).get()).toEqual({ accounts: [{ name: 'work', provider: 'oauth2' }] });
  });

  it('refuses a file without a mac (planted, or from an older Tokenry) with unauthenticated_file naming the file and the command', async () => {
    await mkdir(dataDir, { recursive: true });
    await writeFile(filePath(), JSON.stringify({ accounts: [{ name: 'planted', provider: 'oauth2' }] }));
    const failure = await openMac().catch((error: unknown) => error);
    expect(isVaultError(failure, 'unauthenticated_file')).toBe(true);
    expect((failure as Error).message).toContain(filePath());
    expect((failure as Error).message).toContain('tokenry files accept accounts.json');
  });

  it('refuses a file whose content was changed, keeping its mac, and leaves it as it is', async () => {
    const store = await openMac();
    await store.set({ accounts: [{ name: 'work', provider: 'oauth2' }] });
    const text = (await readFile(filePath(), 'utf8')).replace('"work"', '"wörk"');
    await writeFile(filePath(), text);
    expect(await rejectionCode(openMac())).toBe('unauthenticated_file');
    expect(await readFile(filePath(), 'utf8')).toBe(text);
  });

  it('refuses a file authenticated under another vault\'s key', async () => {
    await (await openMac(randomBytes(32))).set({ accounts: [{ name: 'work', provider: 'oauth2' }] });
    expect(await rejectionCode(openMac())).toBe('unauthenticated_file');
  });

  it('refuses one data file\'s content (with its mac) copied over another\'s', async () => {
    await (await openDataStore({ dataDir, name: 'other', schema: accountsSchema, defaults: empty, macKey: key })).set({ accounts: [{ name: 'x', provider: 'p' }] });
    await writeFile(filePath(), await readFile(join(dataDir, 'other.json')));
    expect(await rejectionCode(openMac())).toBe('unauthenticated_file');
  });

  it('accepts the same content laid out differently (the mac is over canonical JSON)', async () => {
    await (await openMac()).set({ accounts: [{ name: 'work', provider: 'oauth2' }] });
    const parsed = JSON.parse(await readFile(filePath(), 'utf8')) as Record<string, unknown>;
    await writeFile(filePath(), JSON.stringify({ mac: parsed['mac'], accounts: [{ provider: 'oauth2', name: 'work' }] }));
    expect((await openMac()).get()).toEqual({ accounts: [{ name: 'work', provider: 'oauth2' }] });
  });
});

describe('missing files (issue 12, item 5)', () => {
  it("ifMissing 'error' refuses a missing file with missing_file, saying what to do, and creates nothing", async () => {
    const failure = await openDataStore({ dataDir, name: 'accounts', schema: accountsSchema, defaults: empty, ifMissing: 'error' }).catch((e: unknown) => e);
    expect(isVaultError(failure, 'missing_file')).toBe(true);
    expect((failure as Error).message).toContain('tokenry files accept accounts.json');
    expect(await readdir(dataDir)).toEqual([]);
  });

  it("ifMissing 'create' writes the defaults at once", async () => {
    await openDataStore({ dataDir, name: 'accounts', schema: accountsSchema, defaults: empty, ifMissing: 'create', macKey: randomBytes(32) });
    expect(JSON.parse(await readFile(filePath(), 'utf8'))).toMatchObject({ accounts: [] });
  });
});
