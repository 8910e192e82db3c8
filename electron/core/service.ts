// The one facade the CLI, the loopback server and IPC all call: accounts, sign-in, tokens, status.

import { err, ok, type Result } from '../../shared/result.js';
import type { ErrorValue } from '../../shared/errors.js';
import type { AccountPatch, AccountSettingsView, AccountView, NewAccountInput, ProviderSummary, SignInInput, TokenDetails, TokenView } from '../../shared/accounts.js';
import { decodeJwtParts, maskSecrets } from './grants/token-details.js';
import {
  ACCOUNT_NAME,
  VAULT_SERVICE,
  clientSecretEntry,
  decodeTokenRecord,
  encodeTokenRecord,
  tokenEntry,
  type Account,
  type AccountsFile,
} from './accounts/account-store.js';
import { requestToken, systemGrantDeps, type GrantDeps } from './grants/grant-client.js';
import { GrantError } from './grants/grant-error.js';
import type { GrantInput } from './grants/token-request.js';
import { displayUrl } from './grants/token-request.js';
import { effectiveScope, parseScope, type TokenRecord } from './grants/token-record.js';
import type { ProviderProfile } from './providers/profile.js';
import { profileOverridesSchema } from './providers/profile-schema.js';
import { PRESETS } from './providers/presets.js';
import { endpointFor, resolveProfile } from './providers/resolve-profile.js';
import type { AccountState } from '../../shared/account-state.js';
import { systemClock, type Clock } from './refresh/clock.js';
import type { DataStore } from './vault/data-store.js';
import { DEFAULT_REFRESH_SETTINGS, RefreshEngine, type RefreshSettings } from './refresh/refresh-engine.js';

/** The secret store's keytar shape; `setPassword` resolves once the secret is durably on disk. */
export interface SecretStoreLike {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
}

export interface ServiceOptions {
  readonly secrets: SecretStoreLike;
  /** The non-secret accounts file: conf outside Electron, electron-store inside. */
  readonly accounts: DataStore<AccountsFile>;
  readonly clock?: Clock;
  readonly grantDeps?: GrantDeps;
  readonly random?: () => number;
  readonly refresh?: Partial<RefreshSettings>;
  /** Start background renewal timers (the desktop app and `serve`); one-shot CLI commands don't. */
  readonly background?: boolean;
}

export type StatusListener = (name: string, state: AccountState) => void;

const serviceError = (code: string, kind: ErrorValue['kind'], message: string): ErrorValue => ({ code, kind, message });
const notFound = (name: string): ErrorValue => serviceError('not_found', 'not_found', `There is no account named "${name}".`);
const toValue = (error: GrantError): ErrorValue => error.toJSON();

export class TokenryService {
  private file: AccountsFile;
  private readonly records = new Map<string, TokenRecord | null>();
  private readonly viewCache = new Map<string, { record: TokenRecord; view: TokenView }>();
  private readonly engine: RefreshEngine;
  private readonly clock: Clock;
  private readonly grantDeps: GrantDeps;
  private writes: Promise<void> = Promise.resolve();
  /** Sign-ins in progress, so the person can stop one (the dialog's Cancel). */
  private readonly signIns = new Map<string, AbortController>();

  private constructor(private readonly options: ServiceOptions) {
    this.clock = options.clock ?? systemClock;
    const random = options.random ?? Math.random;
    this.grantDeps = options.grantDeps ?? {
      ...systemGrantDeps(),
      now: () => this.clock.now(),
      sleep: (ms) => this.clock.sleep(ms),
      random,
    };
    this.file = options.accounts.get();
    this.engine = new RefreshEngine(this.clock, (name) => this.renewNow(name), { ...DEFAULT_REFRESH_SETTINGS, ...options.refresh }, random);
    if (options.background === false) this.engine.stop();
  }

  /** Opens the service over a vault and an accounts file; loads every account's token record. */
  static async open(options: ServiceOptions): Promise<TokenryService> {
    const service = new TokenryService(options);
    for (const account of service.file.accounts) {
      service.records.set(account.name, decodeTokenRecord(await options.secrets.getPassword(VAULT_SERVICE, tokenEntry(account.name))));
      service.track(account);
    }
    return service;
  }

