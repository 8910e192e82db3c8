// Specifies the flow strategies: which one signs an account in, which can renew it unattended, what each needs.
import { describe, expect, it } from 'vitest';
import type { Account } from '../../../../electron/core/accounts/account-store.js';
import { browserFlow, clientCredentialsFlow, deviceFlow, FLOWS, passwordFlow, refreshFlow, renewalFlows, signInFlow, signInFlowIds, type FlowFacts, type FlowRun } from '../../../../electron/core/flows/index.js';
import { GrantError } from '../../../../electron/core/grants/grant-error.js';
import type { TokenRecord } from '../../../../electron/core/grants/token-record.js';
import type { GrantInput } from '../../../../electron/core/grants/token-request.js';
import { resolveProfile } from '../../../../electron/core/providers/resolve-profile.js';
import { testAccount, testRecord } from '../../../fixtures/accounts.js';

const account = (patch: Partial<Account> = {}): Account =>
  testAccount({ name: 'a', overrides: { baseUrl: 'https://id.example.test' }, clientId: 'client', hasClientSecret: true, ...patch });

const record = (refreshToken: string | null): TokenRecord => testRecord({ refreshToken });

function facts(provider: string, patch: Partial<Account> = {}, rec: TokenRecord | null = null): FlowFacts {
  const a = account({ provider, ...patch });
  return { account: a, profile: resolveProfile(a.provider, a.overrides), record: rec };
}

const chosen = (f: FlowFacts, input: Parameters<typeof signInFlow>[1]): string => {
  const result = signInFlow(f, input);
  if (!result.ok) throw new Error(result.error.code);
  return result.value.id;
};

describe('signInFlow()', () => {
  it('takes the password flow when the person typed credentials and the profile offers it', () => {
    expect(chosen(facts('oauth2'), { username: 'u', password: 'p' })).toBe('password');
  });

  it('takes client_credentials when nothing was typed and the profile offers a flow that needs nothing', () => {
    expect(chosen(facts('oauth2'), {})).toBe('client_credentials');
    expect(chosen(facts('applixure', { overrides: { baseUrl: 'https://a.example.test' } }), {})).toBe('client_credentials');
  });

  it('takes the password flow for a password-only profile even without input, so that it can say what is missing', () => {
    expect(chosen(facts('teamserver', { overrides: { baseUrl: 'https://t.example.test' } }), {})).toBe('password');
  });

  it('never signs in with a refresh token', () => {
    expect(refreshFlow.offersSignIn(facts('oauth2', {}, record('rt')))).toBe(false);
  });

  it('answers no_sign_in_flow when the profile offers none', () => {
    const f = facts('oauth2', { overrides: { baseUrl: 'https://id.example.test', grants: ['refresh_token'] } });
    const result = signInFlow(f, {});
    expect(result.ok ? result.value.id : result.error.code).toBe('no_sign_in_flow');
  });
});

describe('passwordFlow.prepare()', () => {
  it.each([
    [{}, 'needs a username and a password'],
    [{ username: 'u' }, 'needs a password.'],
    [{ password: 'p' }, 'needs a username.'],
  ])('refuses %j with missing_credentials naming what is missing', (input, text) => {
    const result = passwordFlow.prepare(facts('oauth2'), input);
    if (result.ok) throw new Error('expected an error');
    expect(result.error).toMatchObject({ code: 'missing_credentials', kind: 'invalid_input' });
    expect(result.error.message).toContain(text);
  });

  it('passes the one-time code along when one was typed', () => {
    expect(passwordFlow.prepare(facts('saasu'), { username: 'u', password: 'p', otp: '123456' })).toEqual({
      ok: true,
      value: { kind: 'grant', input: { grant: 'password', username: 'u', password: 'p', otp: '123456' } },
    });
  });
});

