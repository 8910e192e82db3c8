// The client end of the control channel: finds the data directory's owner (control.json), checks that
// only this user can be listening, proves itself and asks. See docs/technical/control-channel.md.
import { connect, type Socket } from 'node:net';
import type { ErrorValue } from '../../../shared/errors.js';
import type { Result } from '../../../shared/result.js';
import { nodeErrorCode } from '../vault/vault-error.js';
import { ControlError } from './control-error.js';
import { checkPrivate, readControlInfo, type ControlInfo } from './control-files.js';
import {
  CONTROL_PROTOCOL_VERSION,
  encodeMessage,
  handshakeProof,
  lineSplitter,
  newNonce,
  parseLine,
  proofMatches,
  serverMessageSchema,
  type OwnerInfo,
  type ServerMessage,
} from './control-protocol.js';

/** An answer may be the whole account list (10,000 accounts); more than this is not an owner. */
const MAX_ANSWER_BYTES = 256 * 1024 * 1024;
const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;

export type ControlEventListener = (event: string, payload: unknown) => void;

export interface ControlConnection {
  readonly owner: OwnerInfo;
  /** Sends one request of the contract; resolves with the owner's answer (not yet checked against the channel's schema). */
  call(channel: string, args: readonly unknown[]): Promise<Result<unknown, ErrorValue>>;
  /** Asks for the contract's events; every event this connection gets arrives at each listener (not yet checked against the contract). */
  subscribe(events: readonly string[], listener: ControlEventListener): void;
  close(): void;
}

export interface ConnectOptions {
  /** How long the owner may take to finish the handshake. */
  readonly timeoutMs?: number;
}

/**
 * Connects to the owner of `dataDir`. Resolves null when there is none (no control.json, or a dead
 * owner's socket); rejects with a ControlError when something is listening that cannot be trusted.
 */
export async function connectControl(dataDir: string, options: ConnectOptions = {}): Promise<ControlConnection | null> {
  const info = readControlInfo(dataDir);
  if (info === null) return null;
  try {
    // Nothing is sent, not even the handshake, to a socket another user could have made.
    checkPrivate(dataDir, process.platform === 'win32' ? undefined : info.path);
  } catch (error) {
    if (nodeErrorCode(error) === 'ENOENT') return null;
    throw error;
  }
  const socket = await new Promise<Socket | null>((resolve, reject) => {
    const s = connect({ path: info.path });
    s.once('connect', () => {
      s.off('error', onError);
      resolve(s);
    });
    const onError = (error: unknown): void => {
      const code = nodeErrorCode(error);
      // The owner died without cleaning up (or is closing): nobody owns the directory now.
      if (code === 'ENOENT' || code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'EPIPE') resolve(null);
      else reject(new ControlError('closed', `Cannot connect to the control socket ${info.path} (${code ?? 'unknown error'})`, { cause: error }));
    };
    s.once('error', onError);
  });
  if (socket === null) return null;
  return handshake(socket, info, options.timeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS);
}

function handshake(socket: Socket, info: ControlInfo, timeoutMs: number): Promise<ControlConnection | null> {
  const myNonce = newNonce();
  const waiting = new Map<number, (response: Result<unknown, ErrorValue> | ControlError) => void>();
  const listeners = new Set<ControlEventListener>();
  let nextId = 1;
  let closedError: ControlError | null = null;

  return new Promise((resolve, reject) => {
    let owner: OwnerInfo | null = null;
    const timer = setTimeout(() => fail(new ControlError('timeout', `The owner of the data directory did not answer within ${timeoutMs / 1000} s`)), timeoutMs);
    const fail = (error: ControlError): void => {
      clearTimeout(timer);
      socket.destroy();
      reject(error);
    };
    const connection: ControlConnection = {
      get owner() {
        return owner as OwnerInfo;
      },
      call(channel, args) {
        if (closedError !== null) return Promise.reject(closedError);
        const id = nextId++;
        return new Promise((resolveCall, rejectCall) => {
          waiting.set(id, (response) => (response instanceof ControlError ? rejectCall(response) : resolveCall(response)));
          socket.write(encodeMessage({ t: 'call', id, channel, args }));
        });
      },
      subscribe(events, onEvent) {
        listeners.add(onEvent);
        socket.write(encodeMessage({ t: 'subscribe', events }));
      },
      close() {
        socket.end();
      },
    };
    const onMessage = (message: ServerMessage): void => {
      switch (message.t) {
        case 'welcome':
          if (owner !== null) return fail(new ControlError('protocol', 'The owner sent a second welcome'));
          socket.write(encodeMessage({ t: 'hello', v: CONTROL_PROTOCOL_VERSION, nonce: myNonce, proof: handshakeProof(info.key, 'client', message.nonce) }));
          return;
        case 'ready':
          // The owner proves it read control.json too: a socket someone else put there learns nothing.
          if (!proofMatches(info.key, 'server', myNonce, message.proof)) return fail(new ControlError('handshake_failed', 'The process on the control socket is not the data directory\'s owner'));
          owner = message.owner;
          clearTimeout(timer);
          resolve(connection);
          return;
        case 'result': {
          const settle = waiting.get(message.id);
          waiting.delete(message.id);
          settle?.(message.response as Result<unknown, ErrorValue>);
          return;
        }
        case 'event':
          for (const listener of listeners) listener(message.event, message.payload);
          return;
      }
    };
    socket.on(
      'data',
      lineSplitter(MAX_ANSWER_BYTES, (line) => {
        const message = line === null ? null : parseLine(line, serverMessageSchema);
        if (message === null) {
          closedError = new ControlError('protocol', 'The owner of the data directory sent something outside the protocol');
          socket.destroy();
          return;
        }
        onMessage(message);
      }),
    );
    socket.on('error', () => undefined);
    socket.on('close', () => {
      closedError ??= new ControlError('closed', 'The process that owns the data directory stopped before answering');
      clearTimeout(timer);
      // Before the handshake: the owner was closing; nobody owns the directory any more.
      if (owner === null) resolve(null);
      for (const settle of waiting.values()) settle(closedError);
      waiting.clear();
    });
  });
}