  /** The presets, with every fact a form needs about their dialects (nothing is hard-coded in the UI). */
  providers(): ProviderSummary[] {
    return Object.values(PRESETS).map((p) => ({
      id: p.id,
      label: p.label,
      grants: [...p.grants],
      ...settingsView(p),
      extraParamChoices: (p.extraParamChoices ?? []).map((c) => ({ name: c.name, label: c.label, options: [...c.options] })),
      scopeParam: p.scopeParam,
      defaultScope: p.defaultScope ?? null,
      defaultClientId: p.defaultClientId ?? null,
      signInFields: p.signInFields.map((f) => ({ name: f.name, label: f.label, required: f.required, secret: f.secret })),
    }));
  }

  accounts(): AccountView[] {
    return this.file.accounts.map((a) => this.view(a));
  }

  account(name: string): Result<AccountView, ErrorValue> {
    const account = this.find(name);
    return account ? ok(this.view(account)) : err(notFound(name));
  }

  onStatus(listener: StatusListener): () => void {
    return this.engine.onState(listener);
  }

  async addAccount(input: NewAccountInput): Promise<Result<AccountView, ErrorValue>> {
    if (!ACCOUNT_NAME.test(input.name)) {
      return err(
        serviceError('invalid_name', 'invalid_input', `"${input.name}" is not a valid account name: use lower-case letters, digits, '.', '_' or '-' (at most 64).`),
      );
    }
    if (this.find(input.name)) return err(serviceError('already_exists', 'invalid_input', `An account named "${input.name}" already exists.`));
    if (PRESETS[input.provider] === undefined) {
      return err(serviceError('unknown_provider', 'invalid_input', `Unknown provider "${input.provider}". Known: ${Object.keys(PRESETS).join(', ')}.`));
    }
    const overrides = profileOverridesSchema.safeParse(input.overrides ?? {});
    if (!overrides.success) {
      const issue = overrides.error.issues[0];
      return err(serviceError('invalid_profile', 'invalid_input', `Invalid provider setting ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}.`));
    }
    const now = this.clock.now();
    const account: Account = {
      name: input.name,
      provider: input.provider,
      overrides: overrides.data,
      scope: scopeList(input.scope),
      ...(input.clientId === undefined || input.clientId === '' ? {} : { clientId: input.clientId }),
      hasClientSecret: input.clientSecret !== undefined && input.clientSecret !== '',
      createdAt: now,
      updatedAt: now,
      needsSignIn: null,
    };
    try {
      endpointFor(resolveProfile(account.provider, account.overrides), this.resolve(account).grants[0] ?? 'password');
    } catch (error) {
      if (error instanceof GrantError) return err(toValue(error));
      throw error;
    }
    if (account.hasClientSecret && input.clientSecret !== undefined) {
      await this.options.secrets.setPassword(VAULT_SERVICE, clientSecretEntry(account.name), input.clientSecret);
    }
    // A token left under this name (a renewal that finished after its account was removed) is not this account's.
    await this.options.secrets.deletePassword(VAULT_SERVICE, tokenEntry(account.name));
    await this.saveFile({ ...this.file, accounts: [...this.file.accounts, account] });
    this.records.set(account.name, null);
    this.track(account);
    return ok(this.view(account));
  }

  async removeAccount(name: string): Promise<Result<null, ErrorValue>> {
    if (!this.find(name)) return err(notFound(name));
    this.engine.untrack(name);
    await this.saveFile({ ...this.file, accounts: this.file.accounts.filter((a) => a.name !== name) });
    await this.options.secrets.deletePassword(VAULT_SERVICE, tokenEntry(name));
    await this.options.secrets.deletePassword(VAULT_SERVICE, clientSecretEntry(name));
    this.records.delete(name);
    return ok(null);
  }

