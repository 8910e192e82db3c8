// When a command finds no owner and will open a passphrase vault itself, scrypt starts at once, before the
// vault module and its schemas load (see scrypt-head-start.ts). Reads only what scrypt needs; the vault's
// own open validates the file as always and uses the key only if everything matches.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PASSPHRASE_ENV } from '../core/vault/protectors/passphrase-prompt.js';
import { startScryptAhead } from '../core/vault/protectors/scrypt-head-start.js';
import type { CommandContext } from './command.js';

/** vault-file.ts SECRETS_FILE (repeated: that module brings zod, and this must load nothing heavy). */
const SECRETS_FILE = 'secrets.json';

/** Starts deriving the passphrase vault's key from TOKENRY_PASSPHRASE, if there is one to derive; never fails. */
export async function startVaultHeadStart(ctx: CommandContext): Promise<void> {
  const passphrase = ctx.io.env[PASSPHRASE_ENV];
  if (passphrase === undefined || passphrase === '') return;
  try {
    const file: unknown = JSON.parse(await readFile(join(ctx.dataDir, SECRETS_FILE), 'utf8'));
    const protectors = (file as { protectors?: unknown }).protectors;
    if (!Array.isArray(protectors)) return;
    for (const record of protectors as unknown[]) {
      const r = record as { kind?: unknown; kdf?: { name?: unknown; N?: unknown; r?: unknown; p?: unknown; salt?: unknown } };
      const kdf = r.kdf;
      if (r.kind !== 'passphrase' || kdf?.name !== 'scrypt') continue;
      if (typeof kdf.N !== 'number' || typeof kdf.r !== 'number' || typeof kdf.p !== 'number' || typeof kdf.salt !== 'string') return;
      startScryptAhead(passphrase.normalize('NFC'), { N: kdf.N, r: kdf.r, p: kdf.p, salt: kdf.salt });
      return;
    }
  } catch {
    // No vault, or one this cannot read: the open says what is wrong.
  }
}
