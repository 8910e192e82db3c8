// The one facade the CLI, the loopback server and IPC all call: accounts, sign-in, tokens, status.
// Each account's token state lives in its AccountSession (accounts/account-session.ts); the flows
// (flows/) say how to get a token; the refresh engine (refresh/) only schedules. See docs/technical/architecture.md.

import type { AccountState } from '../../shared/account-state.js';
import type {
  AccountIdentity,
  AccountPatch,
  AccountListItem,
  AccountView,
  NewAccountInput,
  ProviderSummary,
  SignInInput,
  SignInProgress,
  SignOutOutcome,
  TokenDetails,
  TokenView,
} from '../../shared/accounts.js';
import type { ErrorValue } from '../../shared/errors.js';
import { err, ok, type Result } from '../../shared/result.js';
import { AccountSession, type Renewal } from './accounts/account-session.js';
import {
  ACCOUNT_NAME,
  VAULT_SERVICE,
  clientSecretEntry,
  encodeTokenRecord,
  readTokenRecord,
  tokenEntry,
  type Account,
  type AccountsFile,
} from './accounts/account-store.js';
import {
  accountListItem,
  accountView,
  identityAfterSignIn,
  providerSummary,
  scopeList,
  tokenDetails,
  tokenView,
  type AccountViewInput,
} from './accounts/account-views.js';
import { FLOWS, renewalFlows, signInFlow, signInFlowIds, type Flow, type FlowFacts, type FlowStart } from './flows/index.js';
import { listenForRedirect, type RedirectListen } from './flows/redirect-listener.js';
import type { OpenExternal } from './flows/system-browser.js';
import type { RandomBytes } from './grants/authorization-request.js';
import type { ClientCredentials } from './grants/client-auth.js';
import { discover, type ServerMetadata } from './grants/discovery.js';
import { requestToken, systemGrantDeps, type GrantDeps } from './grants/grant-client.js';
import { buildRevocationRequest, revokeToken, type TokenTypeHint } from './grants/revocation.js';
import { GrantError } from './grants/grant-error.js';
import { deadAfterRetry, refreshFailure } from './grants/refresh-failure.js';
import type { TokenRecord } from './grants/token-record.js';
import { silentLogger, type Logger } from './log/logger.js';
import type { ProfileOverrides, ProviderProfile } from './providers/profile.js';
import { profileOverridesSchema } from './providers/profile-schema.js';
import { findPreset, PRESETS } from './providers/presets.js';
import { endpointFor, fillTemplate, missingValue, optionalEndpoint, resolveAccountProfile, resolveProfile } from './providers/resolve-profile.js';
import { secretInSettings, type SecretSetting } from './providers/secret-params.js';
import { systemClock, type Clock, type TimerHandle } from './refresh/clock.js';
import { DEFAULT_REFRESH_SETTINGS, RefreshEngine, type RefreshSettings } from './refresh/refresh-engine.js';
import { afterWarmUp } from './refresh/renewal-warm-up.js';
import type { DataStore } from './vault/data-store.js';
import type { SecretStore, Vault } from './vault/secret-store.js';
import { VaultError } from './vault/vault-error.js';
import type { WriteGuard } from './vault/write-guard.js';

/** What the service needs of the vault: keytar's shape and atomic batches. */
export type ServiceSecrets = Pick<Vault, keyof SecretStore | 'setMany'>;

export interface ServiceOptions {
  /** The encrypted secret store (keytar's shape, plus atomic batches); writes resolve once durably on disk. */
  readonly secrets: ServiceSecrets;
  /** The non-secret accounts file: conf outside Electron, electron-store inside. */
  readonly accounts: DataStore<AccountsFile>;
  readonly clock?: Clock;
  readonly grantDeps?: GrantDeps;
  /**
   * Run once before this process's first request to a provider (refresh/renewal-warm-up.ts), by a process that
   * renews tokens: the rotated refresh token of its first answer is then written within milliseconds.
   */
  readonly warmUp?: () => Promise<unknown>;
  readonly random?: () => number;
  readonly refresh?: Partial<RefreshSettings>;
  /** Start background renewal timers (the desktop app and `serve`); one-shot CLI commands don't. */
  readonly background?: boolean;
  readonly log?: Logger;
  /** The sign-in and renewal flows, in order of preference (tests may narrow them). */
  readonly flows?: readonly Flow[];
  /**
   * Opens a URL in the system browser: the shell's choice (Electron's shell.openExternal, the
   * CLI's platform opener, a second page in the harness's tests). Absent: the URL is only reported.
   */
  readonly openExternal?: OpenExternal;
  /** The browser flow's loopback listener (a real one on 127.0.0.1 by default). */
  readonly listen?: RedirectListen;
  /** Randomness for PKCE, state and nonce (tests may fix it). */
  readonly randomBytes?: RandomBytes;
  /**
   * The data directory's lock: checked before a token request as well as before every write, so
   * that a process that lost the directory never spends a refresh token another owner holds now.
   */
  readonly ownership?: WriteGuard;
}

export type StatusListener = (name: string, state: AccountState) => void;
/** A browser or device sign-in waits for the person: what to show them. */
export type SignInProgressListener = (name: string, progress: SignInProgress) => void;

/** Per-call choices of one sign-in that are not data (the CLI's own opener). */
export interface SignInOptions {
  /** Replaces the service's opener for this sign-in (the CLI opens the platform's browser, or nothing with --no-browser). */
  readonly openExternal?: OpenExternal | null;
}

const serviceError = (code: string, kind: ErrorValue['kind'], message: string): ErrorValue => ({ code, kind, message });
const notFound = (name: string): ErrorValue => serviceError('not_found', 'not_found', `There is no account named "${name}".`);
const removedMeanwhile = (name: string): ErrorValue =>
  serviceError('account_removed', 'not_found', `The account "${name}" was removed while its token was being requested.`);

