// Keyring protector: the data key wrapped under a random key kept in the OS keyring (Keychain, Credential Manager, Secret Service).
import { randomBytes } from 'node:crypto';
import type * as Keyring from '@napi-rs/keyring';
import type { AsyncEntry, EntryOptions } from '@napi-rs/keyring';
import { DATA_KEY_BYTES, openBox, sealBox } from '../envelope.js';
import { type KeyProtector, type KeyringWrappedKey, type WrappedKey, wrappedKeySchema } from '../protector.js';
import { VaultError } from '../vault-error.js';

/** The keyring "service" under which Tokenry's key-encryption keys are listed (e.g. in Seahorse). */
export const KEYRING_SERVICE = 'Tokenry vault';

export interface KeyringProtectorOptions {
  /** Keyring service name for the key-encryption keys; tests use their own to stay apart. */
  readonly service?: string;
  /** How long one keyring call may take (an unlock prompt waits for a person). */
  readonly timeoutMs?: number;
}

type KeyringModule = typeof Keyring;

let keyringModule: Promise<KeyringModule> | undefined;

/** The native binding is loaded on first use, so platforms without a prebuilt binary can still use other protectors. */
function loadKeyring(): Promise<KeyringModule> {
  keyringModule ??= import('@napi-rs/keyring').catch((error: unknown) => {
    keyringModule = undefined;
    throw new VaultError('keyring_unavailable', 'The OS keyring binding (@napi-rs/keyring) could not be loaded on this platform', {
      cause: error,
    });
  });
  return keyringModule;
}

/**
 * A protector keeping a random 256-bit key-encryption key in the OS keyring, one keyring entry
 * per wrap (a fresh account name each time), so re-wrapping never destroys the key an older
 * record still needs until the vault has durably dropped that record.
 *
 * On Linux, @napi-rs/keyring silently falls back to the kernel keyutils store when no Secret
 * Service answers on D-Bus, and keyutils forgets everything at logout or reboot: the vault
 * would be unreadable after a restart. Entries are therefore pinned to the Secret Service
 * (`{ linux: { store: 'secret-service' } }`), and its absence is `keyring_not_persistent`.
 */
export function keyringProtector(options: KeyringProtectorOptions = {}): KeyProtector {
  const service = options.service ?? KEYRING_SERVICE;
  const timeoutMs = options.timeoutMs ?? 60_000;

  const entry = async (entryService: string, account: string): Promise<AsyncEntry> => {
    const { AsyncEntry: Entry } = await loadKeyring();
    const onLinux = process.platform === 'linux';
    const entryOptions: EntryOptions | undefined = onLinux ? { linux: { store: 'secret-service' } } : undefined;
    try {
      return new Entry(entryService, account, entryOptions);
    } catch (error) {
      if (onLinux) {
        throw new VaultError(
          'keyring_not_persistent',
          'No Secret Service (gnome-keyring, KWallet, KeePassXC) answers on the session D-Bus. ' +
            "Linux's other keyring (kernel keyutils) forgets keys at logout or reboot, so Tokenry will not use it: " +
            'start a Secret Service, or protect the vault with a passphrase (TOKENRY_PASSPHRASE)',
          { cause: error },
        );
      }
      throw keyringFailure('open', error);
    }
  };

  const call = async <T>(action: string, run: (signal: AbortSignal) => Promise<T>): Promise<T> => {
    try {
      return await run(AbortSignal.timeout(timeoutMs));
    } catch (error) {
      throw keyringFailure(action, error);
    }
  };

  return {
    kind: 'keyring',

    async wrap(dataKey: Buffer): Promise<WrappedKey> {
      const account = `data-key-${randomBytes(8).toString('hex')}`;
      const kek = randomBytes(DATA_KEY_BYTES);
      const encoded = kek.toString('base64');
      try {
        const handle = await entry(service, account);
        await call('store a key in', (signal) => handle.setPassword(encoded, signal));
        // Read it back: a keyring that accepts writes but does not keep them must fail now, not after a restart.
        const stored = await call('read a key from', (signal) => handle.getPassword(signal));
        if (stored !== encoded) {
          throw new VaultError('keyring_unavailable', 'The OS keyring did not keep the key Tokenry stored in it');
        }
        return { kind: 'keyring', service, account, box: sealBox(kek, dataKey, wrapAad(service, account)) };
      } finally {
        kek.fill(0);
      }
    },

    async unwrap(wrapped: WrappedKey): Promise<Buffer> {
      const record = checkRecord(wrapped);
      const handle = await entry(record.service, record.account);
      const stored = await call('read a key from', (signal) => handle.getPassword(signal));
      if (stored === null) {
        throw new VaultError(
          'key_not_found',
          `The key protecting this vault is missing from the OS keyring (service "${record.service}", account "${record.account}")`,
        );
      }
      const kek = Buffer.from(stored, 'base64');
      try {
        const dataKey = kek.length === DATA_KEY_BYTES ? openBox(kek, record.box, wrapAad(record.service, record.account)) : null;
        if (dataKey === null) {
          throw new VaultError('tampered', 'The keyring key does not open the wrapped data key: the keyring entry or the vault file was altered');
        }
        return dataKey;
      } finally {
        kek.fill(0);
      }
    },

    async discard(wrapped: WrappedKey): Promise<void> {
      const record = checkRecord(wrapped);
      const handle = await entry(record.service, record.account);
      await call('delete a key from', (signal) => handle.deletePassword(signal));
    },
  };
}

function checkRecord(wrapped: WrappedKey): KeyringWrappedKey {
  const parsed = wrappedKeySchema.safeParse(wrapped);
  if (!parsed.success || parsed.data.kind !== 'keyring') {
    throw new VaultError('invalid_argument', 'The keyring protector was given a key wrapped by another kind of protector');
  }
  return parsed.data;
}

function wrapAad(service: string, account: string): Buffer {
  return Buffer.from(`tokenry-vault/v1/key-wrap/keyring\n${JSON.stringify([service, account])}`, 'utf8');
}

function keyringFailure(action: string, error: unknown): VaultError {
  if (error instanceof VaultError) return error;
  const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
  // The binding's messages describe the platform failure (locked, no collection), never a stored value.
  const reason = timedOut
    ? 'timed out: is the keyring locked and waiting for a password?'
    : error instanceof Error
      ? error.message.slice(0, 200)
      : 'unknown failure';
  return new VaultError('keyring_unavailable', `Could not ${action} the OS keyring (${reason})`, { cause: error });
}

/**
 * Null when a persistent OS keyring answers now, else why not (for the settings screen, before the
 * person chooses it). Reads one entry that does not exist; nothing is written.
 */
export async function keyringProblem(options: KeyringProtectorOptions = {}): Promise<string | null> {
  const service = options.service ?? KEYRING_SERVICE;
  try {
    const { AsyncEntry: Entry } = await loadKeyring();
    const entryOptions: EntryOptions | undefined = process.platform === 'linux' ? { linux: { store: 'secret-service' } } : undefined;
    await new Entry(service, 'availability-probe', entryOptions).getPassword(AbortSignal.timeout(options.timeoutMs ?? 5000));
    return null;
  } catch (error) {
    if (error instanceof VaultError) return error.message;
    return process.platform === 'linux'
      ? 'No Secret Service (gnome-keyring, KWallet, KeePassXC) answers on the session D-Bus.'
      : `The OS keyring does not answer (${error instanceof Error ? error.message.slice(0, 120) : 'unknown failure'}).`;
  }
}