  /**
   * Signs in: a password grant with what the person typed (never stored, RFC 6749 §4.3.1), or a
   * client_credentials grant for accounts whose provider has no sign-in fields.
   */
  async signIn(name: string, input: SignInInput = {}): Promise<Result<AccountView, ErrorValue>> {
    const account = this.find(name);
    if (!account) return err(notFound(name));
    const profile = this.resolve(account);
    let grant: GrantInput;
    if (profile.grants.includes('password') && (input.username !== undefined || input.password !== undefined || !profile.grants.includes('client_credentials'))) {
      if (!input.username || !input.password) {
        return err(serviceError('missing_credentials', 'invalid_input', `Signing in to ${profile.label} needs a username and a password.`));
      }
      grant = { grant: 'password', username: input.username, password: input.password, ...(input.otp ? { otp: input.otp } : {}) };
    } else if (profile.grants.includes('client_credentials')) {
      grant = { grant: 'client_credentials' };
    } else {
      return err(serviceError('no_sign_in_grant', 'config', `${profile.label} has neither a password nor a client_credentials grant.`));
    }
    this.signIns.get(name)?.abort();
    const controller = new AbortController();
    this.signIns.set(name, controller);
    let result: Result<TokenRecord, GrantError>;
    try {
      result = await this.runGrant(account, grant, null, controller.signal);
    } finally {
      if (this.signIns.get(name) === controller) this.signIns.delete(name);
    }
    if (!result.ok) {
      if (controller.signal.aborted) return err(serviceError('cancelled', 'cancelled', `Signing in to "${name}" was cancelled.`));
      return err(toValue(result.error));
    }
    return ok(this.view(this.find(name) ?? account));
  }

  /** Stops the account's sign-in in progress; its request is aborted and nothing it returns is kept. */
  cancelSignIn(name: string): Result<null, ErrorValue> {
    if (!this.find(name)) return err(notFound(name));
    this.signIns.get(name)?.abort();
    this.signIns.delete(name);
    return ok(null);
  }

  /** A token valid for at least `minValidSeconds`, renewed first if it would expire sooner (single flight). */
  async token(name: string, options: { minValidSeconds?: number } = {}): Promise<Result<TokenView, ErrorValue>> {
    const account = this.find(name);
    if (!account) return err(notFound(name));
    const record = this.records.get(name) ?? null;
    if (record === null && !this.clientCredentialsPossible(account)) {
      return err(serviceError('needs_sign_in', 'needs_sign_in', account.needsSignIn ?? `Account "${name}" is not signed in: run \`tokenry login ${name}\`.`));
    }
    const minValidMs = Math.max(0, options.minValidSeconds ?? 0) * 1000;
    const result = await this.engine.ensureValid(name, minValidMs);
    if (!result.ok) return err(toValue(result.error));
    return ok(this.tokenView(result.value));
  }

  /** Renews now, whatever the expiry. */
  async refresh(name: string): Promise<Result<AccountView, ErrorValue>> {
    const account = this.find(name);
    if (!account) return err(notFound(name));
    const result = await this.engine.renew(name);
    if (!result.ok) return err(toValue(result.error));
    return ok(this.view(this.find(name) ?? account));
  }

  /** Changes an account's settings; a new client secret replaces the stored one, absent keeps it. */
  async updateAccount(name: string, patch: AccountPatch): Promise<Result<AccountView, ErrorValue>> {
    const account = this.find(name);
    if (!account) return err(notFound(name));
    const overrides = profileOverridesSchema.safeParse({ ...account.overrides, ...(patch.overrides ?? {}) });
    if (!overrides.success) {
      const issue = overrides.error.issues[0];
      return err(serviceError('invalid_profile', 'invalid_input', `Invalid provider setting ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}.`));
    }
    const next: Account = {
      ...account,
      overrides: overrides.data,
      ...(patch.scope === undefined ? {} : { scope: scopeList(patch.scope) }),
      ...(patch.clientId === undefined ? {} : patch.clientId === '' ? { clientId: undefined } : { clientId: patch.clientId }),
      ...(patch.clientSecret === undefined ? {} : { hasClientSecret: patch.clientSecret !== '' }),
    };
    try {
      const profile = this.resolve(next);
      endpointFor(profile, profile.grants[0] ?? 'password');
    } catch (error) {
      if (error instanceof GrantError) return err(toValue(error));
      throw error;
    }
    if (patch.clientSecret !== undefined) {
      if (patch.clientSecret === '') await this.options.secrets.deletePassword(VAULT_SERVICE, clientSecretEntry(name));
      else await this.options.secrets.setPassword(VAULT_SERVICE, clientSecretEntry(name), patch.clientSecret);
    }
    await this.updateAccountRecord(name, next);
    const updated = this.find(name) ?? next;
    this.track(updated);
    return ok(this.view(updated));
  }

