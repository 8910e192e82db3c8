// Loopback clients (clients.json): who may ask for which accounts' tokens, keys kept only as hashes.
import { hash, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { ErrorValue } from '../../../shared/errors.js';
import { err, ok, type Result } from '../../../shared/result.js';
import { ACCOUNT_NAME } from '../accounts/account-store.js';
import { openDataStore, type DataStore, type StoreOpener } from '../vault/data-store.js';
import { CLIENT_KEY_PATTERN, hashClientKey, KEY_HASH_PATTERN, newClientKey } from './client-keys.js';
import { systemClock, type Clock, type TimerHandle } from '../refresh/clock.js';

/** Client names follow account names: short, script-friendly, safe in logs. */
export const CLIENT_NAME = ACCOUNT_NAME;

export const CLIENTS_FILE = 'clients';

const clientSchema = z
  .object({
    name: z.string().regex(CLIENT_NAME),
    keyHash: z.string().regex(KEY_HASH_PATTERN),
    accounts: z.array(z.string().regex(ACCOUNT_NAME)).max(10_000),
    createdAt: z.number().int().nonnegative(),
    lastUsedAt: z.number().int().nonnegative().nullable(),
  })
  .strict();

/** clients.json's format. 2: authenticated (a `mac` beside the content, see vault/data-store.ts); 1 had none. */
export const CLIENTS_VERSION = 2;

export const clientsFileSchema = z
  .object({
    version: z.literal(CLIENTS_VERSION),
    clients: z.array(clientSchema).max(10_000),
  })
  .strict();

export type StoredClient = z.infer<typeof clientSchema>;
export type ClientsFile = z.infer<typeof clientsFileSchema>;
export const EMPTY_CLIENTS: ClientsFile = { version: CLIENTS_VERSION, clients: [] };

/** What the UI and `tokenry client list` see of a client: never its key, nor the key's hash. */
export interface ClientView {
  readonly name: string;
  readonly accounts: readonly string[];
  readonly createdAt: number;
  readonly lastUsedAt: number | null;
}

/** An authenticated client, as the request handler needs it. */
export interface LoopbackClient {
  readonly name: string;
  readonly accounts: ReadonlySet<string>;
}

export interface ClientStoreOptions {
  readonly now?: () => number;
  /**
   * How long a "last used" time may wait in memory before it is written: a busy client must not
   * cost a disk write per request. Default 30 s; pending times are written by `flush` and `close`.
   */
  readonly lastUsedDelayMs?: number;
  /** conf by default; the desktop app passes electron-store. */
  readonly openStore?: StoreOpener;
  /** The timer that writes last-used times (tests drive it by hand). */
  readonly timers?: Pick<Clock, 'setTimer'>;
}

interface Entry {
  readonly client: LoopbackClient;
  readonly hash: Buffer;
}

const problem = (code: string, kind: ErrorValue['kind'], message: string): ErrorValue => ({ code, kind, message });

export class ClientStore {
  /** Authenticated lookups: key hash (hex) -> client. */
  private byHash = new Map<string, Entry>();
  /** Last-used times not yet on disk, and the newest known for each client. */
  private readonly pendingUse = new Map<string, number>();
  private readonly lastUsed = new Map<string, number>();
  private useTimer: TimerHandle | null = null;
  /** One-time grants ("Allow once"): `client\naccount` -> when the grant lapses. Memory only. */
  private readonly grants = new Map<string, number>();
  /** The last write of last-used times, so that flush() also waits for one the timer started. */
  private lastUseWrite: Promise<void> = Promise.resolve();
  private readonly timers: Pick<Clock, 'setTimer'>;
  private readonly now: () => number;
  private readonly lastUsedDelayMs: number;

  private constructor(
    private readonly store: DataStore<ClientsFile>,
    options: ClientStoreOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.timers = options.timers ?? systemClock;
    this.lastUsedDelayMs = options.lastUsedDelayMs ?? 30_000;
    this.reindex();
  }

  /** Opens `<dataDir>/clients.json` (0600); a damaged file is reported (`damaged_file`), never replaced. */
  static async open(dataDir: string, options: ClientStoreOptions = {}): Promise<ClientStore> {
    const store = await (options.openStore ?? openDataStore)({ dataDir, name: CLIENTS_FILE, schema: clientsFileSchema, defaults: EMPTY_CLIENTS });
    return new ClientStore(store, options);
  }

  /** The file behind the store. */
  get path(): string {
    return this.store.path;
  }

  listClients(): ClientView[] {
    return this.store.get().clients.map((c) => this.view(c));
  }

  /** Creates a client and resolves its key: the only time the key exists outside the caller's hands. */
  async addClient(name: string, accounts: readonly string[]): Promise<Result<{ client: ClientView; key: string }, ErrorValue>> {
    if (!CLIENT_NAME.test(name)) {
      return err(problem('invalid_name', 'invalid_input', `"${name}" is not a valid client name: use lower-case letters, digits, '.', '_' or '-' (at most 64).`));
    }
    const checked = checkAccounts(accounts);
    if (!checked.ok) return checked;
    if (this.find(name)) return err(problem('already_exists', 'invalid_input', `A client named "${name}" already exists.`));
    const key = newClientKey();
    const client: StoredClient = { name, keyHash: hashClientKey(key), accounts: checked.value, createdAt: this.now(), lastUsedAt: null };
    let raced = false;
    await this.store.update((current) => {
      raced = current.clients.some((c) => c.name === name);
      return raced ? current : { ...current, clients: [...current.clients, client] };
    });
    if (raced) return err(problem('already_exists', 'invalid_input', `A client named "${name}" already exists.`));
    this.reindex();
    return ok({ client: this.view(client), key });
  }

  /** Replaces the accounts a client may use; takes effect on its next request. */
  async setClientAccounts(name: string, accounts: readonly string[]): Promise<Result<ClientView, ErrorValue>> {
    const checked = checkAccounts(accounts);
    if (!checked.ok) return checked;
    if (!this.find(name)) return err(notFound(name));
    await this.store.update((current) => ({
      ...current,
      clients: current.clients.map((c) => (c.name === name ? { ...c, accounts: checked.value } : c)),
    }));
    this.reindex();
    const updated = this.find(name);
    return updated ? ok(this.view(updated)) : err(notFound(name));
  }

  /** Adds one account to a client's list (the person's "Always"); takes effect on its next request. */
  async allowAccount(name: string, account: string): Promise<Result<ClientView, ErrorValue>> {
    const stored = this.find(name);
    if (!stored) return err(notFound(name));
    if (stored.accounts.includes(account)) return ok(this.view(stored));
    return this.setClientAccounts(name, [...stored.accounts, account]);
  }

  /**
   * Lets the client's next request for `account` through, once ("Allow once"): the grant is used up
   * by that request, lapses after `ttlMs` unused, lives only in memory (never in clients.json) and
   * goes with the client when it is removed.
   */
  grantOnce(name: string, account: string, ttlMs = ONE_TIME_GRANT_MS): Result<ClientView, ErrorValue> {
    const stored = this.find(name);
    if (!stored) return err(notFound(name));
    const checked = checkAccounts([account]);
    if (!checked.ok) return checked;
    // Bounded: the oldest grant makes way (a Map keeps insertion order).
    if (this.grants.size >= MAX_ONE_TIME_GRANTS) {
      const oldest = this.grants.keys().next().value;
      if (oldest !== undefined) this.grants.delete(oldest);
    }
    const key = grantKey(name, account);
    this.grants.delete(key);
    this.grants.set(key, this.now() + ttlMs);
    return ok(this.view(stored));
  }

  /** Uses up a one-time grant for this client and account; false when there is none (or it lapsed). */
  useGrant(name: string, account: string): boolean {
    if (this.grants.size === 0) return false;
    const key = grantKey(name, account);
    const until = this.grants.get(key);
    if (until === undefined) return false;
    this.grants.delete(key);
    return until > this.now();
  }

  /** Revokes a client: refused from this moment, even if writing the file then fails. */
  async removeClient(name: string): Promise<Result<null, ErrorValue>> {
    const stored = this.find(name);
    if (!stored) return err(notFound(name));
    // Revocation must not wait for the disk.
    this.byHash.delete(stored.keyHash);
    for (const key of this.grants.keys()) if (key.startsWith(`${name}\n`)) this.grants.delete(key);
    this.pendingUse.delete(name);
    this.lastUsed.delete(name);
    await this.store.update((current) => ({ ...current, clients: current.clients.filter((c) => c.name !== name) }));
    this.reindex();
    return ok(null);
  }

  /**
   * The client a key belongs to, or `null`. On the hot path: no I/O. The map is keyed by the
   * key's hash, so its timing reveals nothing about stored keys; the final comparison is
   * constant-time all the same.
   */
  authenticate(key: string): LoopbackClient | null {
    if (!CLIENT_KEY_PATTERN.test(key)) return null;
    // crypto.hash: one call, no Hash object (a few times faster than createHash on this path).
    const hex = hash('sha256', key, 'hex');
    const entry = this.byHash.get(hex);
    if (entry === undefined || !timingSafeEqual(entry.hash, Buffer.from(hex, 'hex'))) return null;
    return entry.client;
  }

  /** Notes a use; written to disk later, in one batch with other uses. */
  markUsed(name: string): void {
    const at = this.now();
    this.lastUsed.set(name, at);
    this.pendingUse.set(name, at);
    if (this.useTimer === null) {
      // The system clock's timers never keep a process alive; close() writes what is pending.
      this.useTimer = this.timers.setTimer(() => {
        this.useTimer = null;
        void this.flush().catch(() => undefined);
      }, this.lastUsedDelayMs);
    }
  }

  /** Writes pending last-used times; resolves once they (and any write already under way) are on disk. */
  flush(): Promise<void> {
    this.useTimer?.cancel();
    this.useTimer = null;
    if (this.pendingUse.size === 0) return this.lastUseWrite;
    const uses = new Map(this.pendingUse);
    this.pendingUse.clear();
    const write = this.store.update((current) => ({
      ...current,
      clients: current.clients.map((c) => {
        const at = uses.get(c.name);
        return at === undefined || (c.lastUsedAt !== null && c.lastUsedAt >= at) ? c : { ...c, lastUsedAt: at };
      }),
    }));
    this.lastUseWrite = write.catch(() => undefined);
    return write;
  }

  async close(): Promise<void> {
    await this.flush();
  }

  private find(name: string): StoredClient | undefined {
    return this.store.get().clients.find((c) => c.name === name);
  }

  private reindex(): void {
    const next = new Map<string, Entry>();
    for (const c of this.store.get().clients) {
      next.set(c.keyHash, { client: { name: c.name, accounts: new Set(c.accounts) }, hash: Buffer.from(c.keyHash, 'hex') });
    }
    this.byHash = next;
  }

  private view(c: StoredClient): ClientView {
    const used = this.lastUsed.get(c.name);
    const lastUsedAt = used === undefined ? c.lastUsedAt : Math.max(used, c.lastUsedAt ?? 0);
    return { name: c.name, accounts: [...c.accounts], createdAt: c.createdAt, lastUsedAt };
  }
}

/** How long an unused "Allow once" stays valid: long enough to run the program again, not a standing permission. */
export const ONE_TIME_GRANT_MS = 10 * 60_000;
const MAX_ONE_TIME_GRANTS = 1000;
const grantKey = (client: string, account: string): string => `${client}\n${account}`;

function notFound(name: string): ErrorValue {
  return problem('not_found', 'not_found', `There is no client named "${name}".`);
}

function checkAccounts(accounts: readonly string[]): Result<string[], ErrorValue> {
  const unique = [...new Set(accounts.map((a) => a.trim()).filter((a) => a !== ''))];
  if (unique.length === 0) return err(problem('no_accounts', 'invalid_input', 'A client needs at least one account it may use.'));
  const bad = unique.find((a) => !ACCOUNT_NAME.test(a));
  if (bad !== undefined) return err(problem('invalid_account', 'invalid_input', `"${bad}" is not a valid account name.`));
  return ok(unique);
}
