// Specifies the flow strategies: which one signs an account in, which can renew it unattended, what each needs.
import { describe, expect, it } from 'vitest';
import type { Account } from '../../../../electron/core/accounts/account-store.js';
import { browserFlow, clientCredentialsFlow, deviceFlow, FLOWS, passwordFlow, refreshFlow, renewalFlows, signInFlow, signInFlowIds, type FlowFacts } from '../../../../electron/core/flows/index.js';
import type { TokenRecord } from '../../../../electron/core/grants/token-record.js';
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
