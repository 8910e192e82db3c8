// The renderer side of the IPC contract: invoke on a contract channel, listen to a contract event.
// The only preload file that touches ipcRenderer; ipcRenderer itself is never handed to the page.
import { ipcRenderer, type IpcRendererEvent } from 'electron';
import type { ErrorValue } from '../../shared/errors.js';
import { EVENTS, isChannel, type Channel, type EventChannel } from '../../shared/ipc.js';
import type { Result } from '../../shared/result.js';

const failure = (code: string, message: string): Result<unknown, ErrorValue> => ({ ok: false, error: { code, kind: 'invalid_input', message } });

const isEventChannel = (value: unknown): value is EventChannel => typeof value === 'string' && Object.hasOwn(EVENTS, value);

/**
 * Sends a request on a contract channel. Main answers with a Result; should the transport
 * itself fail (no handler, window closing), that too becomes an error value.
 */
export async function invoke(channel: Channel, args: unknown[]): Promise<Result<unknown, ErrorValue>> {
  if (!isChannel(channel)) return failure('unknown_channel', 'Unknown request.');
  try {
    return (await ipcRenderer.invoke(channel, ...args)) as Result<unknown, ErrorValue>;
  } catch (error) {
    return { ok: false, error: { code: 'ipc_failed', kind: 'unavailable', message: error instanceof Error ? error.message : 'The app did not answer.' } };
  }
}

/**
 * Listens to a contract event; the listener gets the payload only (never the IpcRendererEvent,
 * whose `sender` would be ipcRenderer). Returns the unsubscribe function.
 */
export function subscribe(event: EventChannel, listener: (payload: unknown) => void): () => void {
  if (!isEventChannel(event)) return () => undefined;
  const wrapped = (_event: IpcRendererEvent, payload: unknown): void => listener(payload);
  ipcRenderer.on(event, wrapped);
  return () => {
    ipcRenderer.removeListener(event, wrapped);
  };
}