  /** What the token says about itself: decoded JWT claims (unverified, for reading) and the other answer fields, secrets masked. */
  tokenDetails(name: string): Result<TokenDetails, ErrorValue> {
    const account = this.find(name);
    if (!account) return err(notFound(name));
    const record = this.records.get(name) ?? null;
    if (record === null) return err(serviceError('needs_sign_in', 'needs_sign_in', `Account "${name}" is not signed in.`));
    return ok({
      tokenType: record.tokenType,
      jwt: decodeJwtParts(record.accessToken),
      extra: maskSecrets(record.extra),
      grantedScope: record.grantedScope ? [...record.grantedScope] : null,
      requestedScope: record.requestedScope ? [...record.requestedScope] : null,
      issuedAt: record.issuedAt,
      expiresAt: record.expiresAt,
      expirySource: record.expirySource,
    });
  }

  /** After sleep (or a wall-clock jump): renews what fell due while timers stood still. */
  resume(): void {
    this.engine.resume();
  }

  /** Applies new refresh settings (lead time) to every account at once. */
  configureRefresh(settings: Partial<RefreshSettings>): void {
    this.engine.configure(settings);
  }

  close(): void {
    this.engine.stop();
  }

  /** Waits for every pending write; for tests and orderly shutdown. */
  async flush(): Promise<void> {
    await this.writes;
  }

  // --- internals ---

  private find(name: string): Account | undefined {
    return this.file.accounts.find((a) => a.name === name);
  }

  private resolve(account: Account): ProviderProfile {
    return resolveProfile(account.provider, account.overrides);
  }

  private canRenew(account: Account, record: TokenRecord | null): boolean {
    const profile = this.resolve(account);
    const byRefresh = record?.refreshToken != null && profile.grants.includes('refresh_token');
    return byRefresh || this.clientCredentialsPossible(account);
  }

  private track(account: Account): void {
    const record = this.records.get(account.name) ?? null;
    this.engine.track(account.name, { record, canRenew: this.canRenew(account, record), needsSignIn: account.needsSignIn });
  }

  /** The renewer behind the refresh engine: refresh_token, else client_credentials, else needs sign-in. */
  private async renewNow(name: string): Promise<Result<TokenRecord, GrantError>> {
    const account = this.find(name);
    if (!account) return err(new GrantError('invalid_config', `There is no account named "${name}".`));
    const profile = this.resolve(account);
    const record = this.records.get(name) ?? null;
    if (record?.refreshToken != null && profile.grants.includes('refresh_token')) {
      const result = await this.runGrant(account, { grant: 'refresh_token', refreshToken: record.refreshToken }, record);
      if (result.ok || result.error.code !== 'invalid_grant' || !this.isSameAccount(account)) return result;
      // RFC 6749 §5.2 invalid_grant: the refresh token is dead. Forget it, then try what is left.
      await this.persistRecord(name, { ...record, refreshToken: null, refreshExpiresAt: null });
      const current = this.find(name) ?? account;
      if (!this.clientCredentialsPossible(current)) {
        await this.markNeedsSignIn(name, 'The provider refused the refresh token: sign in again.');
        return err(new GrantError('needs_sign_in', `The provider refused the refresh token for "${name}": sign in again.`, { cause: result.error }));
      }
    }
    const current = this.find(name) ?? account;
    if (this.clientCredentialsPossible(current)) return this.runGrant(current, { grant: 'client_credentials' }, record);
    return err(new GrantError('needs_sign_in', `Account "${name}" cannot renew its token without you: run \`tokenry login ${name}\`.`));
  }

  /**
   * Whether a new client_credentials grant may stand in for the account's token: only for
   * accounts that signed in that way (or can sign in no other way), so that a person's token is
   * never silently swapped for the client's own.
   */
  private clientCredentialsPossible(account: Account): boolean {
    const profile = this.resolve(account);
    if (!profile.grants.includes('client_credentials') || (account.clientId ?? profile.defaultClientId) === undefined) return false;
    return account.signInGrant === 'client_credentials' || (account.signInGrant === undefined && !profile.grants.includes('password'));
  }