export class TokenryService {
  readonly #options: ServiceOptions;
  readonly #sessions = new Map<string, AccountSession>();
  readonly #engine: RefreshEngine;
  readonly #clock: Clock;
  readonly #grantDeps: GrantDeps;
  readonly #flows: readonly Flow[];
  readonly #log: Logger;
  readonly #progress = new Set<SignInProgressListener>();
  /** The page each waiting sign-in asks the person to open (authorization URL, verification URI), for "Open again". */
  readonly #pages = new Map<string, { readonly url: string; readonly open: OpenExternal | undefined; readonly signIn: AbortSignal | undefined }>();
  /** Retries of records the provider issued that could not be written yet, per account. */
  readonly #saveRetries = new Map<string, TimerHandle>();

  private constructor(options: ServiceOptions) {
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#flows = options.flows ?? FLOWS;
    this.#log = options.log ?? silentLogger;
    const random = options.random ?? Math.random;
    const grantDeps = options.grantDeps ?? {
      ...systemGrantDeps(),
      now: () => this.#clock.now(),
      sleep: (ms) => this.#clock.sleep(ms),
      // Request timeouts follow the same clock as everything else (a fake one in tests).
      setTimer: (fn, ms) => this.#clock.setTimer(fn, ms),
      random,
    };
    this.#grantDeps = options.warmUp === undefined ? grantDeps : { ...grantDeps, fetch: afterWarmUp(grantDeps.fetch, options.warmUp) };
    this.#engine = new RefreshEngine(
      this.#clock,
      { canRenew: (session) => this.#canRenew(session), renew: (session) => this.#renew(session) },
      { ...DEFAULT_REFRESH_SETTINGS, ...options.refresh },
      random,
      this.#log.child('refresh'),
    );
    if (options.background === false) this.#engine.stop();
  }

  /** Opens the service over a vault and an accounts file; loads every account's token record in one pass over the vault. */
  static async open(options: ServiceOptions): Promise<TokenryService> {
    const service = new TokenryService(options);
    const stored = new Map((await options.secrets.findCredentials(VAULT_SERVICE)).map((c) => [c.account, c.password]));
    for (const account of options.accounts.get().accounts) {
      const record = readTokenRecord(stored.get(tokenEntry(account.name)) ?? null);
      if (record.kind === 'damaged' || record.kind === 'newer') service.#log.warn('stored token not used', { account: account.name, reason: record.kind });
      service.#add(new AccountSession(account, record));
    }
    return service;
  }

  /** The presets, with every fact a form needs about their dialects (nothing is hard-coded in the UI). */
  providers(): ProviderSummary[] {
    return Object.values(PRESETS).map(providerSummary);
  }