describe('renewalFlows()', () => {
  it('renews by refresh token first, while the account holds one', () => {
    expect(renewalFlows(facts('oauth2', { signInGrant: 'password' }, record('rt'))).map((f) => f.id)).toEqual(['refresh_token']);
  });

  it('renews a client_credentials account by a new grant when its refresh token is gone', () => {
    expect(renewalFlows(facts('oauth2', { signInGrant: 'client_credentials' }, record(null))).map((f) => f.id)).toEqual(['client_credentials']);
    expect(renewalFlows(facts('oauth2', { signInGrant: 'client_credentials' }, record('rt'))).map((f) => f.id)).toEqual([
      'refresh_token',
      'client_credentials',
    ]);
  });

  it('never renews a person\'s account with the client\'s own token', () => {
    expect(renewalFlows(facts('oauth2', { signInGrant: 'password' }, record(null)))).toEqual([]);
    expect(clientCredentialsFlow.canRenew(facts('oauth2', { signInGrant: undefined }, null))).toBe(false);
  });

  it('needs a client id for a client grant', () => {
    const f = facts('applixure', { overrides: { baseUrl: 'https://a.example.test' }, clientId: undefined }, null);
    expect(clientCredentialsFlow.canRenew(f)).toBe(false);
  });

  it('never renews by password: passwords are never stored', () => {
    expect(FLOWS.filter((f) => f.needs.length > 0).every((f) => !f.canRenew(facts('oauth2', { signInGrant: 'password' }, record('rt'))))).toBe(true);
  });
});

describe('the browser and device flows', () => {
  const endpoints = { authorizationUrl: 'https://id.example.test/authorize', deviceAuthorizationUrl: 'https://id.example.test/device' };
  const oidc = (patch: Partial<Account> = {}): FlowFacts =>
    facts('oidc', { overrides: { tokenUrl: 'https://id.example.test/token', ...endpoints }, hasClientSecret: false, ...patch });

  it('are offered once the profile has their endpoints: browser first, then the device code', () => {
    expect([signInFlowIds(oidc()), signInFlowIds(facts('oidc', { overrides: { tokenUrl: 'https://id.example.test/token' } }))]).toEqual([['browser', 'device'], []]);
  });

  it('sign in with the browser when nothing says otherwise', () => {
    expect(chosen(oidc(), {})).toBe('browser');
  });

  it('run the flow asked for', () => {
    expect(chosen(oidc(), { flow: 'device' })).toBe('device');
  });

  it('refuse a flow the account does not offer with flow_not_offered, naming the ones it does', () => {
    const result = signInFlow(oidc(), { flow: 'password' });
    expect(result.ok ? null : [result.error.code, result.error.message.includes('browser, device')]).toEqual(['flow_not_offered', true]);
  });

  it("keep an account that signed in with the client's own credentials on them", () => {
    const f = facts('oauth2', { overrides: { baseUrl: 'https://id.example.test', ...endpoints }, signInGrant: 'client_credentials' });
    expect(chosen(f, {})).toBe('client_credentials');
  });

  it('never renew: only the person can say yes', () => {
    expect([browserFlow.canRenew(oidc()), deviceFlow.canRenew(oidc())]).toEqual([false, false]);
  });

  it('need a client id, and say so before anything is sent', () => {
    const result = browserFlow.prepare(oidc({ clientId: undefined }), {});
    expect(result.ok ? null : result.error.code).toBe('missing_client_id');
  });

  it('wait 300 s for the person unless told otherwise, and open the browser unless told not to', () => {
    expect([browserFlow.prepare(oidc(), {}), deviceFlow.prepare(oidc(), { timeoutSeconds: 60 }), browserFlow.prepare(oidc(), { openBrowser: false })]).toEqual([
      { ok: true, value: { kind: 'browser', openBrowser: true, timeoutMs: 300_000 } },
      { ok: true, value: { kind: 'device', timeoutMs: 60_000 } },
      { ok: true, value: { kind: 'browser', openBrowser: false, timeoutMs: 300_000 } },
    ]);
  });
});