  private async runGrant(
    account: Account,
    grant: GrantInput,
    previous: TokenRecord | null,
    signal?: AbortSignal,
  ): Promise<Result<TokenRecord, GrantError>> {
    const profile = this.resolve(account);
    const clientSecret = account.hasClientSecret
      ? ((await this.options.secrets.getPassword(VAULT_SERVICE, clientSecretEntry(account.name))) ?? undefined)
      : undefined;
    let outcome;
    try {
      outcome = await requestToken(
        profile,
        grant,
        { ...(account.clientId === undefined ? {} : { clientId: account.clientId }), ...(clientSecret === undefined ? {} : { clientSecret }) },
        {
          scope: account.scope,
          previous,
          ...(account.basicEncoding === undefined ? {} : { basicEncoding: account.basicEncoding }),
        },
        signal === undefined ? this.grantDeps : withSignal(this.grantDeps, signal),
      );
    } catch (error) {
      if (error instanceof GrantError) return err(error);
      throw error;
    }
    if (!outcome.ok) return outcome;
    if (signal?.aborted) return err(new GrantError('invalid_config', 'The sign-in was cancelled.'));
    const record = outcome.value.record;
    // Removed (or removed and added again) while the request ran: the answer belongs to no account.
    if (!this.isSameAccount(account)) {
      return err(new GrantError('invalid_config', `The account "${account.name}" was removed while its token was being requested.`));
    }
    // A rotated refresh token is on disk (fsynced) before the new access token is handed out.
    await this.persistRecord(account.name, record);
    const latest = this.find(account.name) ?? account;
    const remembered = outcome.value.basicEncoding;
    const signInGrant = grant.grant === 'refresh_token' ? latest.signInGrant : grant.grant;
    if (
      latest.needsSignIn !== null ||
      signInGrant !== latest.signInGrant ||
      (remembered !== undefined && remembered !== latest.basicEncoding && remembered !== profile.basicEncoding)
    ) {
      await this.updateAccountRecord(account.name, {
        needsSignIn: null,
        ...(signInGrant === undefined ? {} : { signInGrant }),
        ...(remembered !== undefined && remembered !== profile.basicEncoding ? { basicEncoding: remembered } : {}),
      });
    }
    const tracked = this.find(account.name);
    if (tracked) this.track(tracked);
    return ok(record);
  }

  private isSameAccount(account: Account): boolean {
    const current = this.find(account.name);
    return current !== undefined && current.createdAt === account.createdAt;
  }

  private async persistRecord(name: string, record: TokenRecord): Promise<void> {
    await this.options.secrets.setPassword(VAULT_SERVICE, tokenEntry(name), encodeTokenRecord(record));
    this.records.set(name, record);
  }

  private async markNeedsSignIn(name: string, reason: string): Promise<void> {
    await this.updateAccountRecord(name, { needsSignIn: reason });
  }

  private async updateAccountRecord(name: string, patch: Partial<Account>): Promise<void> {
    const now = this.clock.now();
    await this.saveFile({
      ...this.file,
      accounts: this.file.accounts.map((a) => (a.name === name ? { ...a, ...patch, updatedAt: now } : a)),
    });
  }

  private saveFile(next: AccountsFile): Promise<void> {
    this.file = next;
    // Serialised so that two quick updates never land on disk out of order.
    const write = this.writes.then(() => this.options.accounts.set(next));
    this.writes = write.catch(() => undefined);
    return write;
  }

  private tokenView(record: TokenRecord): TokenView {
    const now = this.clock.now();
    const scope = effectiveScope(record);
    return {
      access_token: record.accessToken,
      token_type: record.tokenType,
      expires_at: record.expiresAt === null ? null : new Date(record.expiresAt).toISOString(),
      expires_in: record.expiresAt === null ? null : Math.max(0, Math.floor((record.expiresAt - now) / 1000)),
      scope: scope === null ? null : scope.join(' '),
    };
  }

  private view(account: Account): AccountView {
    const record = this.records.get(account.name) ?? null;
    let profile: ProviderProfile | null = null;
    let tokenUrl: string;
    try {
      profile = this.resolve(account);
      tokenUrl = displayUrl(endpointFor(profile, profile.grants[0] ?? 'password').toString());
    } catch {
      tokenUrl = profile?.tokenUrl ?? '';
    }
    const data = record?.extra['data'];
    const identity =
      typeof data === 'object' && data !== null && !Array.isArray(data)
        ? pickIdentity(data as Record<string, unknown>)
        : null;
    return {
      name: account.name,
      provider: account.provider,
      providerLabel: profile?.label ?? account.provider,
      tokenUrl,
      clientId: account.clientId ?? profile?.defaultClientId ?? null,
      hasClientSecret: account.hasClientSecret,
      settings: settingsView(profile ?? { ...UNKNOWN_PRESET_SETTINGS, ...account.overrides }),
      requestedScope: account.scope ?? (profile?.defaultScope ? (parseScope(profile.defaultScope) ?? []).slice() : null),
      grantedScope: record?.grantedScope ? [...record.grantedScope] : null,
      state: this.engine.state(account.name),
      tokenType: record?.tokenType ?? null,
      issuedAt: record?.issuedAt ?? null,
      expiresAt: record?.expiresAt ?? null,
      expirySource: record?.expirySource ?? null,
      hasRefreshToken: record?.refreshToken != null,
      refreshExpiresAt: record?.refreshExpiresAt ?? null,
      identity,
      extraFields: record ? Object.keys(record.extra) : [],
      signInFields: (profile?.signInFields ?? []).map((f) => ({ name: f.name, label: f.label, required: f.required, secret: f.secret })),
      createdAt: account.createdAt,
    };
  }

