import { describe, expect, it } from 'vitest';
import { choiceOptions, formFromSettings, overridesFrom, parseExtraParams } from '../../../../renderer/src/lib/account-overrides.js';
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
