// The account form's settings and the overrides they amount to: only what differs from what the form
// started from (the preset's settings when adding, the account's effective settings when editing). Pure.
import { formatCount } from './format.js';
import type { AccountOverrides, AccountSettings, ExtraParamChoice, ProviderSummary, ResettableSetting, UrlParamField } from './types.js';

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
  /** Values of the preset's own URL placeholders (Entra's tenant, Keycloak's realm), by name. */
  readonly urlParams: Readonly<Record<string, string>>;
  /** '' for automatic. */
  readonly basicEncoding: '' | NonNullable<AccountSettings['basicEncoding']>;
  /** Whole seconds as typed; '' for the default (or what the account has). */
  readonly timeoutSeconds: string;
  readonly assumeLifetimeSeconds: string;
}

/** The sign-in endpoint settings, which the form holds as text ('' for unset). */
const ENDPOINT_FIELDS = ['issuer', 'authorizationUrl', 'deviceAuthorizationUrl', 'redirectUri'] as const;

/** Which form field a problem belongs to, so it can be shown next to it (`urlParam.NAME`: a URL placeholder's field). */
export type FormField = 'extraParams' | 'tokenUrl' | 'baseUrl' | 'issuer' | 'timeoutSeconds' | 'assumeLifetimeSeconds' | `urlParam.${string}`;

/** The bounds shared/ipc.ts's accountSettingsSchema puts on the numeric settings. */
export const TIMEOUT_SECONDS = { min: 1, max: 300, default: 30 } as const;
export const ASSUME_LIFETIME_SECONDS = { min: 60, max: 31_536_000 } as const;

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
  ...(p.urlParams === undefined ? {} : { urlParams: p.urlParams }),
  ...(p.basicEncoding === undefined ? {} : { basicEncoding: p.basicEncoding }),
  ...(p.timeoutSeconds === undefined ? {} : { timeoutSeconds: p.timeoutSeconds }),
  ...(p.assumeLifetimeSeconds === undefined ? {} : { assumeLifetimeSeconds: p.assumeLifetimeSeconds }),
});

/** Settings as the form shows them; `urlParamFields` are the preset's placeholders the form asks for. */
export function formFromSettings(settings: AccountSettings, choices: readonly ExtraParamChoice[], urlParamFields: readonly UrlParamField[] = []): SettingsForm {
  const chosen = new Set(choices.map((c) => c.name));
  return {
    urlParams: Object.fromEntries(urlParamFields.map((f) => [f.name, settings.urlParams?.[f.name] ?? ''])),
    basicEncoding: settings.basicEncoding ?? '',
    timeoutSeconds: settings.timeoutSeconds === undefined ? '' : String(settings.timeoutSeconds),
    assumeLifetimeSeconds: settings.assumeLifetimeSeconds === undefined ? '' : String(settings.assumeLifetimeSeconds),
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

/**
 * Whole seconds within `bounds`, or null for an empty field; a problem says what to type. Digits only:
 * "8h" or "1e3" would be read by Number() as something the person did not mean.
 */
export function parseSeconds(text: string, bounds: { readonly min: number; readonly max: number }): Checked<number | null> {
  const t = text.trim();
  if (t === '') return { ok: true, value: null };
  const n = /^\d{1,9}$/.test(t) ? Number(t) : Number.NaN;
  if (!Number.isInteger(n) || n < bounds.min || n > bounds.max) {
    return { ok: false, field: 'timeoutSeconds', message: `Enter whole seconds from ${formatCount(bounds.min)} to ${formatCount(bounds.max)}.` };
  }
  return { ok: true, value: n };
}

/**
 * The URL placeholders' values when one differs from `base` (all of them then: an account's `urlParams`
 * replace what it had as a whole), null when none does. An emptied field keeps its current value; one
 * with no value to keep is a problem on its field.
 */
function urlParamOverrides(form: SettingsForm, base: AccountSettings, fields: readonly UrlParamField[]): Checked<Record<string, string> | null> {
  const values: Record<string, string> = { ...base.urlParams };
  let changed = false;
  for (const field of fields) {
    const value = (form.urlParams[field.name] ?? '').trim();
    const current = base.urlParams?.[field.name];
    if (value === '') {
      if (current === undefined) return { ok: false, field: `urlParam.${field.name}`, message: `Enter the ${field.label.toLowerCase()}.` };
      continue;
    }
    if (value !== current) changed = true;
    values[field.name] = value;
  }
  return { ok: true, value: changed ? values : null };
}

/** Only the settings that differ from `base` (what the form started from). */
export function overridesFrom(
  form: SettingsForm,
  base: AccountSettings,
  choices: readonly ExtraParamChoice[],
  urlParamFields: readonly UrlParamField[] = [],
): Checked<AccountOverrides> {
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
  // An emptied endpoint is no override: when editing, resetsFrom() takes the account's own one back.
  for (const key of ENDPOINT_FIELDS) {
    const value = form[key].trim();
    if (value !== '' && value !== (base[key] ?? '')) o[key] = value;
  }
  const urlParams = urlParamOverrides(form, base, urlParamFields);
  if (!urlParams.ok) return urlParams;
  if (urlParams.value !== null) o.urlParams = urlParams.value;
  // Automatic is the absence of a choice: when editing, resetsFrom() takes a set one back.
  if (form.basicEncoding !== '' && form.basicEncoding !== base.basicEncoding) o.basicEncoding = form.basicEncoding;
  const timeout = parseSeconds(form.timeoutSeconds, TIMEOUT_SECONDS);
  if (!timeout.ok) return timeout;
  if (timeout.value !== null && timeout.value !== base.timeoutSeconds) o.timeoutSeconds = timeout.value;
  const lifetime = parseSeconds(form.assumeLifetimeSeconds, ASSUME_LIFETIME_SECONDS);
  if (!lifetime.ok) return { ...lifetime, field: 'assumeLifetimeSeconds' };
  if (lifetime.value !== null && lifetime.value !== base.assumeLifetimeSeconds) o.assumeLifetimeSeconds = lifetime.value;
  return { ok: true, value: o };
}

/**
 * When editing: the optional settings whose field the person emptied (or set to Automatic) while the
 * account has a value for it, so that the edit takes the account back to what discovery, the preset
 * or the default gives, as each field's hint says. A value the account has only from discovery or
 * the preset is reset too, which changes nothing. Pair with overridesFrom(), which skips those fields.
 */
export function resetsFrom(form: SettingsForm, base: AccountSettings): ResettableSetting[] {
  const resets: ResettableSetting[] = ENDPOINT_FIELDS.filter((key) => form[key].trim() === '' && (base[key] ?? '') !== '');
  if (form.basicEncoding === '' && base.basicEncoding !== undefined) resets.push('basicEncoding');
  if (form.timeoutSeconds.trim() === '' && base.timeoutSeconds !== undefined) resets.push('timeoutSeconds');
  if (form.assumeLifetimeSeconds.trim() === '' && base.assumeLifetimeSeconds !== undefined) resets.push('assumeLifetimeSeconds');
  return resets;
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
