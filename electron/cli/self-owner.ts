// A command that finds no owner opens the data directory itself (the same core the app opens), and
// serves the commands that queue on it meanwhile until it and they are done.
import type { Channel, ChannelArgs, ChannelResponse } from '../../shared/ipc.js';
import { openAppCore } from '../core/bridge/app-core.js';
import { answerRequest } from '../core/bridge/handlers.js';
import type { DataDirLock } from '../core/vault/lock.js';
import type { CommandContext } from './command.js';
import type { CoreAccess } from './core-access.js';
import { unlockVault } from './open-service.js';

export interface SelfOwner {
  readonly access: CoreAccess;
  /** Serves whoever queued on this process, then closes the core and releases the lock. */
  close(): Promise<void>;
}

export async function openSelf(ctx: CommandContext, purpose: string, lock: DataDirLock): Promise<SelfOwner> {
  const core = await openAppCore({
    dataDir: ctx.dataDir,
    purpose,
    lock: async () => lock,
    unlock: () => unlockVault(ctx.dataDir, ctx.io),
    // A one-shot command: no timers, no loopback endpoint, no clipboard; its control channel lasts as long as it does.
    background: false,
    loopbackPort: null,
    control: { lasting: false },
    log: ctx.log,
    copyToClipboard: () => Promise.reject(new Error('The tokenry command has no clipboard.')),
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
}
