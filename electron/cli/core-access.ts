// How a `tokenry` command reaches the data directory: through its owner's control channel when one
// runs (the app, `tokenry serve`, or another command that opened it first), else by taking it
// itself, serving other commands that come meanwhile. See docs/technical/control-channel.md.
import type { ErrorValue } from '../../shared/errors.js';
import type { Channel, ChannelArgs, ChannelResponse, EventChannel } from '../../shared/ipc.js';
import { tokenViewSchema } from '../../shared/token-answer.js';
import type { Result } from '../../shared/result.js';
import { connectControl, type ControlConnection } from '../core/control/control-client.js';
import { ControlError } from '../core/control/control-error.js';
import { OWNER_UNAVAILABLE, type OwnerInfo } from '../core/control/control-protocol.js';
import type { DataDirLock } from '../core/vault/lock.js';
import { VaultError } from '../core/vault/vault-error.js';
import { CliError, EXIT } from './cli-io.js';
import type { CommandContext } from './command.js';

/** The data directory as a command sees it, wherever it is open. */
export interface CoreAccess {
  /** `owner`: another process owns the directory and answers; `self`: this command opened it. */
  readonly via: 'owner' | 'self';
  /** Who answers, when it is another process. */
  readonly owner: OwnerInfo | null;
  /** One request of the IPC contract (shared/ipc.ts), answered by the same handlers as the app's window. */
  call<C extends Channel>(channel: C, ...args: ChannelArgs<C>): Promise<ChannelResponse<C>>;
  /** The contract's events (checked against it), until the returned function is called. */
  onEvent(events: readonly EventChannel[], listener: (event: EventChannel, payload: unknown) => void): () => void;
}

/** How long a command waits for another process that holds the data directory without answering (TOKENRY_WAIT_SECONDS). */
export const WAIT_ENV = 'TOKENRY_WAIT_SECONDS';
const DEFAULT_WAIT_SECONDS = 10;
/** How long one wait for the lock lasts before the owner's socket is looked for again. */
const LOCK_SLICE_MS = 100;
/** A wait longer than this is said on stderr, once. */
const NOTE_AFTER_MS = 1_000;

export function waitMs(env: CommandContext['io']['env']): number {
  const text = env[WAIT_ENV];
  if (text === undefined || text === '') return DEFAULT_WAIT_SECONDS * 1000;
  if (!/^\d{1,5}$/.test(text)) throw CliError.usage(`${WAIT_ENV} must be a whole number of seconds`);
  return Number(text) * 1000;
}

/** What to do once the directory is reached: through its owner, or holding its lock. */
export interface ReachHandlers<T> {
  owner(connection: ControlConnection): Promise<T>;
  lock(lock: DataDirLock): Promise<T>;
  /** Once, when no owner answered the first time: what may start before the lock is taken. */
  noOwner?(): void;
}

/** A request sent back by an owner that could not open: nothing ran, so the command starts over. */
class AskAgain extends Error {}

/**
 * Finds the owner of the data directory or takes it: connects to the control channel; else takes
 * the lock; while another process holds the lock without answering yet (it is opening the vault, or
 * closing), waits for whichever comes first, bounded by TOKENRY_WAIT_SECONDS.
 */
export async function reach<T>(ctx: CommandContext, purpose: string, handlers: ReachHandlers<T>): Promise<T> {
  const started = Date.now();
  const deadline = started + waitMs(ctx.io.env);
  let noted = false;
  for (let attempt = 0; ; attempt += 1) {
    const connection = await connectControl(ctx.dataDir).catch((error: unknown) => {
      if (error instanceof ControlError) throw new CliError(error.message, EXIT.other);
      throw error;
    });
    if (connection !== null) {
      try {
        return await handlers.owner(connection);
      } catch (error) {
        if (!(error instanceof AskAgain)) throw error;
        if (attempt >= 5) throw new CliError(`The processes that took ${ctx.dataDir} could not open it, ${attempt + 1} times: run the command again alone to see why.`, EXIT.other);
        continue;
      } finally {
        connection.close();
      }
    }
    if (attempt === 0) handlers.noOwner?.();
    let lock: DataDirLock;
    try {
      // The lock module (and the zod it checks lock files with) loads only when no owner answers.
      const { acquireLock } = await import('../core/vault/lock.js');
      lock = await acquireLock(ctx.dataDir, { purpose, waitMs: Math.max(0, Math.min(LOCK_SLICE_MS, deadline - Date.now())) });
    } catch (error) {
      if (!(error instanceof VaultError && error.code === 'locked_by_other')) throw error;
      if (Date.now() >= deadline) {
        throw new CliError(`${error.message}. It does not answer on its control channel (an older Tokenry?): stop it, or ask it for tokens with TOKENRY_CLIENT_KEY.`, EXIT.other);
      }
      if (!noted && Date.now() - started >= NOTE_AFTER_MS) {
        noted = true;
        ctx.io.stderr.write(`Waiting for another process to finish with ${ctx.dataDir} (${Math.round((deadline - Date.now()) / 1000)} s at most)...\n`);
      }
      continue;
    }
    return handlers.lock(lock);
  }
}

