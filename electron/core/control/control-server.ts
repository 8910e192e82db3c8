// The owner's local control channel: other Tokenry processes (the `tokenry` command) reach the data
// directory's owner through it instead of opening the files. Requests are the IPC contract's,
// answered by the same handlers as the app's window (answerRequest); events are forwarded to
// subscribers. See docs/technical/control-channel.md.
import { chmod } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { CHANGES_ACCOUNTS, EVENTS, isChannel, type Channel, type EventChannel, type Handlers } from '../../../shared/ipc.js';
import { err, type Result } from '../../../shared/result.js';
import type { ErrorValue } from '../../../shared/errors.js';
import type { CoreEvents } from '../bridge/core-events.js';
import { answerRequest } from '../bridge/handlers.js';
import { silentLogger, type Logger } from '../log/logger.js';
import { newControlKey, removeControlInfo, removeStaleSocket, writeControlInfo } from './control-announce.js';
import { checkPrivate, controlSocketPath } from './control-files.js';
import {
  clientMessageSchema,
  CONTROL_PROTOCOL_VERSION,
  encodeMessage,
  handshakeProof,
  lineSplitter,
  newNonce,
  OWNER_UNAVAILABLE,
  parseLine,
  proofMatches,
  type OwnerInfo,
} from './control-protocol.js';

/** A request is small (a client secret at most); anything longer is not one of ours. */
const MAX_REQUEST_BYTES = 1024 * 1024;
const HANDSHAKE_TIMEOUT_MS = 5_000;
/** A connection with nothing pending and no subscription is ended after this long. */
const IDLE_TIMEOUT_MS = 120_000;
const MAX_CONNECTIONS = 256;
const MAX_PENDING_PER_CONNECTION = 32;

export interface ControlServerOptions {
  readonly dataDir: string;
  /** The contract's handlers; requests that arrive before they are ready wait for them. */
  readonly handlers: Handlers | Promise<Handlers>;
  /** Where subscribers' events come from; also told `accounts:changed` after a request here changed accounts. */
  readonly events?: CoreEvents;
  readonly owner: { readonly purpose: string; readonly lasting: boolean };
  readonly log?: Logger;
}

export interface ControlServer {
  /** The socket (or pipe) it listens on. */
  readonly path: string;
  /** Open connections (a one-shot owner stays until they are done). */
  connections(): number;
  /**
   * Stops accepting once no connection is open, and resolves when the last one has ended: a
   * one-shot owner calls this after its own command, so that processes that queued on it are served.
   */
  closeWhenIdle(): Promise<void>;
  /** Stops at once: ends every connection (their pending requests still run, unanswered). */
  close(): Promise<void>;
}

interface Connection {
  readonly socket: Socket;
  readonly nonce: string;
  authed: boolean;
  readonly pending: Map<number, { readonly channel: Channel; readonly args: readonly unknown[] }>;
  readonly unsubscribe: Array<() => void>;
  timer: NodeJS.Timeout | null;
}

/**
 * Listens on the data directory's control socket (0600, in the 0700 directory; a named pipe on
 * Windows) and announces it in control.json. The caller holds the data directory's lock.
 */
