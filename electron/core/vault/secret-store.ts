// The encrypted secret store: keytar's shape over secrets.json and its journal; each batch durable in milliseconds, serialized, guarded.
import { hkdfSync, timingSafeEqual } from 'node:crypto';
import { join } from 'node:path';
import { createFileExclusive, ensurePrivateDir, readFileIfExists, writeFileAtomic } from './atomic-file.js';
import { identityKey, isWellFormedText, newDataKey, openSecret, parseIdentityKey, type SealedBox, sealSecret } from './envelope.js';
import { assertUnchanged, changedOnDisk, fingerprintOf, fingerprintOfSync, sameFingerprint, type Fingerprint } from './file-fingerprint.js';
import type { KeyProtector, ProtectorKind, WrappedKey } from './protector.js';
import { isVaultError, VaultError } from './vault-error.js';
import { parseVaultFile, SECRETS_FILE, serializeVaultFile, VAULT_FORMAT_VERSION, type VaultFile } from './vault-file.js';
import { JournalWriter, NO_JOURNAL, readJournal, serializeJournalRecord, type JournalOnDisk, type JournalRecord } from './vault-journal.js';
import { UNGUARDED, type WriteGuard } from './write-guard.js';

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
   * Applies all changes as ONE record, durable (appended to the journal and fdatasync'ed) when
   * it resolves: after a crash either all of them or none are there. A few milliseconds, however
   * large the vault: secrets.json itself is rewritten afterwards, in the background.
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
  /**
   * A 256-bit key for one purpose, derived from the data key (HKDF-SHA256, RFC 5869, with the
   * purpose in its info): what authenticates the data files, say. Distinct purposes give
   * unrelated keys, and none reveals the data key.
   */
  deriveKey(purpose: string): Buffer;
  /** Resolves once secrets.json holds everything the journal holds (or the last attempt to fold it failed). */
  folded(): Promise<void>;
  /** Waits for pending writes, then forgets the data key. Later calls reject with `closed`. */
  close(): Promise<void>;
}

export interface VaultOptions {
  /** The data directory holding secrets.json. */
  readonly dataDir: string;
  /** How to unlock (open) or protect (create) the data key. */
  readonly protector: KeyProtector;
  /** Asked before every write: the owner's lock (see write-guard.ts). Unguarded by default. */
  readonly guard?: WriteGuard;
  /**
   * Opens without ever writing (no rewrap, no journal fold; every change rejects): for a process
   * that reads beside the directory's owner, e.g. to check the data files' authentication codes.
   */
  readonly readOnly?: boolean;
}

/** The secrets file of a data directory. */
export function secretsPath(dataDir: string): string {
  return join(dataDir, SECRETS_FILE);
}

/**
 * Opens the vault of `dataDir` with `protector`. Rejects with `no_vault` when there is none,
 * `damaged_file` / `unsupported_version` for an unreadable file (left untouched),
 * `no_matching_protector` when the vault is not protected by that kind, or the protector's
 * own error (`wrong_passphrase`, `key_not_found`, ...). Journal records newer than secrets.json
 * are applied, then (unless read-only) folded into it.
 */
