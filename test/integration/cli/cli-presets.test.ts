// `tokenry account add --provider github|google|microsoft|gitlab|keycloak|auth0|okta` and `tokenry login` against each
// service's emulator, as a real subprocess: the browser flow for every preset (the URL printed on stderr, followed as
// the system browser would), the device flow where the code is shown, and tokens that state no lifetime.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { InteractiveHandle, InteractiveKnobs } from '../../fixtures/emulators/interactive-provider.js';
import { PRESET_CASES, type PresetCase } from '../presets/support.js';
import { expectNoLeaks, expectSuccess, live, makeSandbox, runLive, type CliSandbox } from './cli-harness.js';

let box: CliSandbox;
const emulators: InteractiveHandle[] = [];
const secrets: string[] = [];
const accessTokens: string[] = [];

beforeAll(async () => {
  box = await makeSandbox('tokenry-cli-presets-');
});
afterEach(() => {
  for (const child of live) child.kill('SIGKILL');
});
afterAll(async () => {
  await Promise.all(emulators.map((e) => e.close()));
  await box?.cleanup();
});

async function addAccount(preset: PresetCase, name: string, knobs: Partial<InteractiveKnobs> = {}, extra: string[] = []): Promise<InteractiveHandle> {
  const emulator = await preset.start({ knobs });
  emulators.push(emulator);
  const secret = preset.clientSecret;
  if (secret !== undefined) secrets.push(secret);
  const add = await box.run(
    ['account', 'add', name, '--provider', preset.id, '--client-id', preset.clientId, ...preset.flags(emulator.baseUrl), ...(secret === undefined ? [] : ['--client-secret-stdin']), ...extra],
    secret === undefined ? {} : { input: secret },
  );
  expectSuccess(add);
  return emulator;
}

/** `tokenry login NAME --no-browser`: the URL on its own line, followed as the browser would; exit 0. */
async function loginWithBrowser(name: string, emulator: InteractiveHandle): Promise<string> {
  const login = runLive(box, ['login', name, '--no-browser']);
  const url = await login.line(new RegExp(`^${emulator.baseUrl.replaceAll('.', '\\.')}/`));
  expect(await emulator.follow(url)).toBe(200);
  const run = await login.done;
  expect(run.code, run.stderr).toBe(0);
  return run.stdout;
}

describe.each(PRESET_CASES.map((p) => [p.id, p] as const))('tokenry with the %s preset', (_id, preset) => {
  it('adds the account, signs in with the browser, shows who signed in and hands out the token', async () => {
    const name = `${preset.id}-cli`;
    const emulator = await addAccount(preset, name);
    expect(await loginWithBrowser(name, emulator)).toMatch(new RegExp(`^Signed in to ${name}; token expires `));
    const show = await box.run(['account', 'show', name]);
    expectSuccess(show);
    const identity = preset.identity;
    expect(show.stdout).toContain(`signed in as:    ${identity.name ?? ''} <${identity.email ?? ''}> #${identity.id ?? ''}`);
    const token = await box.run(['token', name]);
    expectSuccess(token);
    expect(token.stdout.trim()).toBe(emulator.issued.accessTokens.at(-1));
    accessTokens.push(token.stdout.trim());
  }, 90_000);
});

describe('tokenry login --device', () => {
  it.each(PRESET_CASES.filter((p) => p.id === 'github' || p.id === 'microsoft').map((p) => [p.id, p] as const))(
    '%s: shows where to go and the code (and Microsoft\'s own message), then signs in once the person has said yes',
    async (_id, preset) => {
      const name = `${preset.id}-device`;
      const emulator = await addAccount(preset, name, { autoApproveDevices: true });
      const login = runLive(box, ['login', name, '--device']);
      const code = await login.line(/^[0-9A-F]{4}-[0-9A-F]{4}$/);
      const run = await login.done;
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toContain(`To sign in to ${name}, open ${emulator.baseUrl}/`);
      if (preset.id === 'microsoft') expect(run.stderr).toContain(`enter the code ${code} to authenticate.`);
      expect(emulator.issued.accessTokens).toHaveLength(1);
    },
    90_000,
  );
});

describe('a token that states no lifetime (a GitHub OAuth app)', () => {
  const github = PRESET_CASES.find((p) => p.id === 'github') as PresetCase;
  const oauthApp: Partial<InteractiveKnobs> = { statesLifetime: false, issueRefreshTokens: false };

  it('is shown as having no stated expiry', async () => {
    const emulator = await addAccount(github, 'gh-oauth', oauthApp);
    expect(await loginWithBrowser('gh-oauth', emulator)).toBe('Signed in to gh-oauth; token has no stated expiry.\n');
    const show = await box.run(['account', 'show', 'gh-oauth']);
    expect(show.stdout).toContain('expires:         no stated expiry\n');
    expect((await box.readRecord('gh-oauth'))?.expirySource).toBe('unknown');
  }, 90_000);

  it('lasts what --assume-lifetime says', async () => {
    const emulator = await addAccount(github, 'gh-assumed', oauthApp, ['--assume-lifetime', '3600']);
    expect(await loginWithBrowser('gh-assumed', emulator)).toMatch(/^Signed in to gh-assumed; token expires .*\(in 59m\d+s\)\.\n$|^Signed in to gh-assumed; token expires .*\(in 1h0m\)\.\n$/);
    const show = await box.run(['account', 'show', 'gh-assumed']);
    expect(show.stdout).toContain('(assumed: the server stated no lifetime)');
    const record = await box.readRecord('gh-assumed');
    expect([record?.expirySource, (record?.expiresAt ?? 0) - (record?.issuedAt ?? 0)]).toEqual(['assumed', 3_600_000]);
  }, 90_000);

  it('refuses an --assume-lifetime that is not a whole number of seconds from 60 to a year', async () => {
    const run = await box.run(['account', 'add', 'gh-bad', '--provider', 'github', '--client-id', 'x', '--assume-lifetime', '10']);
    expect([run.code, run.stderr]).toEqual([2, expect.stringContaining('--assume-lifetime needs a whole number of seconds from 60 to 31536000')]);
  });
});

describe('what the CLI printed', () => {
  it('never shows a client secret, nor an access token but on the stdout of `tokenry token`', () => {
    expectNoLeaks(box.transcript, secrets, accessTokens);
  });
});