describe('an account signed out on purpose', () => {
  it('is not renewed by its client credentials until it signs in again', () => {
    const f = facts('applixure', { overrides: { baseUrl: 'https://a.example.test' }, signInGrant: 'client_credentials', signedOut: true });
    expect(renewalFlows(f)).toEqual([]);
  });
});

describe('signInFlow() on what was typed', () => {
  it('takes the password flow when only a one-time code was typed, so that it can say what else is missing', () => {
    expect(chosen(facts('oauth2'), { otp: '123456' })).toBe('password');
  });

  it('takes the password flow when only a user name was typed', () => {
    expect(chosen(facts('oauth2'), { username: 'u' })).toBe('password');
  });

  it('takes the only flow a client_credentials profile offers even when something was typed', () => {
    expect(chosen(facts('applixure', { overrides: { baseUrl: 'https://a.example.test' } }), { username: 'u', password: 'p' })).toBe('client_credentials');
  });

  it('names the profile when it offers no way to sign in', () => {
    const f = facts('oauth2', { overrides: { baseUrl: 'https://id.example.test', grants: ['refresh_token'] } });
    const result = signInFlow(f, {});
    expect(result.ok ? null : result.error).toEqual({
      code: 'no_sign_in_flow',
      kind: 'config',
      message: `${f.profile.label} offers no way to sign in that Tokenry supports.`,
    });
  });

  it('falls back to the first flow offered when none fits what was typed', () => {
    const result = signInFlow(facts('oauth2'), {}, [passwordFlow]);
    expect(result.ok ? result.value.id : result.error.code).toBe('password');
  });
});

describe('passwordFlow.prepare() on what was typed', () => {
  it('leaves out an empty one-time code', () => {
    expect(passwordFlow.prepare(facts('saasu'), { username: 'u', password: 'p', otp: '' })).toEqual({ ok: true, value: { kind: 'grant', input: { grant: 'password', username: 'u', password: 'p' } } });
  });

  it('refuses an empty user name as missing', () => {
    const result = passwordFlow.prepare(facts('oauth2'), { username: '', password: 'p' });
    expect(result.ok ? null : result.error.message).toBe(`Signing in to ${facts('oauth2').profile.label} needs a username.`);
  });

  it('names both missing fields joined by "and a"', () => {
    const result = passwordFlow.prepare(facts('oauth2'), {});
    expect(result.ok ? null : result.error.message).toBe(`Signing in to ${facts('oauth2').profile.label} needs a username and a password.`);
  });

  it('is offered by a profile with the password grant only', () => {
    expect([passwordFlow.offersSignIn(facts('oauth2')), passwordFlow.offersSignIn(facts('applixure', { overrides: { baseUrl: 'https://a.example.test' } }))]).toEqual([true, false]);
  });
});

describe('refreshFlow', () => {
  it('prepares a refresh_token grant with the record\'s refresh token', () => {
    expect(refreshFlow.prepare(facts('oauth2', {}, record('rt-1')), {})).toEqual({ ok: true, value: { kind: 'grant', input: { grant: 'refresh_token', refreshToken: 'rt-1' } } });
  });

  it('asks for sign-in when the record holds no refresh token', () => {
    expect(refreshFlow.prepare(facts('oauth2', {}, record(null)), {})).toEqual({
      ok: false,
      error: { code: 'needs_sign_in', kind: 'needs_sign_in', message: 'There is no refresh token to renew with.' },
    });
  });

  it('cannot renew without a record, or where the profile has no refresh_token grant', () => {
    const noRefreshGrant = facts('applixure', { overrides: { baseUrl: 'https://a.example.test' } }, record('rt'));
    expect([refreshFlow.canRenew(facts('oauth2', {}, null)), refreshFlow.canRenew(noRefreshGrant)]).toEqual([false, false]);
  });
});

