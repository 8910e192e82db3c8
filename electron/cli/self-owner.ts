// A command that finds no owner opens the data directory itself (the same core the app opens), and
// serves the commands that queue on it meanwhile until it and they are done.
import { access as fileAccess } from 'node:fs/promises';
import type { Channel, ChannelArgs, ChannelResponse } from '../../shared/ipc.js';
import type { DataDirLock } from '../core/vault/lock.js';
import type { Vault } from '../core/vault/secret-store.js';
import type { CommandContext } from './command.js';
import type { CoreAccess } from './core-access.js';

export interface SelfOwner {
  readonly access: CoreAccess;
  /** Serves whoever queued on this process, then closes the core and releases the lock. */
  close(): Promise<void>;
}

export interface SelfOptions {
  /** The command renews tokens (`token`, `refresh`, `exec`): the renewal path is warmed before its first request. */
  readonly renews?: boolean;
}

/** Opens the core over `ctx.dataDir`, whose lock this process holds (`lock`). */
export async function openSelf(ctx: CommandContext, purpose: string, lock: DataDirLock, options: SelfOptions = {}): Promise<SelfOwner> {
  let unlocking: Promise<Vault> | undefined;
  try {
    // The vault starts unlocking first: its scrypt runs on another thread while the rest of the core
    // loads here (a passphrase vault's unlock is most of a command's time). The lock is already held.
    // A new vault is made by openAppCore instead (after checking the directory is new and empty, with its data files).
    const [{ unlockVault }, { secretsPath }] = await Promise.all([import('./open-service.js'), import('../core/vault/secret-store.js')]);
    const early = (await fileAccess(secretsPath(ctx.dataDir)).then(() => true, () => false)) ? unlockVault(ctx.dataDir, ctx.io, { guard: lock }) : undefined;
    unlocking = early;
    early?.catch(() => undefined);
    const [{ openAppCore }, { answerRequest }, { systemBrowser }] = await Promise.all([
      import('../core/bridge/app-core.js'),
      import('../core/bridge/handlers.js'),
      import('../core/flows/system-browser.js'),
    ]);
    const core = await openAppCore({
      dataDir: ctx.dataDir,
      purpose,
      lock: async () => lock,
      unlock: (guard) => early ?? unlockVault(ctx.dataDir, ctx.io, { guard, create: true }),
      // Before its first request only: a rotated refresh token is then written within milliseconds of its answer.
      ...(options.renews === true ? { warmUp: () => import('../core/refresh/renewal-warm-up.js').then(({ warmUpRenewal }) => warmUpRenewal()) } : {}),
      // A one-shot command: no timers, no loopback endpoint, no clipboard; its control channel lasts as long as it does.
      background: false,
      loopbackPort: null,
      control: { lasting: false },
      log: ctx.log,
      copyToClipboard: () => Promise.reject(new Error('The tokenry command has no clipboard.')),
      // A browser sign-in run here opens the platform's browser (unless the command says --no-browser).
      openExternal: systemBrowser({ env: ctx.io.env }),
    });
    const access: CoreAccess = {
      via: 'self',
      owner: null,
      call: <C extends Channel>(channel: C, ...args: ChannelArgs<C>) => answerRequest(core.handlers, channel, args, ctx.log) as Promise<ChannelResponse<C>>,
      onEvent(events, listener) {
        const stops = events.map((event) => core.events.on(event, (payload) => listener(event, payload)));
        return () => {
          for (const stop of stops) stop();
        };
      },
    };
    return {
      access,
      async close() {
        await core.control?.closeWhenIdle();
        await core.close();
      },
    };
  } catch (error) {
    // openAppCore undoes what it opened (the vault it was handed included); this covers failing before it ran.
    await unlocking?.then((vault) => vault.close(), () => undefined).catch(() => undefined);
    await lock.release().catch(() => undefined);
    throw error;
  }
}
