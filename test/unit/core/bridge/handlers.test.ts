// Specifies the handlers' account reads: the list carries what its rows show, one account is read whole.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openAppCore, type AppCore } from '../../../../electron/core/bridge/app-core.js';
import { passphraseProtector, TEST_SCRYPT } from '../../../../electron/core/vault/protectors/passphrase.js';
import { accountListItemSchema } from '../../../../shared/ipc.js';
import { SUGARCRM_DEFAULTS, startSugarCrm } from '../../../fixtures/emulators/index.js';
import { makeTempDir } from '../vault/vault-test-helpers.js';

let dataDir: string;
let cleanup: () => Promise<void>;
let core: AppCore;
beforeEach(async () => {
  ({ dir: dataDir, cleanup } = await makeTempDir());
  core = await openAppCore({
    dataDir,
    protector: passphraseProtector('handlers test passphrase', { scrypt: TEST_SCRYPT }),
    purpose: 'handlers test',
    copyToClipboard: async () => null,
    loopbackPort: null,
  });
  const added = await core.handlers['accounts:add']({ name: 'appx', provider: 'applixure', overrides: { baseUrl: 'https://a.example.test' }, clientId: 'c', clientSecret: 's' });
  if (!added.ok) throw new Error(added.error.message);
});
afterEach(async () => {
  await core.close();
  await cleanup();
});

describe("the handlers' account reads", () => {
  it('accounts:list carries only the fields a row shows, exactly those of its schema', async () => {
    const listed = await core.handlers['accounts:list']();
    if (!listed.ok) throw new Error(listed.error.message);
    expect(listed.value.map((item) => Object.keys(item).sort())).toEqual([Object.keys(accountListItemSchema.shape).sort()]);
  });

  it('accounts:list agrees with accounts:get on every field it carries', async () => {
    const [listed, got] = await Promise.all([core.handlers['accounts:list'](), core.handlers['accounts:get']('appx')]);
    if (!listed.ok || !got.ok) throw new Error('read failed');
    expect(got.value).toMatchObject(listed.value[0] ?? {});
    expect(got.value.settings.baseUrl).toBe('https://a.example.test');
  });

  it('accounts:list agrees with accounts:get for a signed-in account, identity from its token included', async () => {
    const sugar = await startSugarCrm();
    try {
      const added = await core.handlers['accounts:add']({ name: 'sugar', provider: 'sugarcrm', overrides: { baseUrl: sugar.baseUrl } });
      if (!added.ok) throw new Error(added.error.message);
      const signed = await core.handlers['accounts:sign-in']('sugar', { username: SUGARCRM_DEFAULTS.username, password: SUGARCRM_DEFAULTS.password });
      if (!signed.ok) throw new Error(signed.error.message);
      const [listed, got] = await Promise.all([core.handlers['accounts:list'](), core.handlers['accounts:get']('sugar')]);
      if (!listed.ok || !got.ok) throw new Error('read failed');
      const item = listed.value.find((a) => a.name === 'sugar');
      expect(item?.issuedAt).not.toBeNull();
      expect(got.value).toMatchObject(item ?? { missing: true });
    } finally {
      await sugar.close();
    }
  });

  it('accounts:get of a name no account has is not_found', async () => {
    expect(await core.handlers['accounts:get']('nobody')).toMatchObject({ ok: false, error: { kind: 'not_found', code: 'not_found' } });
  });
});
