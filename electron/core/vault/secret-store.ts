// The encrypted secret store: keytar's shape over secrets.json, with batched, serialized, durable writes.
import { timingSafeEqual } from 'node:crypto';
import { join } from 'node:path';
import { createFileExclusive, ensurePrivateDir, readFileIfExists, writeFileAtomic } from './atomic-file.js';
import { identityKey, isWellFormedText, newDataKey, openSecret, parseIdentityKey, type SealedBox, sealSecret } from './envelope.js';
import type { KeyProtector, ProtectorKind, WrappedKey } from './protector.js';
import { isVaultError, VaultError } from './vault-error.js';
import { parseVaultFile, SECRETS_FILE, serializeVaultFile, VAULT_FORMAT_VERSION, type VaultFileV1 } from './vault-file.js';

/** keytar's interface, so that any protector can stand behind the same store. */
export interface SecretStore {
  getPassword(service: string, account: string): Promise<string | null>;
  /** Resolves only once the new secret is durably on disk. */
  setPassword(service: string, account: string, password: string): Promise<void>;
  /** Resolves whether there was a secret to delete, once its removal is durable. */
  deletePassword(service: string, account: string): Promise<boolean>;
  findCredentials(service: string): Promise<Array<{ account: string; password: string }>>;
}

/** One change in a batch: a new secret, or `null` to delete. */
export interface SecretChange {
  readonly service: string;
  readonly account: string;
  readonly password: string | null;
}

export interface Vault extends SecretStore {
  /** The secrets file. */
  readonly path: string;
  /**
   * Applies all changes in ONE atomic, fsynced write: after a crash either all of them or none
   * are on disk (an account's secrets are added and removed together this way).
   */
  setMany(changes: readonly SecretChange[]): Promise<void>;
  /** The kinds of protector that can currently unlock this vault. */
  protectorKinds(): ProtectorKind[];
  /**
   * Whether `protector` opens this vault's data key through one of its records (to confirm the
   * current passphrase before the protection changes). Never throws for a wrong one.
   */
  unlocks(protector: KeyProtector): Promise<boolean>;
  /**
   * Wraps the data key with `protector` and stores the record, replacing any record of the
   * same kind (one per kind). Secrets are not re-encrypted: only the data key is rewrapped.
   */
  addProtector(protector: KeyProtector): Promise<void>;
  /** Replaces the passphrase protection; `no_matching_protector` if there was none. */
  changePassphrase(next: KeyProtector): Promise<void>;
  /**
   * Drops the records of `kind`; `last_protector` if nothing would be left to unlock the vault.
   * With `protector`, also cleans up what the records pointed to (keyring entries).
   * Resolves whether anything was removed.
   */
  removeProtector(kind: ProtectorKind, protector?: KeyProtector): Promise<boolean>;
  /** Waits for pending writes, then forgets the data key. Later calls reject with `closed`. */
  close(): Promise<void>;
}

export interface VaultOptions {
  /** The data directory holding secrets.json. */
  readonly dataDir: string;
  /** How to unlock (open) or protect (create) the data key. */
  readonly protector: KeyProtector;
}

/** The secrets file of a data directory. */
export function secretsPath(dataDir: string): string {
  return join(dataDir, SECRETS_FILE);
}

/**
 * Opens the vault of `dataDir` with `protector`. Rejects with `no_vault` when there is none,
 * `damaged_file` / `unsupported_version` for an unreadable file (left untouched),
 * `no_matching_protector` when the vault is not protected by that kind, or the protector's
 * own error (`wrong_passphrase`, `key_not_found`, ...).
 */
export async function openVault(options: VaultOptions): Promise<Vault> {
  const path = secretsPath(options.dataDir);
  const bytes = await readFileIfExists(path);
  if (bytes === null) {
    throw new VaultError('no_vault', `There is no vault in ${options.dataDir} yet`, { path });
  }
  const file = parseVaultFile(bytes, path);
  const { protector } = options;
  const candidates = file.protectors.filter((w) => w.kind === protector.kind);
  if (candidates.length === 0) {
    const kinds = [...new Set(file.protectors.map((w) => w.kind))].join(', ');
    throw new VaultError('no_matching_protector', `The vault in ${options.dataDir} is protected by ${kinds}, not by ${protector.kind}`, {
      path,
    });
  }
  let failure: unknown;
  for (const wrapped of candidates) {
    let dataKey: Buffer;
    try {
      dataKey = await protector.unwrap(wrapped);
    } catch (error) {
      failure = error;
      continue;
    }
    const vault = new EncryptedVault(path, dataKey, stateFromFile(file));
    if (protector.needsRewrap?.(wrapped) === true) {
      // The old record still opens the vault, so a failed rewrap costs nothing: it is retried
      // on the next open, and must not keep the person out of their tokens now.
      await vault.addProtector(protector).catch(() => undefined);
    }
    return vault;
  }
  throw failure;
}

/**
 * Creates a new, empty vault in `dataDir` (made 0700) protected by `protector`. Never
 * overwrites: rejects with `vault_exists` when a secrets file is already there.
 */