describe('clientCredentialsFlow', () => {
  it('prepares a client_credentials grant, asking nothing of the person', () => {
    expect(clientCredentialsFlow.prepare(facts('oauth2'), {})).toEqual({ ok: true, value: { kind: 'grant', input: { grant: 'client_credentials' } } });
  });

  it('renews an account of a profile that can sign in no other way, even when it never said how it signed in', () => {
    expect(clientCredentialsFlow.canRenew(facts('applixure', { overrides: { baseUrl: 'https://a.example.test' }, signInGrant: undefined }, null))).toBe(true);
  });

  it('is not offered by a profile without the client_credentials grant', () => {
    expect(clientCredentialsFlow.offersSignIn(facts('teamserver', { overrides: { baseUrl: 'https://t.example.test' } }))).toBe(false);
  });

  it('cannot renew where the profile has no client_credentials grant, whatever the account says', () => {
    expect(clientCredentialsFlow.canRenew(facts('teamserver', { overrides: { baseUrl: 'https://t.example.test' }, signInGrant: 'client_credentials' }, null))).toBe(false);
  });
});

describe('Flow.run()', () => {
  // The grant flows; the browser and device flows run a listener or a poll first (test/integration/flows).
  it.each([refreshFlow, passwordFlow, clientCredentialsFlow].map((flow) => [flow.id, flow] as const))('%s runs its grant through the run it is given and returns its outcome', async (_, flow) => {
    const f = facts('oauth2', {}, record('rt'));
    const prepared = flow.prepare(f, { username: 'u', password: 'p' });
    if (!prepared.ok) throw new Error(prepared.error.message);
    const asked: GrantInput[] = [];
    const outcome = { ok: false as const, error: new GrantError('unavailable', 'down') };
    // What only the browser and device flows use fails loudly if a grant flow ever reached for it.
    const notHere = (what: string) => (): never => {
      throw new Error(`a grant flow used ${what}`);
    };
    const run: FlowRun = {
      ...f,
      grant: async (input) => (asked.push(input), outcome),
      client: {},
      deps: { get fetch(): never { return notHere('fetch')(); } } as unknown as FlowRun['deps'],
      progress: notHere('progress'),
      openBrowser: notHere('openBrowser'),
      listen: notHere('listen'),
    };
    const result = await flow.run(run, prepared.value);
    expect({ asked, result }).toEqual({ asked: [prepared.value.kind === 'grant' ? prepared.value.input : null], result: outcome });
  });
});

describe('the flow strategies', () => {
  it('each says which grant it runs and what it needs from the person', () => {
    expect(FLOWS.map((f) => ({ id: f.id, grant: f.grant, needs: f.needs }))).toEqual([
      { id: 'refresh_token', grant: 'refresh_token', needs: [] },
      { id: 'password', grant: 'password', needs: ['username', 'password', 'otp'] },
      { id: 'browser', grant: 'authorization_code', needs: ['browser'] },
      { id: 'device', grant: 'device_code', needs: ['device'] },
      { id: 'client_credentials', grant: 'client_credentials', needs: [] },
    ]);
  });

  it('takes the flow that asks for credentials when the person typed some, wherever it stands in the list', () => {
    const result = signInFlow(facts('oauth2'), { username: 'u', password: 'p' }, [clientCredentialsFlow, passwordFlow]);
    expect(result.ok ? result.value.id : result.error.code).toBe('password');
  });

  it('takes the password flow when only a password was typed', () => {
    expect(chosen(facts('oauth2'), { password: 'p' })).toBe('password');
  });

  it('prepares no refresh for an account without a token record', () => {
    const result = refreshFlow.prepare(facts('oauth2', {}, null), {});
    expect(result.ok ? null : result.error.code).toBe('needs_sign_in');
  });

  it('does not renew by client grant an account that signed in with a password, even where the profile has no password grant now', () => {
    expect(clientCredentialsFlow.canRenew(facts('applixure', { overrides: { baseUrl: 'https://a.example.test' }, signInGrant: 'password' }, null))).toBe(false);
  });
});