export async function openVault(options: VaultOptions): Promise<Vault> {
  const path = secretsPath(options.dataDir);
  // Taken before reading: any change after this is seen as a change.
  const fingerprint = await fingerprintOf(path);
  const bytes = await readFileIfExists(path);
  if (bytes === null) {
    throw new VaultError('no_vault', `There is no vault in ${options.dataDir} yet`, { path });
  }
  const file = parseVaultFile(bytes, path);
  const journal = await readJournal(options.dataDir);
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
    const vault = new EncryptedVault({ path, dataKey, file, fingerprint, journal, options });
    if (options.readOnly !== true) {
      // secrets.json takes in what only the journal held; on failure the journal still holds it.
      await vault.folded();
      if (protector.needsRewrap?.(wrapped) === true) {
        // The old record still opens the vault, so a failed rewrap costs nothing: it is retried
        // on the next open, and must not keep the person out of their tokens now.
        await vault.addProtector(protector).catch(() => undefined);
      }
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
  await options.guard?.verify();
  const dataKey = newDataKey();
  const wrapped = await options.protector.wrap(dataKey);
  const file: VaultFile = { version: VAULT_FORMAT_VERSION, seq: 0, protectors: [wrapped], entries: {} };
  const created = await createFileExclusive(path, serializeVaultFile(file));
  if (!created) {
    dataKey.fill(0);
    await options.protector.discard?.(wrapped).catch(() => undefined);
    throw new VaultError('vault_exists', `A vault already exists in ${options.dataDir}`, { path });
  }
  // Journal files left beside a vault that is gone were sealed under another data key: they belong to no vault now.
  const leftover = await readJournal(options.dataDir).catch(() => NO_JOURNAL);
  const vault = new EncryptedVault({ path, dataKey, file, fingerprint: await fingerprintOf(path), journal: { ...NO_JOURNAL, files: leftover.files, lastGeneration: leftover.lastGeneration }, options });
  await vault.folded();
  return vault;
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

/** What is durably on disk (in secrets.json or the journal). Reads only ever see this, so nothing not yet durable is handed out. */
interface State {
  readonly protectors: readonly WrappedKey[];
  readonly entries: ReadonlyMap<string, StoredEntry>;
  /** The last journal record applied. */
  readonly seq: number;
}

/** The protectors as one batch of protector jobs changes them before they are written. */
interface Draft {
  protectors: WrappedKey[];
  changed: boolean;
}

interface Job {
  /** Mutates the draft; returns what settles the caller once the draft is durable. May throw a VaultError to refuse. */
  apply(draft: Draft): () => void;
  reject(error: unknown): void;
}

/** How long after the last append secrets.json takes the journal in. */
const FOLD_DELAY_MS = 1000;
/** A journal this large is folded in at once. */
const FOLD_AT_BYTES = 256 * 1024;

const MAX_NAME_LENGTH = 1024;
const MAX_SECRET_LENGTH = 1024 * 1024;

function applyChanges(entries: Map<string, StoredEntry>, changes: JournalRecord['changes']): void {
  for (const [key, box] of changes) {
    if (box === null) {
      entries.delete(key);
      continue;
    }
    const identity = parseIdentityKey(key);
    // parseJournal already refused malformed keys.
    if (identity !== null) entries.set(key, { ...identity, box });
  }
}

function stateFrom(file: VaultFile, journal: JournalOnDisk): State {
  const entries = new Map<string, StoredEntry>();
  for (const [key, box] of Object.entries(file.entries)) {
    const identity = parseIdentityKey(key);
    // parseVaultFile already refused malformed keys.
    if (identity !== null) entries.set(key, { ...identity, box });
  }
  let seq = file.seq;
  for (const record of journal.records) {
    if (record.seq <= file.seq) continue;
    applyChanges(entries, record.changes);
    seq = record.seq;
  }
  return { protectors: [...file.protectors], entries, seq };
}

function fileFromState(state: State, protectors: readonly WrappedKey[]): VaultFile {
  const entries: Record<string, SealedBox> = {};
  for (const [key, entry] of state.entries) entries[key] = entry.box;
  return { version: VAULT_FORMAT_VERSION, seq: state.seq, protectors, entries };
}

class EncryptedVault implements Vault {
  readonly path: string;
  readonly #dir: string;
  readonly #guard: WriteGuard;
  readonly #readOnly: boolean;
  #dataKey: Buffer | null;
  /** What is durable: what reads see. */
  #state: State;
  /** What is written (in the operating system, maybe not yet on the disk): the next record's base. */
  #written: State;
  /** secrets.json as this process last read or wrote it. */
  #fileFingerprint: Fingerprint;
  readonly #journal: JournalWriter;
  #queue: Job[] = [];
  #foldWanted: boolean;
  #foldTimer: ReturnType<typeof setTimeout> | null = null;
  #writing: Promise<void> | null = null;

  constructor(init: { path: string; dataKey: Buffer; file: VaultFile; fingerprint: Fingerprint; journal: JournalOnDisk; options: VaultOptions }) {
    this.path = init.path;
    this.#dir = init.options.dataDir;
    this.#guard = init.options.guard ?? UNGUARDED;
    this.#readOnly = init.options.readOnly === true;
    this.#dataKey = init.dataKey;
    this.#state = stateFrom(init.file, init.journal);
    this.#written = this.#state;
    this.#fileFingerprint = init.fingerprint;
    this.#journal = new JournalWriter(init.options.dataDir, init.journal);
    // Journal files found on opening are folded in (and removed) at the first write of secrets.json.
    this.#foldWanted = init.journal.files.length > 0;
    // The first seal of a process initialises the cipher (about a millisecond): paid here, at open, rather
    // than between a provider's answer and the write of the refresh token it rotated.
    if (!this.#readOnly) sealSecret(init.dataKey, 'tokenry-vault', 'warm-up', '');
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
    return this.#append([[key, null]]);
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
    // Validate and encrypt everything before writing, so a bad change refuses the whole batch.
    const sealed = changes.map((change): readonly [string, SealedBox | null] => {
      checkName('service', change.service);
      checkName('account', change.account);
      if (change.password !== null) checkSecret(change.password);
      const key = identityKey(change.service, change.account);
      return [key, change.password === null ? null : sealSecret(dataKey, change.service, change.account, change.password)];
    });
    if (sealed.length === 0) return;
    await this.#append(sealed);
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
    this.#writable();
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
    this.#writable();
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

  deriveKey(purpose: string): Buffer {
    return Buffer.from(hkdfSync('sha256', this.#key(), Buffer.alloc(0), `tokenry-vault/v2/derived/${purpose}`, 32));
  }

  async folded(): Promise<void> {
    await this.#journal.idle();
    this.#cancelFoldTimer();
    if (!this.#readOnly && this.#foldWanted) this.#pump();
    while (this.#writing !== null) await this.#writing;
  }

  async close(): Promise<void> {
    if (this.#dataKey === null) return;
    // secrets.json takes in the journal before the key is forgotten (a failure leaves it in the journal, durable).
    if (!this.#readOnly) await this.folded();
    await this.#journal.idle();
    while (this.#writing !== null) await this.#writing;
    this.#dataKey.fill(0);
    this.#dataKey = null;
  }

  #key(): Buffer {
    if (this.#dataKey === null) throw new VaultError('closed', 'The vault is closed', { path: this.path });
    return this.#dataKey;
  }

  #writable(): void {
    if (this.#readOnly) throw new VaultError('invalid_argument', `The vault in ${this.#dir} was opened read-only`, { path: this.path });
  }

  /**
   * Writes one record to the journal at once (in this tick: its bytes are safe from a crash of
   * this process when this returns) and resolves once it is on the disk; reads see it from then.
   * This is the whole cost of a write a caller waits for; secrets.json takes it in later (#pump).
   * Resolves whether anything changed.
   */
  #append(changes: JournalRecord['changes']): Promise<boolean> {
    this.#key();
    this.#writable();
    const changed = changes.some(([key, box]) => box !== null || this.#written.entries.has(key));
    if (!changed) return Promise.resolve(false);
    // Synchronous checks and write: nothing may run between the caller's request and the bytes reaching the OS.
    this.#guard.verifySync();
    this.#checkFile();
    const seq = this.#written.seq + 1;
    const durable = this.#journal.append(serializeJournalRecord({ seq, changes }));
    this.#written = applied(this.#written, changes, seq);
    this.#foldWanted = true;
    this.#scheduleFold();
    return durable.then(() => {
      // Durability completes in append order, so the durable state advances record by record.
      this.#state = applied(this.#state, changes, seq);
      return true;
    });
  }

  /**
   * secrets.json must still be what this process last read or wrote: records appended over
   * someone else's file would be applied on top of their newer secrets. While a fold is renaming
   * the file into place its fingerprint is in flux (the fold checks the file itself first); the
   * check is synchronous, so no fold can start or end halfway through it.
   */
  #checkFile(): void {
    if (this.#writing !== null) return;
    const now = fingerprintOfSync(this.path);
    if (!sameFingerprint(now, this.#fileFingerprint)) throw changedOnDisk(this.path, now);
  }

  /**
   * Folds the journal into secrets.json a moment after the last append (or at once when the
   * journal grows large): a rewrite of a large vault costs several fsyncs, and one per renewal
   * would keep the disk busy when the next renewal's append must be quick.
   */
  #scheduleFold(): void {
    if (this.#journal.activeBytes >= FOLD_AT_BYTES) {
      this.#cancelFoldTimer();
      this.#pump();
      return;
    }
    if (this.#foldTimer !== null) return;
    this.#foldTimer = setTimeout(() => {
      this.#foldTimer = null;
      this.#pump();
    }, FOLD_DELAY_MS);
    // Never keeps a process alive: close() folds what is left.
    this.#foldTimer.unref();
  }

  #cancelFoldTimer(): void {
    if (this.#foldTimer !== null) clearTimeout(this.#foldTimer);
    this.#foldTimer = null;
  }

  /** Queues a protector change; it is applied and written with whatever else is queued at the next write of secrets.json. */
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

  /** Starts the writer of secrets.json unless one is running: one write in flight, later work coalesces into the next. */
  #pump(): void {
    if (this.#writing !== null || this.#readOnly) return;
    this.#writing = this.#drain().finally(() => {
      this.#writing = null;
      if (this.#queue.length > 0) this.#pump();
    });
  }

  async #drain(): Promise<void> {
    while (this.#queue.length > 0 || this.#foldWanted) {
      const batch = this.#queue.splice(0);
      const fold = this.#foldWanted;
      this.#foldWanted = false;
      const draft: Draft = { protectors: [...this.#state.protectors], changed: false };
      const accepted: Array<{ job: Job; settle: () => void }> = [];
      for (const job of batch) {
        try {
          accepted.push({ job, settle: job.apply(draft) });
        } catch (error) {
          // Jobs check before they mutate, so a refused job leaves the draft as it was.
          job.reject(error);
        }
      }
      // Later appends go to a new journal file; the earlier ones are removed once secrets.json holds them.
      const files = fold ? await this.#journal.rotate() : [];
      const snapshot = this.#state;
      if (draft.changed || fold) {
        try {
          await this.#guard.verify();
          await assertUnchanged(this.path, this.#fileFingerprint);
          await writeFileAtomic(this.path, serializeVaultFile(fileFromState(snapshot, draft.protectors)));
          this.#fileFingerprint = await fingerprintOf(this.path);
        } catch (error) {
          // Nothing of this batch is durable: its callers learn so, and memory keeps the old
          // protectors. Journal records stay in their files, durable, to be folded at the next write.
          for (const { job } of accepted) job.reject(error);
          continue;
        }
        this.#state = { ...this.#state, protectors: draft.protectors };
        this.#written = { ...this.#written, protectors: draft.protectors };
        // A file that cannot be removed costs nothing: its records are skipped by seq.
        await this.#journal.remove(files).catch(() => undefined);
      }
      for (const { settle } of accepted) settle();
    }
  }
}

/** `state` with one record's changes applied. */
function applied(state: State, changes: JournalRecord['changes'], seq: number): State {
  const entries = new Map(state.entries);
  applyChanges(entries, changes);
  return { protectors: state.protectors, entries, seq: Math.max(seq, state.seq) };
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
