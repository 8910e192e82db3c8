import { describe, expect, it } from 'vitest';
import { choiceOptions, formFromSettings, overridesFrom, parseExtraParams, resetsFrom } from '../../../../renderer/src/lib/account-overrides.js';
import { accountView } from './account-fixture.js';

const base = accountView().settings;
const choices = [{ name: 'platform', label: 'Platform', options: ['base', 'mobile', 'portal'] }];

describe('formFromSettings()', () => {
  it('gives parameters with known choices their own field and lists the rest as lines', () => {
    const form = formFromSettings({ ...base, extraParams: { platform: 'mobile', tenant: 'a', x: 'y' } }, choices);
    expect(form.choiceValues).toEqual({ platform: 'mobile' });
    expect(form.extraText).toBe('tenant=a\nx=y');
  });
});

describe('overridesFrom()', () => {
  it('sends nothing when nothing changed', () => {
    expect(overridesFrom(formFromSettings(base, choices), base, choices)).toEqual({ ok: true, value: {} });
  });

  it('sends only the changed fields, trimmed', () => {
    const form = { ...formFromSettings(base, choices), baseUrl: ' https://other.example.com ', method: 'GET' as const };
    expect(overridesFrom(form, base, choices)).toEqual({ ok: true, value: { baseUrl: 'https://other.example.com', method: 'GET' } });
  });

  it('sends every extra parameter when one changed, since they replace the preset\'s as a whole', () => {
    const form = { ...formFromSettings(base, choices), choiceValues: { platform: 'portal' }, extraText: 'tenant=a' };
    expect(overridesFrom(form, base, choices)).toEqual({ ok: true, value: { extraParams: { platform: 'portal', tenant: 'a' } } });
  });

  it('sends the issuer and a fixed redirect URI when given, and nothing for the sign-in endpoints left empty', () => {
    const form = { ...formFromSettings(base, choices), issuer: ' https://id.example.com ', redirectUri: 'http://127.0.0.1:8765/callback' };
    expect(overridesFrom(form, base, choices)).toEqual({ ok: true, value: { issuer: 'https://id.example.com', redirectUri: 'http://127.0.0.1:8765/callback' } });
  });

  it('keeps the current token URL when the field is emptied', () => {
    expect(overridesFrom({ ...formFromSettings(base, choices), tokenUrl: '  ' }, base, choices)).toEqual({ ok: true, value: {} });
  });

  it('sends an empty set when the person cleared a parameter chosen before', () => {
    const form = { ...formFromSettings(base, choices), choiceValues: { platform: '' } };
    expect(overridesFrom(form, base, choices)).toEqual({ ok: true, value: { extraParams: {} } });
  });

  it('points a malformed extra parameter line at its field', () => {
    expect(overridesFrom({ ...formFromSettings(base, choices), extraText: 'ok=1\nnot a pair' }, base, choices)).toEqual({
      ok: false,
      field: 'extraParams',
      message: 'Line 2 must look like name=value.',
    });
  });
});

describe('parseExtraParams()', () => {
  it('refuses a line without a name', () => {
    expect(parseExtraParams('=value')).toMatchObject({ ok: false, field: 'extraParams' });
  });

  it('skips blank lines and keeps "=" inside values', () => {
    expect(parseExtraParams('\n a = b=c \n')).toEqual({ ok: true, value: { a: 'b=c' } });
  });
});

describe('choiceOptions()', () => {
  it('offers "Not sent" when the form started without the parameter', () => {
    expect(choiceOptions(choices[0]!, undefined)[0]).toEqual({ value: '', label: 'Not sent' });
  });

  it('keeps a starting value that is not among the known options', () => {
    expect(choiceOptions(choices[0]!, 'custom').map((o) => o.value)).toEqual(['base', 'mobile', 'portal', 'custom']);
  });
});

