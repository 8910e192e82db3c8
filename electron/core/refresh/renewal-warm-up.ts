// Runs the renewal path once, against a throwaway server on this machine, before a process's first request to a
// provider: so that the first real answer a one-shot process gets (`tokenry token`, `tokenry refresh`) is handled by
// warm code, and a rotated refresh token reaches the journal within a few milliseconds of arriving (issue 12).
//
// Why it is needed: in a fresh process, the first HTTP answer costs undici its parser's first run (WebAssembly and
// JavaScript compiled on first use), and the grant, record and sealing code run for the first time; measured here,
// 7-10 ms from the provider's answer to the journal write instead of 2-3 ms in a warm process. A kill in that gap
// loses the rotated refresh token (RFC 6749 §6: the old one is revoked once the new one is issued). The same work
// done once before the first request leaves only the warm path after the answer. It is not run beside the vault's
// unlock: most `tokenry token` calls hand out a token they hold, and there it cost 15-60 ms of a 2-core machine.
import type { AddressInfo } from 'node:net';
import { requestToken, systemGrantDeps, type GrantDeps } from '../grants/grant-client.js';
import type { FetchLike } from '../grants/http-transport.js';
import { DEFAULT_RETRY } from '../grants/retry.js';
import { resolveProfile } from '../providers/resolve-profile.js';
import { newDataKey, sealSecret } from '../vault/envelope.js';

/** A made-up answer in the shape of a rotating refresh (RFC 6749 §5.1); none of it is ever stored. */
const WARM_UP_ANSWER = JSON.stringify({
  access_token: 'warm-up-access-token',
  token_type: 'Bearer',
  expires_in: 3600,
  refresh_token: 'warm-up-refresh-token',
  scope: 'warm-up',
});

/** The warm-up gives up after this long: it only saves time, and must never cost a command much. */
const WARM_UP_TIMEOUT_MS = 2000;

export interface WarmUpOutcome {
  /** Whether the made-up renewal went through the whole path (request, answer, record, sealing). */
  readonly warmed: boolean;
}

/**
 * `fetch`, whose first call waits for `warmUp` to finish (once; a failed warm-up only costs its time). Only a
 * process that talks to a provider pays for the warm-up, and it pays before its first request, so the answer
 * meets warm code; a command that hands out a token it holds sends nothing and warms nothing.
 */
export function afterWarmUp(fetch: FetchLike, warmUp: () => Promise<unknown>): FetchLike {
  let ready: Promise<unknown> | null = null;
  return async (input, init) => {
    ready ??= warmUp().catch(() => undefined);
    await ready;
    return fetch(input, init);
  };
}

/**
 * Sends one refresh_token grant with the system's fetch to a server of its own on 127.0.0.1, reads the answer into a
 * record and seals it with a throwaway key. Never rejects, and never touches an account, the vault or the network
 * beyond the loopback interface; `deps` is for tests (the system's fetch and clock by default).
 */
export async function warmUpRenewal(deps: GrantDeps = systemGrantDeps()): Promise<WarmUpOutcome> {
  let close = (): Promise<void> => Promise.resolve();
  try {
    const { createServer } = await import('node:http');
    const server = createServer((request, response) => {
      // The body is read so that the connection is reused or closed as it would be with a provider.
      request.resume();
      request.on('end', () => {
        response.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
        response.end(WARM_UP_ANSWER);
      });
    });
    // Closed before the real request goes out: the connection's teardown must not run while its answer arrives.
    close = () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ port: 0, host: '127.0.0.1' }, () => resolve());
    });
    // The server must not keep a one-shot process alive.
    server.unref();
    // The address it listens on, as it listens: a server bound to every interface would not be 127.0.0.1.
    const { address, port } = server.address() as AddressInfo;
    const profile = resolveProfile('oauth2', { baseUrl: `http://${address}:${port}`, timeoutSeconds: WARM_UP_TIMEOUT_MS / 1000 });
    const outcome = await requestToken(
      profile,
      { grant: 'refresh_token', refreshToken: 'warm-up-refresh-token' },
      { clientId: 'warm-up', clientSecret: 'warm-up' },
      { retry: { ...DEFAULT_RETRY, maxAttempts: 1 } },
      deps,
    );
    if (!outcome.ok) return { warmed: false };
    sealSecret(newDataKey(), 'tokenry', 'warm-up/token', JSON.stringify(outcome.value.record));
    return { warmed: true };
  } catch {
    return { warmed: false };
  } finally {
    await close();
  }
}