export async function startControlServer(options: ControlServerOptions): Promise<ControlServer> {
  const log = options.log ?? silentLogger;
  const path = controlSocketPath(options.dataDir);
  checkPrivate(options.dataDir);
  await removeStaleSocket(path);
  const key = newControlKey();
  const owner: OwnerInfo = { pid: process.pid, purpose: options.owner.purpose, lasting: options.owner.lasting };
  let handlers: Handlers | null = null;
  let unavailable: ErrorValue | null = null;
  const ready = Promise.resolve(options.handlers).then(
    (value) => {
      handlers = value;
    },
    (error: unknown) => {
      log.warn('the owner could not open; queued requests are sent back', { cause: error });
      unavailable = { code: OWNER_UNAVAILABLE, kind: 'unavailable', message: 'The process that took the data directory could not open it; ask again.' };
    },
  );
  const connections = new Set<Connection>();
  let idleWaiters: Array<() => void> = [];
  let stopping = false;

  const server: Server = createServer({ allowHalfOpen: false, pauseOnConnect: false }, (socket) => accept(socket));
  server.maxConnections = MAX_CONNECTIONS;

  const send = (connection: Connection, message: unknown): void => {
    if (!connection.socket.destroyed && connection.socket.writable) connection.socket.write(encodeMessage(message));
  };

  const idleCheck = (connection: Connection): void => {
    if (connection.timer !== null) clearTimeout(connection.timer);
    connection.timer = null;
    if (connection.pending.size > 0 || connection.unsubscribe.length > 0) return;
    connection.timer = setTimeout(() => connection.socket.destroy(), connection.authed ? IDLE_TIMEOUT_MS : HANDSHAKE_TIMEOUT_MS);
    connection.timer.unref();
  };

  const ended = (connection: Connection): void => {
    if (!connections.delete(connection)) return;
    if (connection.timer !== null) clearTimeout(connection.timer);
    for (const stop of connection.unsubscribe.splice(0)) stop();
    // A client that went away (Ctrl-C, killed) during a sign-in: stop the sign-in it started.
    for (const call of connection.pending.values()) {
      if (call.channel === 'accounts:sign-in' && handlers !== null && typeof call.args[0] === 'string') {
        void handlers['accounts:cancel-sign-in'](call.args[0]).catch(() => undefined);
      }
    }
    connection.pending.clear();
    if (connections.size === 0) {
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const wake of waiters) wake();
    }
  };

  const answer = async (connection: Connection, id: number, channel: string, args: unknown[]): Promise<void> => {
    if (connection.pending.size >= MAX_PENDING_PER_CONNECTION || connection.pending.has(id)) {
      send(connection, { t: 'result', id, response: err({ code: 'too_many_requests', kind: 'invalid_input', message: 'Too many requests at once on one connection.' }) });
      return;
    }
    if (isChannel(channel)) connection.pending.set(id, { channel, args });
    idleCheck(connection);
    let response: Result<unknown, ErrorValue>;
    try {
      await ready;
      response = handlers === null ? err(unavailable ?? { code: OWNER_UNAVAILABLE, kind: 'unavailable', message: 'The owner is not ready.' }) : await answerRequest(handlers, channel, args, log);
    } finally {
      connection.pending.delete(id);
    }
    // Channel names and outcomes only: an answer may carry a token, which goes to this caller alone.
    log.debug('control request', { channel, ok: response.ok, ...(response.ok ? {} : { code: response.error.code }) });
    send(connection, { t: 'result', id, response });
    idleCheck(connection);
    if (response.ok && isChannel(channel) && CHANGES_ACCOUNTS.has(channel)) options.events?.emit('accounts:changed', null);
  };

  const subscribe = (connection: Connection, events: readonly string[]): void => {
    const hub = options.events;
    if (hub === undefined) return;
    for (const name of new Set(events)) {
      if (!Object.hasOwn(EVENTS, name)) continue;
      const event = name as EventChannel;
      connection.unsubscribe.push(
        hub.on(event, (payload) => {
          // Checked against the contract before it leaves, as every event is.
          const checked = EVENTS[event].safeParse(payload);
          if (checked.success) send(connection, { t: 'event', event, payload: checked.data });
        }),
      );
    }
    idleCheck(connection);
  };

  const accept = (socket: Socket): void => {
    const connection: Connection = { socket, nonce: newNonce(), authed: false, pending: new Map(), unsubscribe: [], timer: null };
    connections.add(connection);
    socket.on('error', () => socket.destroy());
    socket.on('close', () => ended(connection));
    socket.on(
      'data',
      lineSplitter(MAX_REQUEST_BYTES, (line) => {
        if (socket.destroyed) return;
        const message = line === null ? null : parseLine(line, clientMessageSchema);
        if (message === null) {
          log.warn('control connection sent something outside the protocol');
          socket.destroy();
          return;
        }
        if (!connection.authed) {
          // Only a process that can read control.json (this user, in the 0700 directory) gets further.
          if (message.t !== 'hello' || !proofMatches(key, 'client', connection.nonce, message.proof)) {
            log.warn('control connection failed the handshake');
            socket.destroy();
            return;
          }
          connection.authed = true;
          send(connection, { t: 'ready', proof: handshakeProof(key, 'server', message.nonce), owner });
          idleCheck(connection);
          return;
        }
        if (message.t === 'call') void answer(connection, message.id, message.channel, message.args);
        // The owner's event sources exist once it is open.
        else if (message.t === 'subscribe') void ready.then(() => connections.has(connection) && subscribe(connection, message.events));
      }),
    );
    send(connection, { t: 'welcome', v: CONTROL_PROTOCOL_VERSION, nonce: connection.nonce });
    idleCheck(connection);
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ path, exclusive: true }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  try {
    if (process.platform !== 'win32') await chmod(path, 0o600);
    checkPrivate(options.dataDir, process.platform === 'win32' ? undefined : path);
    await writeControlInfo(options.dataDir, { path, pid: process.pid, key });
  } catch (error) {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    throw error;
  }
  log.info('control channel listening', { path });

  let closing: Promise<void> | null = null;
  const shutDown = async (): Promise<void> => {
    stopping = true;
    await removeControlInfo(options.dataDir, process.pid).catch((error: unknown) => log.warn('could not remove control.json', { cause: error }));
    // net.Server#close calls back once every connection has ended (and removes the socket file).
    await new Promise<void>((resolve) => server.close(() => resolve()));
    log.info('control channel closed');
  };
  return {
    path,
    connections: () => connections.size,
    closeWhenIdle() {
      closing ??= (async () => {
        while (connections.size > 0) await new Promise<void>((resolve) => idleWaiters.push(resolve));
        await shutDown();
      })();
      return closing;
    },
    close() {
      if (!stopping) {
        for (const connection of connections) connection.socket.destroy();
        closing ??= shutDown();
      }
      return closing ?? Promise.resolve();
    },
  };
}
