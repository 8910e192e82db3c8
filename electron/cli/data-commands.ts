// The data directory commands: `tokenry init` (a new vault, on purpose), `tokenry files` (how each data file stands,
// and what to do) and `tokenry files accept` (authenticate a file a person has checked).
// The core's modules load inside each command: listed with every other command, these must cost nothing at
// start-up (data-files.ts brings the schemas of every data file, and zod with them).
import { CliError, EXIT } from './cli-io.js';
import type { Command } from './command.js';

/** The files `files accept` takes (data-files.ts DATA_FILES; repeated so that listing commands loads no schema). */
export const DATA_FILE_NAMES = ['accounts.json', 'clients.json', 'settings.json'] as const;

const OWNER_HINT = 'Stop it first: only the owner of a data directory writes its files.';

export const DATA_COMMANDS: readonly Command[] = [
  {
    path: ['init'],
    usage: 'tokenry init',
    summary: 'Create the vault and data files of a new, empty data directory (other commands do so too on first use).',
    options: {},
    positionals: [],
    async run(ctx) {
      const [{ assertVaultMayBeCreated }, { fingerprintOf }, { secretsPath }, { openService }] = await Promise.all([
        import('../core/data-files.js'),
        import('../core/vault/file-fingerprint.js'),
        import('../core/vault/secret-store.js'),
        import('./open-service.js'),
      ]);
      if ((await fingerprintOf(secretsPath(ctx.dataDir))) !== null) throw new CliError(`${ctx.dataDir} already has a vault.`, EXIT.other);
      // Beside existing accounts or clients, the vault is missing, not new: say so rather than make one.
      await assertVaultMayBeCreated(ctx.dataDir);
      const opened = await openService(ctx.dataDir, ctx.io, 'tokenry init', { log: ctx.log, hint: OWNER_HINT });
      const kinds = opened.vault.protectorKinds();
      await opened.close();
      ctx.io.stdout.write(`Created a vault in ${ctx.dataDir}, protected by ${kinds.includes('passphrase') ? 'a passphrase' : 'the OS keyring'}.\n`);
      return EXIT.ok;
    },
  },
  {
    path: ['files'],
    usage: 'tokenry files',
    summary: 'Check the data files beside the vault (accounts, clients, settings): present, authentic, readable; says what to do when not.',
    options: {},
    positionals: [],
    async run(ctx) {
      const [{ checkDataFiles, DATA_FILES_MAC_PURPOSE }, { unlockVault }] = await Promise.all([import('../core/data-files.js'), import('./open-service.js')]);
      // Read-only: beside a running owner too.
      const vault = await unlockVault(ctx.dataDir, ctx.io, { readOnly: true });
      let statuses;
      try {
        statuses = await checkDataFiles(ctx.dataDir, vault.deriveKey(DATA_FILES_MAC_PURPOSE));
      } finally {
        await vault.close();
      }
      for (const status of statuses) {
        const line =
          status.kind === 'ok' ? `ok       ${status.summary}` : status.kind === 'missing' ? `MISSING  ${status.message}` : `REFUSED  (${status.code}) ${status.message}`;
        ctx.io.stdout.write(`${status.name.padEnd(14)} ${line}\n`);
      }
      return statuses.every((s) => s.kind === 'ok') ? EXIT.ok : EXIT.other;
    },
  },
  {
    path: ['files', 'accept'],
    usage: `tokenry files accept FILE   (FILE: ${DATA_FILE_NAMES.join(', ')})`,
    summary:
      'Authenticate a data file as it is now, after you checked it: a file from an older Tokenry, or one you changed by hand. A missing one starts empty. Damaged content stays refused.',
    options: {},
    positionals: ['FILE'],
    async run(ctx, args) {
      const [{ acceptDataFile, DATA_FILES_MAC_PURPOSE, dataFileSpec }, { lockDataDir, unlockVault }] = await Promise.all([import('../core/data-files.js'), import('./open-service.js')]);
      const name = args[0] ?? '';
      const file = dataFileSpec(name);
      if (file === undefined) throw CliError.usage(`"${name}" is not a data file Tokenry authenticates (${DATA_FILE_NAMES.join(', ')})`);
      const files = [file];
      const lock = await lockDataDir(ctx.dataDir, 'tokenry files accept', OWNER_HINT);
      try {
        const vault = await unlockVault(ctx.dataDir, ctx.io, { guard: lock });
        try {
          const macKey = vault.deriveKey(DATA_FILES_MAC_PURPOSE);
          for (const file of files) {
            const holds = await acceptDataFile(ctx.dataDir, file, lock, macKey);
            ctx.io.stdout.write(`Accepted ${file.name}.json: ${holds}.\n`);
          }
        } finally {
          await vault.close();
        }
      } finally {
        await lock.release();
      }
      return EXIT.ok;
    },
  },
];
