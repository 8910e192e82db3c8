// A token whose server states no lifetime (no expires_in, no JWT exp: GitHub OAuth apps, older self-managed GitLab):
// without an assumed lifetime it is shown as "no stated expiry" and renewed only when a caller's min_valid asks for
// a younger one or the provider refuses it; with one, it expires then and is renewed like any other.
import { afterEach, describe, expect, it } from 'vitest';
import { deferred, type Deferred } from '../../fixtures/deferred.js';
import { FakeClock } from '../../fixtures/fake-clock.js';
import { startGitlab } from '../../fixtures/emulators/gitlab.js';
import type { InteractiveHandle } from '../../fixtures/emulators/interactive-provider.js';
import { openTestService, pollingDeps, value, type OpenedService } from '../flows/support.js';
import { PRESET_CASES, type PresetCase } from './support.js';

const gitlab = PRESET_CASES.find((p) => p.id === 'gitlab') as PresetCase;
let clock: FakeClock;
let opened: OpenedService;
let emulator: InteractiveHandle;
let asked: Deferred<string>;

/** A GitLab whose tokens state no lifetime but come with a refresh token, signed in with the browser, renewal timers running. */
async function signedIn(overrides: Record<string, unknown> = {}): Promise<void> {
  clock = new FakeClock(Date.UTC(2026, 10, 27, 9, 0, 0));
  asked = deferred<string>();
  emulator = await startGitlab({ clock: () => clock.now(), knobs: { statesLifetime: false } });
  opened = await openTestService({ background: true, clock, grantDeps: pollingDeps(clock).deps, openExternal: async (url) => asked.resolve(url) });
  value(await opened.service.addAccount({ name: 'gl', provider: 'gitlab', overrides: { ...gitlab.overrides(emulator.baseUrl), ...overrides }, clientId: gitlab.clientId }));
  const signIn = opened.service.signIn('gl', { flow: 'browser' });
  await emulator.follow(await asked.promise);
  value(await signIn);
}

afterEach(async () => {
  await opened?.close();
  await emulator?.close();
});

const refreshes = (): number => emulator.requests.filter((r) => r.reachedTokenEndpoint && new URLSearchParams(r.body).get('grant_type') === 'refresh_token').length;

describe('a token with no stated expiry', () => {
  it('is shown as such and nothing renews it ahead of time, however long it is held', async () => {
    await signedIn();
    const view = value(opened.service.account('gl'));
    expect([view.expiresAt, view.expirySource, view.hasRefreshToken, view.state.kind]).toEqual([null, 'unknown', true, 'valid']);
    await clock.advance(30 * 86_400_000);
    expect(refreshes()).toBe(0);
    expect(value(await opened.service.token('gl')).access_token).toBe(emulator.issued.accessTokens[0]);
  });

  it('is renewed when a caller asks for min_valid longer than its age, and then not again until it is that old', async () => {
    await signedIn();
    await clock.advance(120_000);
    const token = value(await opened.service.token('gl', { minValidSeconds: 60 }));
    expect([refreshes(), token.access_token, token.expires_at]).toEqual([1, emulator.issued.accessTokens[1], null]);
    await clock.advance(30_000);
    expect(value(await opened.service.token('gl', { minValidSeconds: 60 })).access_token).toBe(emulator.issued.accessTokens[1]);
    expect(refreshes()).toBe(1);
  });

  it('with an assumed lifetime, expires then and is renewed ahead of it like any other', async () => {
    await signedIn({ assumeLifetimeSeconds: 3600 });
    const view = value(opened.service.account('gl'));
    expect([view.expiresAt, view.expirySource, view.settings.assumeLifetimeSeconds]).toEqual([clock.now() + 3_600_000, 'assumed', 3600]);
    const firstExpiry = view.expiresAt ?? 0;
    // Renewed before the assumed expiry (the engine's lead time), and the new token is assumed to last as long. The
    // clock goes only as far as the renewal timer: further, and it would run out the real request's timeout too.
    const renewalAt = clock.nextTimerAt() ?? Number.POSITIVE_INFINITY;
    expect(renewalAt < firstExpiry).toBe(true);
    await clock.advance(renewalAt - clock.now());
    // token() joins the renewal in flight (single flight): the account is read once it has landed.
    value(await opened.service.token('gl'));
    const renewed = value(opened.service.account('gl'));
    expect([refreshes() > 0, (renewed.expiresAt ?? 0) > firstExpiry, renewed.expirySource]).toEqual([true, true, 'assumed']);
  });
});
