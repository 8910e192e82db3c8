// Shared support for the grant-engine integration tests: a fixed clock, recording deps, results and leak checks.

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'vitest';
import { GrantError, systemGrantDeps, type GrantDeps, type TokenOutcome } from '../../../electron/core/grants/index.js';
import type { Result } from '../../../shared/result.js';
import type { EmulatorHandle, Knobs, RecordedRequest } from '../../fixtures/emulators/index.js';

/** The engine's "now" in every test: a whole second, so JWT `exp` (seconds) lines up with it. */
export const FIXED = Date.UTC(2026, 5, 1, 12, 0, 0);

export interface RecordingDeps {
  readonly deps: GrantDeps;
  /** Every delay the engine asked `sleep` for, in order (nothing actually waits). */
  readonly delays: number[];
  /** URLs the engine fetched. */
  readonly fetched: string[];
}

/** Real fetch on loopback, a fixed clock, a sleep that only records, a fixed random. */
export function recordingDeps(overrides: Partial<GrantDeps> = {}): RecordingDeps {
  const delays: number[] = [];
  const fetched: string[] = [];
  const system = systemGrantDeps();
  const deps: GrantDeps = {
    ...system,
    fetch: (input, init) => {
      fetched.push(input);
      return system.fetch(input, init);
    },
    now: () => FIXED,
    sleep: async (ms) => {
      delays.push(ms);
    },
    random: () => 0.5,
    ...overrides,
  };
  return { deps, delays, fetched };
}

/** The outcome of a successful grant; fails the test with the error's message otherwise. */
export function unwrap(result: Result<TokenOutcome, GrantError>): TokenOutcome {
  if (!result.ok) throw new Error(`expected a token, got ${result.error.code}: ${result.error.message}`);
  return result.value;
}

/** The error of a failed grant; fails the test when the grant succeeded. */
export function failure(result: Result<TokenOutcome, GrantError>): GrantError {
  if (result.ok) throw new Error('expected the grant to fail, but it returned a token');
  expect(result.error).toBeInstanceOf(GrantError);
  return result.error;
}

/** A secret as it could be echoed: raw, JSON-escaped, form-encoded, percent-encoded. */
function forms(secret: string): string[] {
  return [
    ...new Set([
      secret,
      JSON.stringify(secret).slice(1, -1),
      new URLSearchParams([['', secret]]).toString().slice(1),
      encodeURIComponent(secret),
    ]),
  ];
}

/**
 * Asserts that no secret (in any usual encoding) shows in the error's message, description,
 * excerpt, provider code, its JSON form or its string form, and that the message is readable.
 */
export function expectNoSecrets(error: GrantError, secrets: readonly string[]): void {
  const texts = {
    message: error.message,
    description: error.description ?? '',
    excerpt: error.excerpt ?? '',
    providerCode: error.providerCode ?? '',
    json: JSON.stringify(error),
    string: String(error),
  };
  const leaks = secrets
    .filter((s) => s.length > 0)
    .flatMap((secret) => forms(secret).flatMap((form) => Object.entries(texts).filter(([, text]) => text.includes(form))))
    .map(([where]) => where);
  expect(leaks).toEqual([]);
  expect(error.message.length).toBeGreaterThan(20);
  expect(error.message).not.toMatch(/\[object |undefined|null/);
}

/** The requests an emulator received after the first `from` of them. */
export const requestsSince = <K extends Knobs>(emulator: EmulatorHandle<K>, from: number): readonly RecordedRequest[] =>
  emulator.requests.slice(from);

/** The only request an emulator received after the first `from`; fails when there were more or none. */
export function onlyRequestSince<K extends Knobs>(emulator: EmulatorHandle<K>, from: number): RecordedRequest {
  const received = requestsSince(emulator, from);
  expect(received).toHaveLength(1);
  const [request] = received;
  if (request === undefined) throw new Error('no request received');
  return request;
}

/** A query string or form body as ordered name/value pairs (form decoding: `+` is a space). */
export const pairs = (encoded: string): Array<[string, string]> => [...new URLSearchParams(encoded)];

/** The last element of a list the emulator keeps; fails when the list is empty. */
export function last<T>(items: readonly T[]): T {
  const item = items.at(-1);
  if (item === undefined) throw new Error('expected at least one item');
  return item;
}

/** An HTTP Basic header value, with id and secret form-encoded (RFC 6749 §2.3.1) or raw. */
export function basicHeader(id: string, secret: string, encoding: 'form' | 'raw'): string {
  const enc = (v: string): string => (encoding === 'form' ? new URLSearchParams([['', v]]).toString().slice(1) : v);
  return `Basic ${Buffer.from(`${enc(id)}:${enc(secret)}`, 'utf8').toString('base64')}`;
}

/** A port on 127.0.0.1 that nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