export async function createVault(options: VaultOptions): Promise<Vault> {
  await ensurePrivateDir(options.dataDir);
  const path = secretsPath(options.dataDir);
  const dataKey = newDataKey();
  const wrapped = await options.protector.wrap(dataKey);
  const file: VaultFileV1 = { version: VAULT_FORMAT_VERSION, protectors: [wrapped], entries: {} };
  const created = await createFileExclusive(path, serializeVaultFile(file));
  if (!created) {
    dataKey.fill(0);
    await options.protector.discard?.(wrapped).catch(() => undefined);
    throw new VaultError('vault_exists', `A vault already exists in ${options.dataDir}`, { path });
  }
  return new EncryptedVault(path, dataKey, stateFromFile(file));
}

/** Opens the vault of `dataDir`, creating it first when there is none. */
export async function openOrCreateVault(options: VaultOptions): Promise<Vault> {
  try {
    return await openVault(options);
  } catch (error) {
    if (!isVaultError(error, 'no_vault')) throw error;
  }
  try {
    return await createVault(options);
  } catch (error) {
    // Another process created it between our read and our create: open theirs.
    if (isVaultError(error, 'vault_exists')) return openVault(options);
    throw error;
  }
}

interface StoredEntry {
  readonly service: string;
  readonly account: string;
  readonly box: SealedBox;
}

/** What is durably on disk. Reads only ever see this, so nothing not yet durable is handed out. */
interface State {
  readonly protectors: readonly WrappedKey[];
  readonly entries: ReadonlyMap<string, StoredEntry>;
}

/** A copy of State that one batch of jobs mutates before it is written. */
interface Draft {
  protectors: WrappedKey[];
  readonly entries: Map<string, StoredEntry>;
  changed: boolean;
}

interface Job {
  /** Mutates the draft; returns what settles the caller once the draft is durable. May throw a VaultError to refuse. */
  apply(draft: Draft): () => void;
  reject(error: unknown): void;
}

const MAX_NAME_LENGTH = 1024;
const MAX_SECRET_LENGTH = 1024 * 1024;

function stateFromFile(file: VaultFileV1): State {
  const entries = new Map<string, StoredEntry>();
  for (const [key, box] of Object.entries(file.entries)) {
    const identity = parseIdentityKey(key);
    // parseVaultFile already refused malformed keys.
    if (identity !== null) entries.set(key, { ...identity, box });
  }
  return { protectors: [...file.protectors], entries };
}

function fileFromState(state: State | Draft): VaultFileV1 {
  const entries: Record<string, SealedBox> = {};
  for (const [key, entry] of state.entries) entries[key] = entry.box;
  return { version: VAULT_FORMAT_VERSION, protectors: state.protectors, entries };
}

class EncryptedVault implements Vault {
  readonly path: string;
  #dataKey: Buffer | null;
  #state: State;
  #queue: Job[] = [];
  #writing: Promise<void> | null = null;

  constructor(path: string, dataKey: Buffer, state: State) {
    this.path = path;
    this.#dataKey = dataKey;
    this.#state = state;
  }

  async getPassword(service: string, account: string): Promise<string | null> {
    checkName('service', service);
    checkName('account', account);
    const dataKey = this.#key();
    const entry = this.#state.entries.get(identityKey(service, account));
    return entry === undefined ? null : openSecret(dataKey, service, account, entry.box);
  }

  async setPassword(service: string, account: string, password: string): Promise<void> {
    await this.setMany([{ service, account, password }]);
  }

