// Specifies the owner's event hub: listeners by event, a failing listener isolated, sources running only while heard.
import { describe, expect, it } from 'vitest';
import { createCoreEvents } from '../../../../electron/core/bridge/core-events.js';

describe('createCoreEvents()', () => {
  it('hands each event to its listeners until they leave', () => {
    const events = createCoreEvents();
    const heard: unknown[] = [];
    const stop = events.on('accounts:changed', (payload) => heard.push(payload));
    events.emit('accounts:changed', null);
    events.emit('clients:access-requested', { client: 'ci', account: 'crm' });
    stop();
    events.emit('accounts:changed', null);
    expect(heard).toEqual([null]);
  });

  it('keeps an event from nobody when one listener throws', () => {
    const events = createCoreEvents();
    const heard: string[] = [];
    events.on('accounts:changed', () => {
      throw new Error('a closed socket');
    });
    events.on('accounts:changed', () => heard.push('second'));
    events.emit('accounts:changed', null);
    expect(heard).toEqual(['second']);
  });

  it('runs a source only while its event has listeners', () => {
    let running = 0;
    const events = createCoreEvents({
      sources: {
        'audit:appended': (emit) => {
          running += 1;
          emit([]);
          return () => (running -= 1);
        },
      },
    });
    const heard: unknown[] = [];
    const first = events.on('audit:appended', (rows) => heard.push(rows));
    const second = events.on('audit:appended', () => undefined);
    expect(running).toBe(1);
    first();
    expect(running).toBe(1);
    second();
    expect([running, heard, events.listeners('audit:appended')]).toEqual([0, [[]], 0]);
  });
});
