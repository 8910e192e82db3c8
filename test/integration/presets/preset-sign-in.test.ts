// Each everyday service's preset signs in against its emulator with every flow it supports (the browser with code +
// PKCE, a code on another device) and renews: the whole stored record and the identity the account view shows.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SignInProgress } from '../../../shared/accounts.js';
import { readTokenRecord, tokenEntry, VAULT_SERVICE } from '../../../electron/core/accounts/account-store.js';
import type { TokenRecord } from '../../../electron/core/grants/token-record.js';
import { deferred, type Deferred } from '../../fixtures/deferred.js';
import { FakeClock } from '../../fixtures/fake-clock.js';
import type { InteractiveHandle } from '../../fixtures/emulators/interactive-provider.js';
import { openTestService, pollingDeps, value, type OpenedService } from '../flows/support.js';
import { PRESET_CASES, type PresetCase } from './support.js';

type DeviceProgress = Extract<SignInProgress, { kind: 'device' }>;

let clock: FakeClock;
let nextWait: () => Promise<number>;
let opened: OpenedService;
let emulator: InteractiveHandle;
let asked: Deferred<string>;
let shown: Deferred<DeviceProgress>;

async function setUp(preset: PresetCase): Promise<void> {
  clock = new FakeClock(Date.UTC(2026, 10, 27, 9, 0, 0));
  const polling = pollingDeps(clock);
  nextWait = polling.nextWait;
  asked = deferred<string>();
  shown = deferred<DeviceProgress>();
  emulator = await preset.start({ clock: () => clock.now() });
  opened = await openTestService({ clock, grantDeps: polling.deps, openExternal: async (url) => asked.resolve(url) });
  opened.service.onSignInProgress((_name, p) => {
    if (p.kind === 'device') shown.resolve(p);
  });
  value(
    await opened.service.addAccount({
      name: preset.id,
      provider: preset.id,
      overrides: preset.overrides(emulator.baseUrl),
      clientId: preset.clientId,
      ...(preset.clientSecret === undefined ? {} : { clientSecret: preset.clientSecret }),
    }),
  );
}

afterEach(async () => {
  await opened?.close();
  await emulator?.close();
});

async function storedRecord(name: string): Promise<TokenRecord | null> {
  const stored = readTokenRecord(await opened.vault.getPassword(VAULT_SERVICE, tokenEntry(name)));
  return stored.kind === 'ok' ? stored.record : null;
}

/** The record the last token answer should have become, to the field. */
function expectedRecord(preset: PresetCase, refresh: boolean): TokenRecord {
  const now = clock.now();
  return {
    accessToken: emulator.issued.accessTokens.at(-1) ?? 'none issued',
    tokenType: 'Bearer',
    issuedAt: now,
    expiresAt: preset.lifetime === null ? null : now + preset.lifetime * 1000,
    expirySource: preset.lifetime === null ? 'unknown' : 'expires_in',
    refreshToken: refresh ? (emulator.issued.refreshTokens.at(-1) ?? 'none issued') : null,
    refreshExpiresAt: refresh && preset.refreshLifetime !== null ? now + preset.refreshLifetime * 1000 : null,
    grantedScope: preset.grantedScope,
    requestedScope: preset.requestedScope,
    extra: Object.fromEntries(preset.extraFields.map((f) => [f, expect.anything()])),
  };
}

async function signInWithBrowser(preset: PresetCase): Promise<void> {
  const signIn = opened.service.signIn(preset.id, { flow: 'browser' });
  const status = await emulator.follow(await asked.promise);
  expect(status).toBe(200);
  value(await signIn);
}

async function signInWithDevice(preset: PresetCase): Promise<DeviceProgress> {
  const signIn = opened.service.signIn(preset.id, { flow: 'device' });
  const codes = await shown.promise;
  // The person has not said yes yet: the first poll is answered authorization_pending, and polling goes on.
  expect(await nextWait()).toBe(5000);
  const again = nextWait();
  await clock.advance(5000);
  expect(await again).toBe(5000);
  emulator.approveDevice(codes.userCode);
  await clock.advance(5000);
  value(await signIn);
  return codes;
}

describe.each(PRESET_CASES.map((p) => [p.id, p] as const))('the %s preset against its emulator', (_id, preset) => {
  beforeEach(() => setUp(preset));

  it('signs in with the browser (code + PKCE): the whole record is stored and the account says who signed in', async () => {
    await signInWithBrowser(preset);
    expect(await storedRecord(preset.id)).toEqual(expectedRecord(preset, preset.refresh.browser));
    const view = value(opened.service.account(preset.id));
    expect([view.identity, view.state.kind, view.signInFlows]).toEqual([preset.identity, 'valid', ['browser', 'device']]);
    const exchange = emulator.requests.find((r) => r.reachedTokenEndpoint);
    expect(new URLSearchParams(exchange?.body).get('code_verifier')?.length).toBe(43);
  });

  it('signs in with a code on another device, polling while the person has not said yes', async () => {
    const codes = await signInWithDevice(preset);
    expect(codes.verificationUri.startsWith(emulator.baseUrl)).toBe(true);
    expect(await storedRecord(preset.id)).toEqual(expectedRecord(preset, preset.refresh.device));
    expect(value(opened.service.account(preset.id)).identity).toEqual(preset.identity);
  });

  it('renews with its refresh token and keeps who signed in', async () => {
    await signInWithBrowser(preset);
    const first = await storedRecord(preset.id);
    await clock.advance(60_000);
    value(await opened.service.refresh(preset.id));
    const renewed = await storedRecord(preset.id);
    expect(renewed?.accessToken).toBe(emulator.issued.accessTokens.at(-1));
    expect(renewed?.accessToken).not.toBe(first?.accessToken);
    expect(value(opened.service.account(preset.id)).identity).toEqual(preset.identity);
  });
});