  async deletePassword(service: string, account: string): Promise<boolean> {
    checkName('service', service);
    checkName('account', account);
    const key = identityKey(service, account);
    return this.#enqueue((draft) => {
      const existed = draft.entries.delete(key);
      if (existed) draft.changed = true;
      return existed;
    });
  }

  async findCredentials(service: string): Promise<Array<{ account: string; password: string }>> {
    checkName('service', service);
    const dataKey = this.#key();
    const found: Array<{ account: string; password: string }> = [];
    for (const entry of this.#state.entries.values()) {
      if (entry.service === service) {
        found.push({ account: entry.account, password: openSecret(dataKey, entry.service, entry.account, entry.box) });
      }
    }
    return found;
  }

  async setMany(changes: readonly SecretChange[]): Promise<void> {
    const dataKey = this.#key();
    // Validate and encrypt everything before queueing, so a bad change refuses the whole batch.
    const sealed = changes.map((change) => {
      checkName('service', change.service);
      checkName('account', change.account);
      if (change.password !== null) checkSecret(change.password);
      const key = identityKey(change.service, change.account);
      const box = change.password === null ? null : sealSecret(dataKey, change.service, change.account, change.password);
      return { key, service: change.service, account: change.account, box };
    });
    if (sealed.length === 0) return;
    await this.#enqueue((draft) => {
      for (const change of sealed) {
        if (change.box === null) {
          if (draft.entries.delete(change.key)) draft.changed = true;
        } else {
          draft.entries.set(change.key, { service: change.service, account: change.account, box: change.box });
          draft.changed = true;
        }
      }
    });
  }

  protectorKinds(): ProtectorKind[] {
    return [...new Set(this.#state.protectors.map((w) => w.kind))];
  }

  async unlocks(protector: KeyProtector): Promise<boolean> {
    const dataKey = this.#key();
    for (const record of this.#state.protectors.filter((w) => w.kind === protector.kind)) {
      let candidate: Buffer;
      try {
        candidate = await protector.unwrap(record);
      } catch {
        continue;
      }
      const same = candidate.length === dataKey.length && timingSafeEqual(candidate, dataKey);
      candidate.fill(0);
      if (same) return true;
    }
    return false;
  }

  async addProtector(protector: KeyProtector): Promise<void> {
    const wrapped = await protector.wrap(this.#key());
    const replaced = await this.#enqueue((draft) => {
      const old = draft.protectors.filter((w) => w.kind === protector.kind);
      draft.protectors = [...draft.protectors.filter((w) => w.kind !== protector.kind), wrapped];
      draft.changed = true;
      return old;
    });
    await discardAll(protector, replaced);
  }

  async changePassphrase(next: KeyProtector): Promise<void> {
    if (next.kind !== 'passphrase') {
      throw new VaultError('invalid_argument', `changePassphrase needs a passphrase protector, not ${next.kind}`);
    }
    if (!this.#state.protectors.some((w) => w.kind === 'passphrase')) {
      throw new VaultError('no_matching_protector', 'This vault has no passphrase to change; add one instead', { path: this.path });
    }
    await this.addProtector(next);
  }

  async removeProtector(kind: ProtectorKind, protector?: KeyProtector): Promise<boolean> {
    this.#key();
    const removed = await this.#enqueue((draft) => {
      const kept = draft.protectors.filter((w) => w.kind !== kind);
      if (kept.length === draft.protectors.length) return [];
      if (kept.length === 0) {
        throw new VaultError('last_protector', `The ${kind} protector is the only way to unlock this vault; add another before removing it`, {
          path: this.path,
        });
      }
      const old = draft.protectors.filter((w) => w.kind === kind);
      draft.protectors = kept;
      draft.changed = true;
      return old;
    });
    if (protector !== undefined && protector.kind === kind) await discardAll(protector, removed);
    return removed.length > 0;
  }

  async close(): Promise<void> {
    if (this.#dataKey === null) return;
    while (this.#writing !== null) await this.#writing;
    this.#dataKey.fill(0);
    this.#dataKey = null;
  }

  #key(): Buffer {
    if (this.#dataKey === null) throw new VaultError('closed', 'The vault is closed', { path: this.path });
    return this.#dataKey;
  }

  /** Queues a mutation; it is applied and written with whatever else is queued at the next write. */
  #enqueue<R>(apply: (draft: Draft) => R): Promise<R> {
    this.#key();
    return new Promise<R>((resolve, reject) => {
      this.#queue.push({
        apply: (draft) => {
          const result = apply(draft);
          return () => resolve(result);
        },
        reject,
      });
      this.#pump();
    });
  }

  /** Starts the writer unless one is running: one write in flight, later jobs coalesce into the next. */
  #pump(): void {
    if (this.#writing !== null) return;
    this.#writing = this.#drain().finally(() => {
      this.#writing = null;
      if (this.#queue.length > 0) this.#pump();
    });
  }

  async #drain(): Promise<void> {
    while (this.#queue.length > 0) {
      const batch = this.#queue.splice(0);
      const draft: Draft = {
        protectors: [...this.#state.protectors],
        entries: new Map(this.#state.entries),
        changed: false,
      };
      const accepted: Array<{ job: Job; settle: () => void }> = [];
      for (const job of batch) {
        try {
          accepted.push({ job, settle: job.apply(draft) });
        } catch (error) {
          // Jobs check before they mutate, so a refused job leaves the draft as it was.
          job.reject(error);
        }
      }
      if (draft.changed) {
        try {
          await writeFileAtomic(this.path, serializeVaultFile(fileFromState(draft)));
        } catch (error) {
          // Nothing of this batch is durable: its callers learn so, and memory keeps the old state.
          for (const { job } of accepted) job.reject(error);
          continue;
        }
        this.#state = { protectors: draft.protectors, entries: draft.entries };
      }
      for (const { settle } of accepted) settle();
    }
  }
}

async function discardAll(protector: KeyProtector, records: readonly WrappedKey[]): Promise<void> {
  if (protector.discard === undefined) return;
  for (const record of records) {
    // The file no longer refers to the record, so a leftover keyring entry is inert; the
    // change the caller asked for has succeeded and must not be reported as failed.
    await protector.discard(record).catch(() => undefined);
  }
}

function checkName(what: 'service' | 'account', value: unknown): asserts value is string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_NAME_LENGTH || !isWellFormedText(value)) {
    throw new VaultError('invalid_argument', `The ${what} name must be a non-empty string of at most ${MAX_NAME_LENGTH} characters`);
  }
}

function checkSecret(value: unknown): asserts value is string {
  if (typeof value !== 'string' || value.length > MAX_SECRET_LENGTH || !isWellFormedText(value)) {
    throw new VaultError('invalid_argument', 'A secret must be a well-formed string of at most 1 MiB');
  }
}