  // --- loopback fast path (issue #4, added by the loopback work) ---

  /**
   * The current token when it lasts more than `minValidSeconds` and no renewal is running, else
   * `null` (then call `token`, which renews). Synchronous, so the loopback server can answer a
   * cached token in the same tick as the request: answering from a promise costs a measurable
   * share of a bare server's throughput.
   */
  cachedToken(name: string, minValidSeconds = 0): TokenView | null {
    const record = this.records.get(name);
    if (record == null) return null;
    if (record.expiresAt !== null && record.expiresAt - this.clock.now() <= Math.max(0, minValidSeconds) * 1000) return null;
    // While a renewal runs, callers wait for its result (the refresh engine's single flight).
    if (this.engine.isRefreshing(name)) return null;
    // The view changes only with the record or expires_in: build it once per second, not per request.
    const expiresIn = record.expiresAt === null ? null : Math.max(0, Math.floor((record.expiresAt - this.clock.now()) / 1000));
    const last = this.viewCache.get(name);
    if (last !== undefined && last.record === record && last.view.expires_in === expiresIn) return last.view;
    const view = this.tokenView(record);
    this.viewCache.set(name, { record, view });
    return view;
  }
}

/** Grant dependencies whose requests end when `signal` aborts (a cancelled sign-in). */
function withSignal(deps: GrantDeps, signal: AbortSignal): GrantDeps {
  return {
    ...deps,
    fetch: (input, init) => deps.fetch(input, { ...init, signal: init.signal == null ? signal : AbortSignal.any([init.signal, signal]) }),
  };
}

/** What an account whose preset is unknown (a hand-edited file) falls back to: RFC 6749's defaults. */
const UNKNOWN_PRESET_SETTINGS: AccountSettingsView = {
  baseUrl: '',
  tokenUrl: '',
  method: 'POST',
  encoding: 'form',
  clientAuth: 'basic',
  extraParams: {},
  allowInsecureHttp: false,
};

/** A URL or URL template as shown to the UI: no user name or password, no query, no fragment (they may carry secrets). */
const publicUrl = (url: string): string => url.replace(/[?#][\s\S]*$/, '').replace(/^([a-z][\w+.-]*:\/\/)[^/@]*@/i, '$1');

/** The non-secret settings the edit form shows, taken from a resolved profile (or a preset). */
function settingsView(profile: Pick<ProviderProfile, keyof AccountSettingsView>): AccountSettingsView {
  return {
    baseUrl: publicUrl(profile.baseUrl),
    tokenUrl: publicUrl(profile.tokenUrl),
    method: profile.method,
    encoding: profile.encoding,
    clientAuth: profile.clientAuth,
    extraParams: { ...profile.extraParams },
    allowInsecureHttp: profile.allowInsecureHttp,
  };
}

/** An account's requested scope as stored: a list, or null for the preset's default. */
const scopeList = (scope: string | readonly string[] | null | undefined): string[] | null => (scope == null ? null : [...(parseScope(scope) ?? [])]);

function pickIdentity(data: Record<string, unknown>): AccountView['identity'] {
  const text = (key: string): string | undefined => (typeof data[key] === 'string' || typeof data[key] === 'number' ? String(data[key]) : undefined);
  const name = [text('first_name'), text('last_name')].filter(Boolean).join(' ') || text('name');
  const identity = { id: text('id') ?? null, name: name ?? null, email: text('email') ?? null };
  return identity.id === null && identity.name === null && identity.email === null ? null : identity;
}