/** The owner's answers, checked against the contract (zod) before the command trusts them. */
export function remoteAccess(connection: ControlConnection): CoreAccess {
  return {
    via: 'owner',
    owner: connection.owner,
    async call<C extends Channel>(channel: C, ...args: ChannelArgs<C>): Promise<ChannelResponse<C>> {
      let response: Result<unknown, ErrorValue>;
      try {
        response = await connection.call(channel, args);
      } catch (error) {
        if (error instanceof ControlError) throw new CliError(`${error.message} (${describeOwner(connection.owner)}).`, EXIT.other);
        throw error;
      }
      if (!response.ok) {
        if (response.error.code === OWNER_UNAVAILABLE) throw new AskAgain();
        return response;
      }
      const checked = await checkResult(channel, response.value);
      if (!checked.success) throw new CliError(`The ${describeOwner(connection.owner)} answered something this tokenry does not understand (a different version?).`, EXIT.other);
      return { ok: true, value: checked.data } as ChannelResponse<C>;
    },
    onEvent(events, listener) {
      let on = true;
      const contract = import('../../shared/ipc.js');
      connection.subscribe(events, (event, payload) => {
        if (!(events as readonly string[]).includes(event)) return;
        // In order: every event waits on the same import.
        void contract.then(({ parseEvent }) => {
          const checked = parseEvent(event as EventChannel, payload);
          if (on && checked.ok) listener(event as EventChannel, checked.value);
        });
      });
      return () => {
        on = false;
      };
    },
  };
}

/**
 * Checks an answer against the channel's result schema. A token (`token`, `exec`: what scripts call
 * all day) is checked with zod/mini alone; the rest of the contract loads classic zod when needed.
 */
async function checkResult(channel: Channel, value: unknown): Promise<{ readonly success: true; readonly data: unknown } | { readonly success: false }> {
  if (channel === 'tokens:get') return tokenViewSchema.safeParse(value);
  const { CHANNELS } = await import('../../shared/ipc.js');
  return CHANNELS[channel].result.safeParse(value);
}

export function describeOwner(owner: OwnerInfo): string {
  return `${owner.purpose} (process ${owner.pid})`;
}

/**
 * Runs `use` on the data directory: through its owner if one runs, else in this process (which then
 * serves, until `use` is done and they are too, the commands that queued on it meanwhile).
 * `use` may run twice when an owner fails to open under it: read stdin before, not inside.
 */
export function withCore<T>(ctx: CommandContext, purpose: string, use: (core: CoreAccess) => Promise<T>, options: { readonly renews?: boolean } = {}): Promise<T> {
  return reach(ctx, purpose, {
    owner: (connection) => use(remoteAccess(connection)),
    // scrypt on the thread pool while the lock, the vault module and the core load here.
    noOwner: () => void import('./vault-head-start.js').then(({ startVaultHeadStart }) => startVaultHeadStart(ctx)).catch(() => undefined),
    lock: async (lock) => {
      // The core (vault, service, grants) loads only when this process opens the directory itself.
      const { openSelf } = await import('./self-owner.js');
      const self = await openSelf(ctx, purpose, lock, options);
      try {
        return await use(self.access);
      } finally {
        await self.close();
      }
    },
  });
}
