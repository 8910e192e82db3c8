// Changing how the vault's data key is protected while it is open: a new passphrase, or the OS store
// (safeStorage in the app, the OS keyring elsewhere) instead of the passphrase, and back. Only the data
// key is rewrapped; no secret is re-encrypted. The shell injects the OS store and the passphrase cost.
import type { ErrorValue } from '../../../shared/errors.js';
import { err, ok, type Result } from '../../../shared/result.js';
import type { KeyProtector, ProtectorKind } from './protector.js';
import type { Vault } from './secret-store.js';
import { isVaultError } from './vault-error.js';

/** An OS-bound store the shell can protect the vault with. */
export interface OsStore {
  readonly kind: Extract<ProtectorKind, 'keyring' | 'safe-storage'>;
  /** A protector over the store (a new one per change). */
  protector(): KeyProtector;
  /** Null when the store is usable now, else why not, in a sentence a person can act on. */
  problem(): Promise<string | null>;
}

export interface ProtectionDeps {
  readonly vault: Pick<Vault, 'protectorKinds' | 'unlocks' | 'addProtector' | 'changePassphrase' | 'removeProtector'>;
  /** A passphrase protector at the shell's scrypt cost. */
  readonly passphrase: (text: string) => KeyProtector;
  readonly osStore: OsStore | null;
}

export interface ProtectionApi {
  changePassphrase(current: string, next: string): Promise<Result<null, ErrorValue>>;
  useOsStore(currentPassphrase: string): Promise<Result<null, ErrorValue>>;
  usePassphrase(next: string): Promise<Result<null, ErrorValue>>;
}

/** The shortest passphrase accepted (the desktop app's passphrase prompt asks the same). */
export const MIN_PASSPHRASE_CHARS = 8;

const failure = (code: string, kind: ErrorValue['kind'], message: string): Result<never, ErrorValue> => err({ code, kind, message });
const WRONG = failure('wrong_passphrase', 'invalid_input', 'That is not the current passphrase.');

function weak(next: string): Result<never, ErrorValue> | null {
  return [...next].length < MIN_PASSPHRASE_CHARS ? failure('weak_passphrase', 'invalid_input', `Use at least ${MIN_PASSPHRASE_CHARS} characters.`) : null;
}

/** A vault error as a value; its messages never hold a secret. */
function vaultFailure(error: unknown): Result<never, ErrorValue> {
  if (isVaultError(error)) return failure(error.code, error.code === 'io' ? 'storage' : 'vault', error.message);
  return failure('internal_error', 'internal', error instanceof Error ? error.message : 'The vault protection could not be changed.');
}

export function createProtectionApi(deps: ProtectionDeps): ProtectionApi {
  const { vault } = deps;
  let queue: Promise<unknown> = Promise.resolve();
  /** One change at a time: two at once could leave records of both or neither. */
  const serially = <T>(task: () => Promise<Result<T, ErrorValue>>): Promise<Result<T, ErrorValue>> => {
    const run = queue.then(async () => {
      try {
        return await task();
      } catch (error) {
        return vaultFailure(error);
      }
    });
    queue = run;
    return run;
  };
  const hasPassphrase = (): boolean => vault.protectorKinds().includes('passphrase');
  /** Confirms the current passphrase when the vault has one. */
  const confirmed = async (current: string): Promise<boolean> => !hasPassphrase() || (current !== '' && (await vault.unlocks(deps.passphrase(current))));

  return {
    changePassphrase: (current, next) =>
      serially(async () => {
        if (!hasPassphrase()) return failure('no_passphrase', 'config', 'The vault is not protected by a passphrase: choose one below instead.');
        const problem = weak(next);
        if (problem !== null) return problem;
        if (!(await confirmed(current))) return WRONG;
        await vault.changePassphrase(deps.passphrase(next));
        return ok(null);
      }),

    useOsStore: (current) =>
      serially(async () => {
        const store = deps.osStore;
        if (store === null) return failure('no_os_store', 'config', 'This program has no operating system store to protect the vault with.');
        const problem = await store.problem();
        if (problem !== null) return failure('os_store_unavailable', 'config', problem);
        if (!(await confirmed(current))) return WRONG;
        // Added before the passphrase goes, so that something always opens the vault.
        await vault.addProtector(store.protector());
        await vault.removeProtector('passphrase');
        return ok(null);
      }),

    usePassphrase: (next) =>
      serially(async () => {
        const problem = weak(next);
        if (problem !== null) return problem;
        await vault.addProtector(deps.passphrase(next));
        for (const kind of vault.protectorKinds()) {
          if (kind === 'passphrase') continue;
          // The OS store's own records are discarded too (a keyring entry left behind would be inert but untidy).
          const store = deps.osStore?.kind === kind ? deps.osStore.protector() : undefined;
          await vault.removeProtector(kind, store);
        }
        return ok(null);
      }),
  };
}
