// Which settings would keep a secret in clear: secret-named extra parameters and URL query parameters, user names and
// passwords in URLs. Secrets belong in the vault (the client secret) or a prompt, never in an account's settings.
import { findPreset } from './presets.js';
import type { ProfileOverrides } from './profile.js';

/** Parameter names that carry secrets, whatever the dialect calls them. */
const SECRET_NAME = /secret|passw(?:or)?d|pwd|token|api[-_]?key|apikey|private[-_]?key|access[-_]?key|assertion|credential/i;

/** A setting that would hold a secret in clear, and what it is. */
export interface SecretSetting {
  /** `param`: an extra parameter; `url`: a query parameter or the user info of a URL setting. */
  readonly kind: 'param' | 'url';
  /** The parameter's name (or `user info`), never its value. */
  readonly name: string;
  /** The URL setting concerned (`tokenUrl`...), for `url`. */
  readonly setting?: string;
  /** Whether it is the client secret, which has its own place (`--client-secret-stdin`, the vault). */
  readonly clientSecret: boolean;
}

/** Whether a request parameter called `name` carries a secret (for the preset `presetId`, its client secret parameter too). */
export function isSecretParam(name: string, clientSecretParam = 'client_secret'): boolean {
  return name === clientSecretParam || SECRET_NAME.test(name);
}

/**
 * The first setting of `overrides` (over preset `presetId`) that would keep a secret in clear in
 * the accounts file and show it with the account: a secret-named extra parameter, or a URL whose
 * query names one or that carries a user name and password. Null when there is none.
 */
export function secretInSettings(presetId: string, overrides: ProfileOverrides): SecretSetting | null {
  const clientSecretParam = overrides.clientSecretParam ?? findPreset(presetId)?.clientSecretParam ?? 'client_secret';
  for (const name of Object.keys(overrides.extraParams ?? {})) {
    if (isSecretParam(name, clientSecretParam)) return { kind: 'param', name, clientSecret: name === clientSecretParam || /client[-_]?secret/i.test(name) };
  }
  for (const setting of ['baseUrl', 'tokenUrl', 'refreshUrl'] as const) {
    const text = overrides[setting];
    if (text === undefined) continue;
    const url = parseTemplate(text);
    if (url === null) continue;
    if (url.username !== '' || url.password !== '') return { kind: 'url', name: 'user info', setting, clientSecret: false };
    for (const name of url.searchParams.keys()) {
      if (isSecretParam(name, clientSecretParam)) return { kind: 'url', name, setting, clientSecret: name === clientSecretParam || /client[-_]?secret/i.test(name) };
    }
  }
  return null;
}

/** A URL setting (a template over {baseUrl} perhaps), parsed for its query and user info; null when it is not a URL. */
function parseTemplate(text: string): URL | null {
  try {
    return new URL(text.replaceAll('{baseUrl}', 'https://base.invalid'));
  } catch {
    return null;
  }
}