  accounts(): AccountView[] {
    return [...this.#sessions.values()].map((s) => this.#view(s));
  }

  /** The accounts list: per account, what a row shows (accountView's fields, without its URL work). */
  accountList(): AccountListItem[] {
    return [...this.#sessions.values()].map((s) => accountListItem(this.#viewInput(s)));
  }

  account(name: string): Result<AccountView, ErrorValue> {
    const session = this.#sessions.get(name);
    return session ? ok(this.#view(session)) : err(notFound(name));
  }

  onStatus(listener: StatusListener): () => void {
    return this.#engine.onState(listener);
  }

  /** What a browser or device sign-in asks of the person (the URL, the code), as it happens. Never a secret. */
  onSignInProgress(listener: SignInProgressListener): () => void {
    this.#progress.add(listener);
    return () => this.#progress.delete(listener);
  }

  async addAccount(input: NewAccountInput): Promise<Result<AccountView, ErrorValue>> {
    if (!ACCOUNT_NAME.test(input.name)) {
      return err(
        serviceError('invalid_name', 'invalid_input', `"${input.name}" is not a valid account name: use lower-case letters, digits, '.', '_' or '-' (at most 64).`),
      );
    }
    if (this.#sessions.has(input.name)) return err(serviceError('already_exists', 'invalid_input', `An account named "${input.name}" already exists.`));
    // hasOwn: a name such as "constructor" must not find Object.prototype's.
    if (!Object.hasOwn(PRESETS, input.provider)) {
      return err(serviceError('unknown_provider', 'invalid_input', `Unknown provider "${input.provider}". Known: ${Object.keys(PRESETS).join(', ')}.`));
    }
    const overrides = profileOverridesSchema.safeParse(input.overrides ?? {});
    if (!overrides.success) return err(invalidProfile(overrides.error.issues[0]));
    const secret = secretInSettings(input.provider, overrides.data);
    if (secret !== null) return err(secretSetting(secret));
    const unknownParam = urlParamProblem(input.provider, overrides.data);
    if (unknownParam !== null) return err(unknownParam);
    const hasClientSecret = input.clientSecret !== undefined && input.clientSecret !== '';
    // An account with an issuer is found from it alone (OIDC Discovery, else RFC 8414) before anything is written.
    const found = await this.#discoverFor(resolveProfile(input.provider, overrides.data));
    if (!found.ok) return found;
    const discovery = found.value;
    const now = this.#clock.now();
    const account: Account = {
      name: input.name,
      provider: input.provider,
      overrides: discovery === null ? overrides.data : withClientAuth(overrides.data, discovery, hasClientSecret),
      scope: scopeList(input.scope),
      ...(input.clientId === undefined || input.clientId === '' ? {} : { clientId: input.clientId }),
      hasClientSecret,
      createdAt: now,
      updatedAt: now,
      needsSignIn: null,
      ...(discovery === null ? {} : { discovery }),
    };
    const invalid = endpointProblem(account);
    if (invalid !== null) return err(invalid);
    // One write: the client secret, and no token left under this name (a renewal that finished after a removed account's removal is not this account's).
    await this.#options.secrets.setMany([
      { service: VAULT_SERVICE, account: tokenEntry(account.name), password: null },
      ...(account.hasClientSecret && input.clientSecret !== undefined
        ? [{ service: VAULT_SERVICE, account: clientSecretEntry(account.name), password: input.clientSecret }]
        : []),
    ]);
    await this.#options.accounts.update((file) => ({ ...file, accounts: [...file.accounts, account] }));
    const session = new AccountSession(account, { kind: 'none' });
    this.#add(session);
    this.#log.info('account added', { account: account.name, provider: account.provider });
    return ok(this.#view(session));
  }

  /**
   * Removes the account: its tokens are revoked first where the provider has a revocation endpoint
   * (RFC 7009); a revocation that fails is reported as a warning and the removal still happens.
   */
  async removeAccount(name: string): Promise<Result<SignOutOutcome, ErrorValue>> {
    const session = this.#sessions.get(name);
    if (!session) return err(notFound(name));
    // Retired first: a renewal or sign-in still running finds out and keeps nothing it gets.
    session.retire();
    this.#saveRetries.get(name)?.cancel();
    this.#saveRetries.delete(name);
    this.#engine.forget(name);
    this.#sessions.delete(name);
    const revoked = await this.#revokeTokens(session.account, session.record);
    await this.#options.accounts.update((file) => ({ ...file, accounts: file.accounts.filter((a) => a.name !== name) }));
    await this.#options.secrets.setMany([
      { service: VAULT_SERVICE, account: tokenEntry(name), password: null },
      { service: VAULT_SERVICE, account: clientSecretEntry(name), password: null },
    ]);
    this.#log.info('account removed', { account: name, revocation: revoked.revocation });
    return ok(revoked);
  }

  /**
   * Signs the account out: its refresh and access tokens are revoked where the provider has a
   * revocation endpoint (RFC 7009 §2.1), then forgotten; the account and its client secret stay.
   * A revocation that fails is a warning: the tokens are forgotten here all the same. Nothing
   * renews the account (not even its client credentials) until it signs in again.
   */
  async logout(name: string): Promise<Result<SignOutOutcome, ErrorValue>> {
    const session = this.#sessions.get(name);
    if (!session) return err(notFound(name));
    session.cancelSignIn();
    // A renewal in flight finishes first (its rotated token is then the one revoked).
    await session.idle();
    const record = session.record;
    // Forgotten in memory at once, in the same tick: nothing can start renewing with it any more.
    session.forgetRecord();
    session.setFailure(null);
    await this.#options.secrets.setMany([{ service: VAULT_SERVICE, account: tokenEntry(name), password: null }]);
    await this.#saveAccount(session, { ...session.account, signedOut: true, needsSignIn: null, identity: null });
    const revoked = await this.#revokeTokens(session.account, record);
    this.#log.info('signed out', { account: name, revocation: revoked.revocation });
    return ok(revoked);
  }

  /** Fetches the issuer's metadata again (OIDC Discovery, else RFC 8414) and keeps it with the account. */
  async rediscover(name: string): Promise<Result<AccountView, ErrorValue>> {
    const session = this.#sessions.get(name);
    if (!session) return err(notFound(name));
    const profile = this.#profile(session.account);
    if (profile.issuer === undefined) {
      return err(serviceError('no_issuer', 'config', `"${name}" has no issuer to discover from: add one (--issuer) or give its endpoints.`));
    }
    const found = await this.#discoverFor(profile);
    if (!found.ok) return found;
    if (found.value === null) return ok(this.#view(session));
    const next: Account = { ...session.account, discovery: found.value };
    const invalid = endpointProblem(next);
    if (invalid !== null) return err(invalid);
    await this.#saveAccount(session, next);
    this.#log.info('rediscovered', { account: name, source: found.value.source });
    return ok(this.#view(session));
  }

  /**
   * Signs in with the flow the account's profile offers for what the person gave: a password
   * grant with what they typed (never stored, RFC 6749 §4.3.1), or a client_credentials grant
   * (RFC 6749 §4.4) for accounts that need nothing from them. A failure stays on the account
   * (its state) until the next attempt.
   */
  async signIn(name: string, input: SignInInput = {}, options: SignInOptions = {}): Promise<Result<AccountView, ErrorValue>> {
    const session = this.#sessions.get(name);
    if (!session) return err(notFound(name));
    let facts: FlowFacts;
    try {
      facts = this.#facts(session);
    } catch (error) {
      if (error instanceof GrantError) return err(error.toJSON());
      throw error;
    }
    const flow = signInFlow(facts, input, this.#flows);
    if (!flow.ok) return flow;
    const prepared = flow.value.prepare(facts, input);
    if (!prepared.ok) return prepared;
    const controller = session.beginSignIn();
    this.#engine.reschedule(session);
    let result: Renewal;
    try {
      const opener = options.openExternal === undefined ? this.#options.openExternal : (options.openExternal ?? undefined);
      result = await this.#runFlow(session, flow.value, prepared.value, null, {
        signal: controller.signal,
        ...(input.username === undefined ? {} : { username: input.username }),
        ...(opener === undefined ? {} : { openExternal: opener }),
      });
    } finally {
      session.endSignIn(controller);
      // Only this sign-in's page: a newer attempt (which cancelled this one) keeps its own.
      if (this.#pages.get(name)?.signIn === controller.signal) this.#pages.delete(name);
    }
    if (!result.ok) {
      const error = controller.signal.aborted ? serviceError('cancelled', 'cancelled', `Signing in to "${name}" was cancelled.`) : result.error;
      if (!session.retired) {
        session.setFailure({ error, retryAt: null, attempts: 1, since: this.#clock.now(), origin: 'sign_in' });
        this.#engine.reschedule(session);
      }
      this.#log.info('sign-in failed', { account: name, flow: flow.value.id, kind: error.kind, code: error.code });
      return err(error);
    }
    this.#log.info('signed in', { account: name, flow: flow.value.id });
    return ok(this.#view(session));
  }

  /**
   * Opens the page the account's waiting sign-in asks the person to visit again (the authorization
   * URL, or the device verification URI) with the shell's opener: the renderer never hands main a URL.
   */
  async openSignInPage(name: string): Promise<Result<null, ErrorValue>> {
    if (!this.#sessions.has(name)) return err(notFound(name));
    const page = this.#pages.get(name);
    if (page === undefined) return err(serviceError('no_sign_in_page', 'not_found', `No sign-in of "${name}" is waiting for a page to be opened.`));
    if (page.open === undefined) return err(serviceError('no_browser', 'config', 'Tokenry cannot open a browser here: open the address yourself.'));
    try {
      await page.open(page.url);
      return ok(null);
    } catch (error) {
      this.#log.warn('could not open the browser', { account: name, cause: error });
      return err(serviceError('browser_failed', 'config', 'The browser could not be opened: open the address yourself.'));
    }
  }

  /** Stops the account's sign-in in progress; its request is aborted and nothing it returns is kept. */
  cancelSignIn(name: string): Result<null, ErrorValue> {
    const session = this.#sessions.get(name);
    if (!session) return err(notFound(name));
    session.cancelSignIn();
    return ok(null);
  }

  /** A token valid for at least `minValidSeconds`, renewed first if it would expire sooner (single flight). */
  async token(name: string, options: { minValidSeconds?: number } = {}): Promise<Result<TokenView, ErrorValue>> {
    const session = this.#sessions.get(name);
    if (!session) return err(notFound(name));
    if (session.record === null && session.unsaved === null && !this.#canRenew(session)) {
      const problem = session.recordProblem;
      if (problem !== null) return err(problem);
      return err(
        serviceError('needs_sign_in', 'needs_sign_in', session.account.needsSignIn ?? `Account "${name}" is not signed in: run \`tokenry login ${name}\`.`),
      );
    }
    const minValidMs = Math.max(0, options.minValidSeconds ?? 0) * 1000;
    const result = await this.#engine.ensureValid(session, minValidMs);
    if (!result.ok) return result;
    const { record, warning } = result.value;
    const now = this.#clock.now();
    const view = record === session.record ? (session.tokenView(now) ?? tokenView(record, now)) : tokenView(record, now);
    return ok(warning === null ? view : { ...view, warning });
  }

  /** Renews now, whatever the expiry. */
  async refresh(name: string): Promise<Result<AccountView, ErrorValue>> {
    const session = this.#sessions.get(name);
    if (!session) return err(notFound(name));
    const result = await this.#engine.renew(session);
    if (!result.ok) return result;
    return ok(this.#view(session));
  }

  /**
   * Changes an account's settings (`reset` drops its own values of optional ones); a new client
   * secret replaces the stored one, absent keeps it.
   */
  async updateAccount(name: string, patch: AccountPatch): Promise<Result<AccountView, ErrorValue>> {
    const session = this.#sessions.get(name);
    if (!session) return err(notFound(name));
    const account = session.account;
    const merged: Record<string, unknown> = { ...account.overrides, ...(patch.overrides ?? {}) };
    // A reset drops the account's own value: discovery's, the preset's or the default applies again.
    for (const key of patch.reset ?? []) delete merged[key];
    const overrides = profileOverridesSchema.safeParse(merged);
    if (!overrides.success) return err(invalidProfile(overrides.error.issues[0]));
    const secret = secretInSettings(account.provider, patch.overrides ?? {});
    if (secret !== null) return err(secretSetting(secret));
    const unknownParam = urlParamProblem(account.provider, overrides.data);
    if (unknownParam !== null) return err(unknownParam);
    // Another issuer: its metadata replaces the old one's (never endpoints of one issuer under another's name).
    let discovery = account.discovery;
    const issuer = resolveProfile(account.provider, overrides.data).issuer;
    if (issuer !== resolveProfile(account.provider, account.overrides).issuer) {
      const found = await this.#discoverFor(resolveProfile(account.provider, overrides.data));
      if (!found.ok) return found;
      discovery = found.value ?? undefined;
    }
    const { discovery: _old, ...rest } = account;
    const next: Account = {
      ...rest,
      ...(discovery === undefined ? {} : { discovery }),
      overrides: overrides.data,
      ...(patch.scope === undefined ? {} : { scope: scopeList(patch.scope) }),
      ...(patch.clientId === undefined ? {} : patch.clientId === '' ? { clientId: undefined } : { clientId: patch.clientId }),
      ...(patch.clientSecret === undefined ? {} : { hasClientSecret: patch.clientSecret !== '' }),
    };
    const invalid = endpointProblem(next);
    if (invalid !== null) return err(invalid);
    if (patch.clientSecret !== undefined) {
      if (patch.clientSecret === '') await this.#options.secrets.deletePassword(VAULT_SERVICE, clientSecretEntry(name));
      else await this.#options.secrets.setPassword(VAULT_SERVICE, clientSecretEntry(name), patch.clientSecret);
    }
    await this.#saveAccount(session, next);
    return ok(this.#view(session));
  }

  /** What the token says about itself: decoded JWT claims (unverified, for reading) and the other answer fields, secrets masked. */
  tokenDetails(name: string): Result<TokenDetails, ErrorValue> {
    const session = this.#sessions.get(name);
    if (!session) return err(notFound(name));
    const record = session.record;
    if (record === null) return err(session.recordProblem ?? serviceError('needs_sign_in', 'needs_sign_in', `Account "${name}" is not signed in.`));
    return ok(tokenDetails(record));
  }

  /**
   * The current token when it lasts more than `minValidSeconds` and no renewal is running, else
   * `null` (then call `token`, which renews). Synchronous, so the loopback server can answer a
   * cached token in the same tick as the request: answering from a promise costs a measurable
   * share of a bare server's throughput.
   */
  cachedToken(name: string, minValidSeconds = 0): TokenView | null {
    const session = this.#sessions.get(name);
    const record = session?.record;
    if (session === undefined || record == null || session.renewing) return null;
    const now = this.#clock.now();
    // Anything but a token that plainly lasts (renewal due, expired, one that cannot meet min_valid) goes through token().
    const minValidMs = Math.max(0, minValidSeconds) * 1000;
    if (record.expiresAt !== null && record.expiresAt - now <= minValidMs) return null;
    // No stated lifetime: min_valid=N asks for a token issued within N seconds (grants/token-fitness.ts).
    if (record.expiresAt === null && minValidMs > 0 && now - record.issuedAt >= minValidMs) return null;
    return session.tokenView(now);
  }

  /** After sleep (or a wall-clock jump): renews what fell due while timers stood still. */
  resume(): void {
    this.#engine.resume();
  }

  /** Applies new refresh settings (lead time) to every account at once. */
  configureRefresh(settings: Partial<RefreshSettings>): void {
    this.#engine.configure(settings);
  }

  /** The most upstream renewals that ever ran at once (for tests and benchmarks). */
  get concurrencyHighWater(): number {
    return this.#engine.concurrencyHighWater;
  }

  close(): void {
    this.#engine.stop();
    for (const timer of this.#saveRetries.values()) timer.cancel();
    this.#saveRetries.clear();
  }

  /**
   * Waits for every renewal in flight (and so its writes), then tries once more to write any
   * record that could not be written; for orderly shutdown and tests. A record that still cannot
   * be written is logged as an error: it is lost when the process ends.
   */
  async flush(): Promise<void> {
    await Promise.allSettled([...this.#sessions.values()].map((s) => s.idle()));
    for (const session of this.#sessions.values()) {
      if (session.unsaved === null) continue;
      await this.#saveUnsaved(session).catch((error: unknown) =>
        this.#log.error('a renewed token could not be written and is lost when Tokenry stops: the account will need a new sign-in', { account: session.name, cause: error }),
      );
    }
  }

  // --- internals ---

  #add(session: AccountSession): void {
    this.#sessions.set(session.name, session);
    this.#engine.watch(session);
  }

  /** The account's effective profile: preset, then what discovery found, then its own overrides. */
  #profile(account: Account): ProviderProfile {
    return resolveAccountProfile(account.provider, account.discovery, account.overrides);
  }

  #facts(session: AccountSession): FlowFacts {
    return { account: session.account, profile: this.#profile(session.account), record: session.record };
  }

  /** The issuer's metadata when the profile names an issuer (null when it names none). */
  async #discoverFor(profile: ProviderProfile): Promise<Result<ServerMetadata | null, ErrorValue>> {
    if (profile.issuer === undefined) return ok(null);
    // An issuer template still holding a placeholder: a value the preset asks for (a realm, a base URL) is missing.
    const issuer = fillTemplate(profile, profile.issuer);
    if (!issuer.ok) return err(serviceError('missing_setting', 'invalid_input', missingValue(profile, issuer.missing)));
    const found = await discover(profile.issuer, this.#grantDeps, {
      allowInsecureHttp: profile.allowInsecureHttp,
      ...(profile.tenantIssuer === undefined ? {} : { tenantPlaceholder: profile.tenantIssuer.placeholder }),
      ...(profile.timeoutSeconds === undefined ? {} : { timeoutSeconds: profile.timeoutSeconds }),
    });
    if (!found.ok) {
      this.#log.info('discovery failed', { issuer: profile.issuer, code: found.error.code });
      return err(found.error.toJSON());
    }
    return ok(found.value);
  }

  /** The client as the vault holds it: id, and the secret read for this one use. */
  async #client(account: Account): Promise<ClientCredentials> {
    const clientSecret = account.hasClientSecret ? ((await this.#options.secrets.getPassword(VAULT_SERVICE, clientSecretEntry(account.name))) ?? undefined) : undefined;
    return { ...(account.clientId === undefined ? {} : { clientId: account.clientId }), ...(clientSecret === undefined ? {} : { clientSecret }) };
  }

  /**
   * Revokes a record's refresh token, then its access token (RFC 7009 §2.1; revoking the refresh
   * token first, since a server may revoke the access tokens of its grant with it), where the
   * provider has a revocation endpoint. Never throws: a failure is the outcome's warning.
   */
  async #revokeTokens(account: Account, record: TokenRecord | null): Promise<SignOutOutcome> {
    const tokens: Array<{ value: string; hint: TokenTypeHint }> = [];
    if (record?.refreshToken != null) tokens.push({ value: record.refreshToken, hint: 'refresh_token' });
    if (record !== null) tokens.push({ value: record.accessToken, hint: 'access_token' });
    if (tokens.length === 0) return { revocation: 'nothing_to_revoke', warning: null };
    let profile: ProviderProfile;
    let endpoint: URL | null;
    try {
      profile = this.#profile(account);
      endpoint = optionalEndpoint(profile, 'revocationUrl');
    } catch (error) {
      const message = error instanceof Error ? error.message : 'its settings are not valid';
      return { revocation: 'failed', warning: `The tokens of "${account.name}" were not revoked at the provider (${message}); they stay valid there until they expire.` };
    }
    if (endpoint === null) return { revocation: 'not_supported', warning: null };
    try {
      const client = await this.#client(account);
      for (const token of tokens) {
        const revoked = await revokeToken(buildRevocationRequest(profile, endpoint, client, token, account.basicEncoding), this.#grantDeps, {
          ...(profile.timeoutSeconds === undefined ? {} : { timeoutSeconds: profile.timeoutSeconds }),
        });
        if (!revoked.ok) {
          this.#log.warn('revocation failed', { account: account.name, hint: token.hint, code: revoked.error.code, status: revoked.error.status });
          return {
            revocation: 'failed',
            warning: `The ${token.hint === 'refresh_token' ? 'refresh' : 'access'} token of "${account.name}" was not revoked at the provider (${revoked.error.message.replace(/\.$/, '')}); it was forgotten here, but stays valid there until it expires.`,
          };
        }
      }
    } catch (error) {
      this.#log.error('revocation failed', { account: account.name, cause: error });
      return { revocation: 'failed', warning: `The tokens of "${account.name}" were not revoked at the provider; they were forgotten here, but stay valid there until they expire.` };
    }
    return { revocation: 'revoked', warning: null };
  }

  #canRenew(session: AccountSession): boolean {
    if (!Object.hasOwn(PRESETS, session.account.provider)) return false;
    return renewalFlows(this.#facts(session), this.#flows).length > 0;
  }

  #viewInput(session: AccountSession): AccountViewInput {
    let profile: ProviderProfile | null = null;
    try {
      profile = this.#profile(session.account);
    } catch {
      // An unknown preset (a hand-edited file): the view says what it can.
    }
    const signInFlows = profile === null ? [] : signInFlowIds({ account: session.account, profile, record: session.record }, this.#flows);
    return { account: session.account, profile, record: session.record, state: this.#engine.state(session), signInFlows };
  }

  #view(session: AccountSession): AccountView {
    return accountView(this.#viewInput(session));
  }

  /**
   * The renewer behind the refresh engine: the renewal flows in order (refresh token, then a new
   * client grant where the account signed in that way). A refresh token the provider refuses
   * (RFC 6749 §5.2 invalid_grant) is forgotten; with nothing left to renew by, the account needs
   * the person.
   */
  async #renew(session: AccountSession): Promise<Renewal> {
    if (session.unsaved !== null) {
      // Written before anything else is asked of the provider: its refresh token may be the only one still valid.
      await this.#saveUnsaved(session);
      const saved = session.record;
      if (saved !== null && (saved.expiresAt === null || saved.expiresAt > this.#clock.now())) return ok(saved);
    }
    for (;;) {
      if (session.retired) return err(removedMeanwhile(session.name));
      const facts = this.#facts(session);
      const flow = renewalFlows(facts, this.#flows)[0];
      if (flow === undefined) {
        return err(
          serviceError('needs_sign_in', 'needs_sign_in', session.account.needsSignIn ?? `Account "${session.name}" cannot renew its token without you: run \`tokenry login ${session.name}\`.`),
        );
      }
      const prepared = flow.prepare(facts, {});
      if (!prepared.ok) return prepared;
      const earlier = session.failure?.error.code;
      let result = await this.#runFlow(session, flow, prepared.value, facts.record, {});
      if (result.ok || flow.id !== 'refresh_token' || session.retired || result.grant === undefined) return plain(result);
      // What the refusal means for the refresh token (RFC 6749 §5.2 and the servers that say it otherwise).
      const meaning = refreshFailure(result.grant);
      if (meaning === 'retry_then_dead') {
        // A bare 400 or a reasonless invalid_request: one more try tells a bad moment from a dead token.
        this.#log.info('refresh refused without a reason; trying once more', { account: session.name, status: result.grant.status });
        result = await this.#runFlow(session, flow, prepared.value, facts.record, {});
        if (result.ok || session.retired || result.grant === undefined || !deadAfterRetry(result.grant)) return plain(result);
      } else if (meaning !== 'dead') {
        return plain(result);
      }
      // The refresh token is dead: forget it, then try what is left.
      const record = facts.record;
      if (record !== null) await this.#persistRecord(session, { ...record, refreshToken: null, refreshExpiresAt: null });
      this.#log.warn('refresh token refused', { account: session.name, code: result.error.code, status: result.error.status });
      if (renewalFlows(this.#facts(session), this.#flows).length === 0) {
        // After a refresh that timed out, the provider may have rotated the token then: say so, it is why.
        // What the provider said (Entra's AADSTS sentence) is kept: it tells a revoked grant from an expired one.
        const said = result.grant.description === undefined ? '' : ` (${result.grant.description})`;
        const reason =
          earlier === 'timeout'
            ? `The provider refused the refresh token${said} after an earlier refresh timed out (the provider may have renewed it then without Tokenry hearing the answer): sign in again.`
            : `The provider refused the refresh token${said}: sign in again.`;
        await this.#saveAccount(session, { ...session.account, needsSignIn: reason });
        return err(serviceError('needs_sign_in', 'needs_sign_in', `${reason.replace(/: sign in again\.$/, '')} for "${session.name}": sign in again.`));
      }
    }
  }

  /** Runs one flow for the session's account and persists what it returns before anyone sees it. */
  async #runFlow(session: AccountSession, flow: Flow, start: FlowStart, previous: TokenRecord | null, run: RunContext): Promise<FlowResult> {
    const account = session.account;
    const profile = this.#profile(account);
    const client = await this.#client(account);
    const { signal } = run;
    this.#log.debug('requesting a token', { account: account.name, flow: flow.id });
    // A process that lost the directory must not spend a refresh token its new owner holds.
    await this.#options.ownership?.verify();
    const outcome = await flow.run(
      {
        account,
        profile,
        record: previous,
        client,
        deps: this.#grantDeps,
        ...(signal === undefined ? {} : { signal }),
        listen: this.#options.listen ?? listenForRedirect,
        ...(this.#options.randomBytes === undefined ? {} : { random: this.#options.randomBytes }),
        progress: (progress) => {
          if (session.retired || signal?.aborted) return;
          if (progress.kind === 'browser') this.#pages.set(account.name, { url: progress.url, open: run.openExternal, signIn: signal });
          if (progress.kind === 'device') this.#pages.set(account.name, { url: progress.verificationUriComplete ?? progress.verificationUri, open: run.openExternal, signIn: signal });
          for (const listener of this.#progress) {
            try {
              listener(account.name, progress);
            } catch (error) {
              this.#log.error('sign-in progress listener failed', { cause: error });
            }
          }
        },
        openBrowser: async (url) => {
          if (run.openExternal === undefined) return false;
          try {
            await run.openExternal(url);
            return true;
          } catch (error) {
            // The URL is reported all the same: the person can open it by hand.
            this.#log.warn('could not open the browser', { account: account.name, cause: error });
            return false;
          }
        },
        grant: async (grant) => {
          try {
            return await requestToken(
              profile,
              grant,
              client,
              {
                scope: account.scope,
                previous,
                ...(account.basicEncoding === undefined ? {} : { basicEncoding: account.basicEncoding }),
                ...(signal === undefined ? {} : { signal }),
              },
              this.#grantDeps,
            );
          } catch (error) {
            if (error instanceof GrantError) return err(error);
            throw error;
          }
        },
      },
      start,
    );
    if (!outcome.ok) {
      this.#log.debug('token request failed', { account: account.name, flow: flow.id, code: outcome.error.code, status: outcome.error.status, cause: outcome.error });
      return { ok: false, error: outcome.error.toJSON(), grant: outcome.error };
    }
    // Removed (or removed and added again) while the request ran: the answer belongs to no account.
    if (session.retired) return err(removedMeanwhile(account.name));
    if (signal?.aborted) return err(serviceError('cancelled', 'cancelled', `Signing in to "${account.name}" was cancelled.`));
    const record = outcome.value.record;
    if (outcome.value.identityProblem !== undefined) this.#log.warn('could not read who signed in', { account: account.name, reason: outcome.value.identityProblem });
    // A rotated refresh token is on disk (fsynced) before the new access token is handed out.
    await this.#persistRecord(session, record);
    const latest = session.account;
    const remembered = outcome.value.basicEncoding;
    const renewal = flow.id === 'refresh_token';
    const signInGrant = renewal || flow.grant === 'refresh_token' ? latest.signInGrant : flow.grant;
    // A validated ID token says who signed in; else what the answer or the typed user name says.
    const identity: AccountIdentity | null | undefined = renewal ? latest.identity : (outcome.value.identity ?? identityAfterSignIn(record, run.username));
    const rememberEncoding = remembered !== undefined && remembered !== latest.basicEncoding && remembered !== profile.basicEncoding;
    const signedBackIn = !renewal && latest.signedOut === true;
    if (latest.needsSignIn !== null || signInGrant !== latest.signInGrant || rememberEncoding || !sameIdentity(identity, latest.identity) || signedBackIn) {
      const { signedOut: _signedOut, ...rest } = latest;
      await this.#saveAccount(session, {
        ...(renewal ? latest : rest),
        needsSignIn: null,
        ...(signInGrant === undefined ? {} : { signInGrant }),
        ...(rememberEncoding ? { basicEncoding: remembered } : {}),
        ...(identity === undefined ? {} : { identity }),
      });
    } else {
      this.#engine.reschedule(session);
    }
    this.#log.debug('token stored', { account: account.name, flow: flow.id, expiresAt: record.expiresAt });
    return ok(record);
  }

  /**
   * Writes the record, alone and first (one journal append: milliseconds), and only then makes it
   * the session's current one. When the write fails the record is kept in memory as unsaved and
   * written again (on a timer, and before any further request to the provider): it may hold the
   * only refresh token the provider still accepts. The failure is a storage error naming its
   * cause (ENOSPC...).
   */
  async #persistRecord(session: AccountSession, record: TokenRecord): Promise<void> {
    if (session.retired) return;
    try {
      await this.#options.secrets.setPassword(VAULT_SERVICE, tokenEntry(session.name), encodeTokenRecord(record));
    } catch (error) {
      if (session.retired) throw error;
      session.holdUnsaved(record);
      this.#scheduleSave(session, 0);
      this.#log.error('could not write a token the provider issued; kept in memory and written again before the next request', { account: session.name, cause: error });
      throw unsavedError(session.name, error);
    }
    session.adopt(record);
  }

  /** Writes the session's unsaved record; rejects (a storage error) while it still cannot. */
  async #saveUnsaved(session: AccountSession): Promise<void> {
    const record = session.unsaved;
    if (record === null || session.retired) return;
    try {
      await this.#options.secrets.setPassword(VAULT_SERVICE, tokenEntry(session.name), encodeTokenRecord(record));
    } catch (error) {
      throw unsavedError(session.name, error);
    }
    session.adopt(record);
    this.#saveRetries.get(session.name)?.cancel();
    this.#saveRetries.delete(session.name);
    this.#log.info('wrote the token that could not be written before', { account: session.name });
  }

  /** Tries the write again later, backing off (1 s, 2 s, 4 s... at most a minute), until it succeeds or the account goes. */
  #scheduleSave(session: AccountSession, attempt: number): void {
    this.#saveRetries.get(session.name)?.cancel();
    const delay = Math.min(60_000, 1000 * 2 ** attempt);
    this.#saveRetries.set(
      session.name,
      this.#clock.setTimer(() => {
        this.#saveRetries.delete(session.name);
        if (session.unsaved === null || session.retired || this.#sessions.get(session.name) !== session) return;
        this.#saveUnsaved(session).then(
          () => {
            // The account's failure was the write: it is over.
            session.setFailure(null);
            this.#engine.reschedule(session);
          },
          () => this.#scheduleSave(session, attempt + 1),
        );
      }, delay),
    );
  }

  /** Writes the account's new settings (the file first, then memory) and reschedules it. */
  async #saveAccount(session: AccountSession, next: Account): Promise<void> {
    if (session.retired) return;
    const updated: Account = { ...next, updatedAt: this.#clock.now() };
    await this.#options.accounts.update((file) => ({ ...file, accounts: file.accounts.map((a) => (a.name === session.name ? updated : a)) }));
    session.setAccount(updated);
    this.#engine.reschedule(session);
  }
}

/** A record that could not be written: a storage failure naming its cause, and what Tokenry does about it. */
function unsavedError(name: string, cause: unknown): VaultError {
  const reason = cause instanceof Error ? cause.message.replace(/\.$/, '') : 'the write failed';
  const code = cause instanceof VaultError && cause.code !== 'io' ? cause.code : 'io';
  return new VaultError(
    code,
    `The token the provider just issued for "${name}" could not be saved: ${reason}. Tokenry keeps it in memory and saves it before asking the provider again`,
    { cause, ...(cause instanceof VaultError && cause.path !== undefined ? { path: cause.path } : {}) },
  );
}

/** A setting that would keep a secret in clear in the accounts file (and show it with the account): refused. */
function secretSetting(secret: SecretSetting): ErrorValue {
  const where = secret.kind === 'param' ? `The extra parameter "${secret.name}"` : `The ${secret.setting ?? 'URL'} setting's ${secret.name === 'user info' ? 'user name and password' : `"${secret.name}" parameter`}`;
  const instead = secret.clientSecret ? 'give the client secret in its own field (it is kept in the vault)' : 'Tokenry keeps secrets only in its vault, so it cannot be part of an account\'s settings';
  return serviceError('secret_in_settings', 'invalid_input', `${where} would hold a secret in clear: ${instead}.`);
}

function invalidProfile(issue: { path: PropertyKey[]; message: string } | undefined): ErrorValue {
  return serviceError('invalid_profile', 'invalid_input', `Invalid provider setting ${issue?.path.map(String).join('.') ?? ''}: ${issue?.message ?? 'invalid'}.`);
}

/** A URL placeholder value the preset has no placeholder for (a realm for Microsoft): the person misnamed a setting. */
function urlParamProblem(presetId: string, overrides: ProfileOverrides): ErrorValue | null {
  const preset = findPreset(presetId);
  const known = new Set((preset?.urlParamFields ?? []).map((f) => f.name));
  const unknown = Object.keys(overrides.urlParams ?? {}).find((name) => !known.has(name));
  if (unknown === undefined) return null;
  const takes = [...known].join(', ');
  return serviceError(
    'invalid_profile',
    'invalid_input',
    `Invalid provider setting urlParams.${unknown}: ${preset?.label ?? presetId} has no such setting${takes === '' ? '' : ` (it takes: ${takes})`}.`,
  );
}

/** Whether the account's token endpoint resolves to a URL Tokenry may use (https, or loopback, or allowed http). */
function endpointProblem(account: Account): ErrorValue | null {
  try {
    const profile = resolveAccountProfile(account.provider, account.discovery, account.overrides);
    endpointFor(profile, profile.grants[0] ?? 'password');
    // The other endpoints the account names must resolve too (https, no credentials in them).
    for (const field of ['authorizationUrl', 'deviceAuthorizationUrl', 'revocationUrl'] as const) optionalEndpoint(profile, field);
    return null;
  } catch (error) {
    if (error instanceof GrantError) return error.toJSON();
    throw error;
  }
}

/** What one flow run gets besides its start: the sign-in's cancellation, the typed user name, the opener. */
interface RunContext {
  readonly signal?: AbortSignal;
  readonly username?: string;
  readonly openExternal?: OpenExternal;
}

const sameIdentity = (a: AccountIdentity | null | undefined, b: AccountIdentity | null | undefined): boolean =>
  a === b || (a != null && b != null && a.id === b.id && a.name === b.name && a.email === b.email);

/**
 * How the client authenticates at a discovered server unless the person chose: a public client
 * (no secret) sends only its id (RFC 6749 §2.1); a confidential one uses HTTP Basic where the
 * server lists it (the OAuth default, client_secret_basic), else client_secret_post.
 */
function withClientAuth(overrides: ProfileOverrides, discovery: ServerMetadata, hasClientSecret: boolean): ProfileOverrides {
  if (overrides.clientAuth !== undefined) return overrides;
  const methods = discovery.tokenEndpointAuthMethodsSupported;
  const clientAuth = !hasClientSecret ? 'none' : methods === null || methods.includes('client_secret_basic') || !methods.includes('client_secret_post') ? 'basic' : 'body';
  return { ...overrides, clientAuth };
}

/** A flow's outcome: the record, or the error value with the grant error behind it (to classify a refused refresh). */
type FlowResult = { readonly ok: true; readonly value: TokenRecord } | { readonly ok: false; readonly error: ErrorValue; readonly grant?: GrantError };

/** The outcome as callers see it: a record or an error value. */
const plain = (result: FlowResult): Renewal => (result.ok ? result : err(result.error));
