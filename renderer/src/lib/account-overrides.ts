// The account form's settings and the overrides they amount to: only what differs from what the form
// started from (the preset's settings when adding, the account's effective settings when editing). Pure.
import type { AccountOverrides, AccountSettings, ExtraParamChoice, ProviderSummary } from './types.js';

/** The wire settings as the form holds them: extra parameters with known choices get their own field. */
export interface SettingsForm {
  readonly baseUrl: string;
  readonly tokenUrl: string;
  readonly method: AccountSettings['method'];
  readonly encoding: AccountSettings['encoding'];
  readonly clientAuth: AccountSettings['clientAuth'];
  /** Values of the parameters in `choices`, by name ('' for not sent). */
  readonly choiceValues: Readonly<Record<string, string>>;
  /** The other extra parameters, one name=value per line. */
  readonly extraText: string;
  readonly allowInsecureHttp: boolean;
  /** Where the endpoints are discovered from; '' for none. */
  readonly issuer: string;
  /** The browser and device flows' endpoints and a fixed redirect; '' for the preset's (or discovery's). */
  readonly authorizationUrl: string;
  readonly deviceAuthorizationUrl: string;
  readonly redirectUri: string;
}

/** The sign-in endpoint settings, which the form holds as text ('' for unset). */
const ENDPOINT_FIELDS = ['issuer', 'authorizationUrl', 'deviceAuthorizationUrl', 'redirectUri'] as const;

/** Which form field a problem belongs to, so it can be shown next to it. */
export type FormField = 'extraParams' | 'tokenUrl' | 'baseUrl' | 'issuer';

export type Checked<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly field: FormField; readonly message: string };

/** A preset's settings, as an account starting from it has them. */
export const presetSettings = (p: ProviderSummary): AccountSettings => ({
  baseUrl: p.baseUrl,
  tokenUrl: p.tokenUrl,
  method: p.method,
  encoding: p.encoding,
  clientAuth: p.clientAuth,
  extraParams: p.extraParams,
  allowInsecureHttp: p.allowInsecureHttp,
  ...Object.fromEntries(ENDPOINT_FIELDS.flatMap((key) => (p[key] === undefined ? [] : [[key, p[key]]]))),
});

/** Settings as the form shows them. */
export function formFromSettings(settings: AccountSettings, choices: readonly ExtraParamChoice[]): SettingsForm {
  const chosen = new Set(choices.map((c) => c.name));
  return {
    baseUrl: settings.baseUrl,
    tokenUrl: settings.tokenUrl,
    method: settings.method,
    encoding: settings.encoding,
    clientAuth: settings.clientAuth,
    allowInsecureHttp: settings.allowInsecureHttp,
    issuer: settings.issuer ?? '',
    authorizationUrl: settings.authorizationUrl ?? '',
    deviceAuthorizationUrl: settings.deviceAuthorizationUrl ?? '',
    redirectUri: settings.redirectUri ?? '',
    choiceValues: Object.fromEntries(choices.map((c) => [c.name, settings.extraParams[c.name] ?? ''])),
    extraText: Object.entries(settings.extraParams)
      .filter(([key]) => !chosen.has(key))
      .map(([key, value]) => `${key}=${value}`)
      .join('\n'),
  };
}

/** The text box's name=value lines; blank lines are skipped. */
export function parseExtraParams(text: string): Checked<Record<string, string>> {
  const params: Record<string, string> = {};
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (line === '') continue;
    const eq = line.indexOf('=');
    if (eq <= 0) return { ok: false, field: 'extraParams', message: `Line ${i + 1} must look like name=value.` };
    params[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return { ok: true, value: params };
}

/** The extra parameters as the form now has them: the chosen values, then the text box's lines (which win). */
export function formExtraParams(form: SettingsForm, choices: readonly ExtraParamChoice[]): Checked<Record<string, string>> {
  const text = parseExtraParams(form.extraText);
  if (!text.ok) return text;
  const params: Record<string, string> = {};
  for (const c of choices) {
    const value = form.choiceValues[c.name] ?? '';
    if (value !== '') params[c.name] = value;
  }
  return { ok: true, value: { ...params, ...text.value } };
}

const sameParams = (a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean =>
  Object.keys(a).length === Object.keys(b).length && Object.entries(a).every(([key, value]) => Object.hasOwn(b, key) && b[key] === value);

/** Only the settings that differ from `base` (what the form started from). */
export function overridesFrom(form: SettingsForm, base: AccountSettings, choices: readonly ExtraParamChoice[]): Checked<AccountOverrides> {
  const o: AccountOverrides = {};
  const baseUrl = form.baseUrl.trim();
  const tokenUrl = form.tokenUrl.trim();
  if (baseUrl !== base.baseUrl) o.baseUrl = baseUrl;
  // An emptied token URL keeps the current one (the service needs one).
  if (tokenUrl !== '' && tokenUrl !== base.tokenUrl) o.tokenUrl = tokenUrl;
  if (form.method !== base.method) o.method = form.method;
  if (form.encoding !== base.encoding) o.encoding = form.encoding;
  if (form.clientAuth !== base.clientAuth) o.clientAuth = form.clientAuth;
  const params = formExtraParams(form, choices);
  if (!params.ok) return params;
  // Extra parameters replace the preset's as a whole, so a change sends them all.
  if (!sameParams(params.value, base.extraParams)) o.extraParams = params.value;
  if (form.allowInsecureHttp !== base.allowInsecureHttp) o.allowInsecureHttp = form.allowInsecureHttp;
  // An emptied endpoint keeps what the account has (discovery, or the preset).
  for (const key of ENDPOINT_FIELDS) {
    const value = form[key].trim();
    if (value !== '' && value !== (base[key] ?? '')) o[key] = value;
  }
  return { ok: true, value: o };
}

/**
 * A choice's options, plus the value the form started from when it is not one of them; "Not sent"
 * (the empty value) comes first when the form started without the parameter.
 */
export function choiceOptions(choice: ExtraParamChoice, start: string | undefined): Array<{ value: string; label: string }> {
  const plain = (values: readonly string[]) => values.map((value) => ({ value, label: value }));
  if (start === undefined) return [{ value: '', label: 'Not sent' }, ...plain(choice.options)];
  return plain(choice.options.includes(start) ? choice.options : [...choice.options, start]);
}