describe('overridesFrom() with URL placeholders and the numeric settings', () => {
  const realm = { name: 'realm', label: 'Realm', hint: '', suggestions: [], advanced: false };
  const tenant = { name: 'tenant', label: 'Tenant', hint: '', suggestions: ['common'], advanced: false };
  const withTenant = { ...base, urlParams: { tenant: 'common' } };

  it('sends nothing when the placeholders keep their values', () => {
    expect(overridesFrom(formFromSettings(withTenant, choices, [tenant]), withTenant, choices, [tenant])).toEqual({ ok: true, value: {} });
  });

  it('sends every placeholder value when one changed, since an account\'s values replace what it had as a whole', () => {
    const both = { ...base, urlParams: { tenant: 'common', api: 'https://api.example.com' } };
    const form = { ...formFromSettings(both, choices, [tenant]), urlParams: { tenant: ' contoso.onmicrosoft.com ' } };
    expect(overridesFrom(form, both, choices, [tenant])).toEqual({
      ok: true,
      value: { urlParams: { tenant: 'contoso.onmicrosoft.com', api: 'https://api.example.com' } },
    });
  });

  it('keeps a placeholder\'s current value when its field is emptied', () => {
    const form = { ...formFromSettings(withTenant, choices, [tenant]), urlParams: { tenant: '' } };
    expect(overridesFrom(form, withTenant, choices, [tenant])).toEqual({ ok: true, value: {} });
  });

  it('points an empty placeholder with no value to keep at its field', () => {
    expect(overridesFrom(formFromSettings(base, choices, [realm]), base, choices, [realm])).toEqual({
      ok: false,
      field: 'urlParam.realm',
      message: 'Enter the realm.',
    });
  });

  it('sends the basic encoding, timeout and assumed lifetime when given', () => {
    const form = { ...formFromSettings(base, choices), basicEncoding: 'raw' as const, timeoutSeconds: ' 45 ', assumeLifetimeSeconds: '28800' };
    expect(overridesFrom(form, base, choices)).toEqual({ ok: true, value: { basicEncoding: 'raw', timeoutSeconds: 45, assumeLifetimeSeconds: 28800 } });
  });

  it('sends nothing for the numeric settings left as they were or emptied', () => {
    const set = { ...base, timeoutSeconds: 45, assumeLifetimeSeconds: 3600, basicEncoding: 'form' as const };
    expect(formFromSettings(set, choices)).toMatchObject({ timeoutSeconds: '45', assumeLifetimeSeconds: '3600', basicEncoding: 'form' });
    expect(overridesFrom(formFromSettings(set, choices), set, choices)).toEqual({ ok: true, value: {} });
    const emptied = { ...formFromSettings(set, choices), timeoutSeconds: '', assumeLifetimeSeconds: ' ', basicEncoding: '' as const };
    expect(overridesFrom(emptied, set, choices)).toEqual({ ok: true, value: {} });
  });

  it.each(['0', '301', '1.5', '8h', '-5', '1e2'])('refuses the timeout %j by its field', (text) => {
    expect(overridesFrom({ ...formFromSettings(base, choices), timeoutSeconds: text }, base, choices)).toEqual({
      ok: false,
      field: 'timeoutSeconds',
      message: 'Enter whole seconds from 1 to 300.',
    });
  });

  it.each(['59', '31536001', '8h'])('refuses the assumed lifetime %j by its field', (text) => {
    expect(overridesFrom({ ...formFromSettings(base, choices), assumeLifetimeSeconds: text }, base, choices)).toEqual({
      ok: false,
      field: 'assumeLifetimeSeconds',
      message: 'Enter whole seconds from 60 to 31,536,000.',
    });
  });
});

describe('resetsFrom() (editing)', () => {
  const set = {
    ...base,
    issuer: 'https://id.example.com',
    authorizationUrl: 'https://id.example.com/authorize',
    deviceAuthorizationUrl: 'https://id.example.com/device',
    redirectUri: 'http://127.0.0.1:8765/callback',
    basicEncoding: 'form' as const,
    timeoutSeconds: 45,
    assumeLifetimeSeconds: 3600,
  };

  it('takes back nothing when every field keeps its value', () => {
    expect(resetsFrom(formFromSettings(set, choices), set)).toEqual([]);
  });

  it('takes back every optional setting whose field was emptied, or set to Automatic', () => {
    const emptied = {
      ...formFromSettings(set, choices),
      issuer: '',
      authorizationUrl: ' ',
      deviceAuthorizationUrl: '',
      redirectUri: '',
      basicEncoding: '' as const,
      timeoutSeconds: '',
      assumeLifetimeSeconds: '  ',
    };
    expect(resetsFrom(emptied, set)).toEqual(['issuer', 'authorizationUrl', 'deviceAuthorizationUrl', 'redirectUri', 'basicEncoding', 'timeoutSeconds', 'assumeLifetimeSeconds']);
  });

  it('takes back nothing for a field that was empty from the start', () => {
    expect(resetsFrom(formFromSettings(base, choices), base)).toEqual([]);
  });

  it('takes back nothing for a field given a new value (overridesFrom sends that)', () => {
    expect(resetsFrom({ ...formFromSettings(set, choices), timeoutSeconds: '60' }, set)).toEqual([]);
  });
});
