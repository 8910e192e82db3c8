// The contract's events (shared/ipc.ts EVENTS) as one hub per owner: the core emits, every transport
// that wants them (the control channel's subscribers, a shell) listens; nothing here knows a transport.
import type { EventChannel, EventPayload } from '../../../shared/ipc.js';
import { silentLogger, type Logger } from '../log/logger.js';

export type EventListener<E extends EventChannel> = (payload: EventPayload<E>) => void;

/**
 * A source that costs something while it runs (the audit log's batching timer): started when its
 * event gets a first listener, stopped when the last one leaves.
 */
export type LazySource<E extends EventChannel> = (emit: (payload: EventPayload<E>) => void) => () => void;

export interface CoreEvents {
  on<E extends EventChannel>(event: E, listener: EventListener<E>): () => void;
  emit<E extends EventChannel>(event: E, payload: EventPayload<E>): void;
  /** How many listeners an event has (tests, and sources that skip work nobody hears). */
  listeners(event: EventChannel): number;
}

export function createCoreEvents(options: { readonly log?: Logger; readonly sources?: { readonly [E in EventChannel]?: LazySource<E> } } = {}): CoreEvents {
  const log = options.log ?? silentLogger;
  const listeners = new Map<EventChannel, Set<(payload: never) => void>>();
  const running = new Map<EventChannel, () => void>();
  const hub: CoreEvents = {
    on(event, listener) {
      let set = listeners.get(event);
      if (set === undefined) {
        set = new Set();
        listeners.set(event, set);
      }
      set.add(listener as (payload: never) => void);
      const source = options.sources?.[event] as LazySource<typeof event> | undefined;
      if (source !== undefined && !running.has(event)) running.set(event, source((payload) => hub.emit(event, payload)));
      return () => {
        if (!set.delete(listener as (payload: never) => void) || set.size > 0) return;
        running.get(event)?.();
        running.delete(event);
      };
    },
    emit(event, payload) {
      for (const listener of [...(listeners.get(event) ?? [])]) {
        try {
          (listener as EventListener<typeof event>)(payload);
        } catch (error) {
          // One failing listener (a closed socket) must not keep the event from the others.
          log.warn('an event listener failed', { event, cause: error });
        }
      }
    },
    listeners: (event) => listeners.get(event)?.size ?? 0,
  };
  return hub;
}
