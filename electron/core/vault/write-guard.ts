// What every writer of a data directory asks before it writes: does this process still own the directory?
import type { VaultError } from './vault-error.js';

/**
 * Checked before every write to a data directory (the vault, its journal, the data files, the
 * audit log, loopback.json). The owner's lock implements it: it resolves while this process
 * still holds the directory's lock, and rejects with `lock_lost` (forever after) once it does
 * not, so that a process that lost the directory stops writing instead of overwriting the new
 * owner's files. See docs/technical/vault.md, "Ownership".
 */
export interface WriteGuard {
  verify(): Promise<void>;
  /**
   * The same check, synchronously (a stat and a small read): for the vault's journal, whose
   * append must reach the operating system in the same tick it is asked for.
   */
  verifySync(): void;
}

/** For a writer that runs without an owner (a read-only open, tests of the writer alone). */
export const UNGUARDED: WriteGuard = Object.freeze({ verify: () => Promise.resolve(), verifySync: () => undefined });

/** Called once when the owner finds it no longer holds the directory. */
export type LockLostListener = (error: VaultError) => void;
