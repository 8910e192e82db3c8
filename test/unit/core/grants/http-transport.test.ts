// Specifies sendTokenRequest() against a real node:http server on 127.0.0.1: body cap, timeout, refused, TLS, no redirects, no query echoed.

import { getEventListeners } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  DEFAULT_MAX_BODY_BYTES,
  sendTokenRequest,
  systemSetTimer,
  transportError,
  type OutgoingRequest,
  type FetchLike,
  type TransportOptions,
} from '../../../../electron/core/grants/http-transport.js';
import { buildTokenRequest, type TokenHttpRequest } from '../../../../electron/core/grants/token-request.js';
import { resolveProfile } from '../../../../electron/core/providers/resolve-profile.js';
import { deferred } from '../../../fixtures/deferred.js';
import { FakeClock } from '../../../fixtures/fake-clock.js';
import { closedPort, rejectionOf, sendJson, startServer, type Handler, type LocalServer } from './support.js';

const PASSWORD = 'hunter2-Passw0rd';
const CLIENT_SECRET = 'axo-client-secret';
const realFetch: FetchLike = (input, init) => fetch(input, init);
const options = (overrides: Partial<TransportOptions> = {}): TransportOptions => ({
  fetch: realFetch,
  timeoutMs: 5_000,
  maxBodyBytes: DEFAULT_MAX_BODY_BYTES,
  ...overrides,
});

/** Axosoft's dialect: a GET whose query carries the password and the client secret. */
const axosoftRequest = (origin: string): TokenHttpRequest =>
  buildTokenRequest(
    resolveProfile('axosoft', { baseUrl: origin }),
    { grant: 'password', username: 'cathy', password: PASSWORD },
    { clientId: 'axo-client', clientSecret: CLIENT_SECRET },
  );

/** The standard dialect: a form POST with HTTP Basic. */
const oauth2Request = (origin: string, password = PASSWORD): TokenHttpRequest =>
  buildTokenRequest(
    resolveProfile('oauth2', { baseUrl: origin }),
    { grant: 'password', username: 'bob', password },
    { clientId: 'app', clientSecret: 'shh' },
  );

let server: LocalServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});
const serve = async (handler: Handler): Promise<LocalServer> => {
  server = await startServer(handler);
  return server;
};

/** Sends `size` bytes of a JSON-ish body, with or without a content-length. */
const bigBody =
  (size: number, declareLength: boolean): Handler =>
  (_, res) => {
    const headers: Record<string, string | number> = { 'content-type': 'application/json' };
    if (declareLength) headers['content-length'] = size;
    res.writeHead(200, headers);
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    let left = size;
    const pump = (): void => {
      while (left > 0) {
        const part = chunk.subarray(0, Math.min(left, chunk.length));
        left -= part.length;
        if (!res.write(part)) {
          res.once('drain', pump);
          return;
        }
      }
      res.end();
    };
    pump();
  };

describe('sendTokenRequest() on a working endpoint', () => {
  it('returns the status, the headers in lower case and the body', async () => {
    const s = await serve((_, res) => sendJson(res, 200, { access_token: 'at' }, { 'X-Request-Id': 'r1' }));
    const response = await sendTokenRequest(oauth2Request(s.origin), options());
    expect({ status: response.status, id: response.headers['x-request-id'], type: response.headers['content-type'], body: response.body }).toEqual({
      status: 200,
      id: 'r1',
      type: 'application/json;charset=UTF-8',
      body: '{"access_token":"at"}',
    });
  });

  it('sends the method, headers and body as built', async () => {
    const s = await serve((_, res) => sendJson(res, 200, {}));
    const request = oauth2Request(s.origin);
    await sendTokenRequest(request, options());
    const seen = s.requests[0];
    expect({
      method: seen?.method,
      url: seen?.url,
      contentType: seen?.headers['content-type'],
      authorization: seen?.headers['authorization'],
      accept: seen?.headers['accept'],
      body: seen?.body.toString('utf8'),
    }).toEqual({
      method: 'POST',
      url: '/token',
      contentType: 'application/x-www-form-urlencoded;charset=UTF-8',
      authorization: request.headers['authorization'],
      accept: 'application/json',
      body: request.body,
    });
  });

  it('sends a GET dialect\'s parameters in the query, with no body', async () => {
    const s = await serve((_, res) => sendJson(res, 200, {}));
    await sendTokenRequest(axosoftRequest(s.origin), options());
    expect({ method: s.requests[0]?.method, url: s.requests[0]?.url, body: s.requests[0]?.body.length }).toEqual({
      method: 'GET',
      url: `/api/oauth2/token?grant_type=password&username=cathy&password=${PASSWORD}&scope=read&client_id=axo-client&client_secret=${CLIENT_SECRET}`,
      body: 0,
    });
  });

  it('sends a non-ASCII password as UTF-8 bytes on the wire', async () => {
    const s = await serve((_, res) => sendJson(res, 200, {}));
    const sugar = buildTokenRequest(resolveProfile('sugarcrm', { baseUrl: s.origin }), { grant: 'password', username: 'a', password: 'pässwörd✓' }, {});
    await sendTokenRequest(sugar, options());
    expect(s.requests[0]?.body.includes(Buffer.from('"password":"pässwörd✓"', 'utf8'))).toBe(true);
  });

  it('decodes a UTF-8 answer', async () => {
    const s = await serve((_, res) => sendJson(res, 400, { error: 'invalid_grant', error_description: 'Mot de passe erroné ✗' }));
    expect((await sendTokenRequest(oauth2Request(s.origin), options())).body).toContain('erroné ✗');
  });

  it('accepts an answer of exactly the maximum size', async () => {
    const s = await serve(bigBody(DEFAULT_MAX_BODY_BYTES, true));
    expect((await sendTokenRequest(oauth2Request(s.origin), options())).body).toHaveLength(DEFAULT_MAX_BODY_BYTES);
  });

  it('does not follow a redirect: it returns the 3xx as it came', async () => {
    const s = await serve((req, res) => {
      if (req.url.startsWith('/elsewhere')) return sendJson(res, 200, { access_token: 'stolen' });
      res.writeHead(302, { location: '/elsewhere' });
      res.end();
    });
    const response = await sendTokenRequest(oauth2Request(s.origin), options());
    expect({ status: response.status, location: response.headers['location'], paths: s.requests.map((r) => r.url) }).toEqual({
      status: 302,
      location: '/elsewhere',
      paths: ['/token'],
    });
  });

  it("asks fetch not to follow redirects and passes an abort signal", async () => {
    let seen: RequestInit | undefined;
    const spy: FetchLike = async (_, init) => {
      seen = init;
      return new Response('{}', { status: 200 });
    };
    await sendTokenRequest(oauth2Request('https://auth.example.com'), options({ fetch: spy }));
    expect({ redirect: seen?.redirect, hasSignal: seen?.signal instanceof AbortSignal }).toEqual({ redirect: 'manual', hasSignal: true });
  });
});

describe('sendTokenRequest() failures', () => {
  it('refuses an answer over 1 MiB announced by content-length as bad_response', async () => {
    const s = await serve(bigBody(DEFAULT_MAX_BODY_BYTES + 1, true));
    expect((await rejectionOf(sendTokenRequest(oauth2Request(s.origin), options()))).code).toBe('bad_response');
  });

  it('refuses a chunked answer growing over 1 MiB without content-length as bad_response', async () => {
    const s = await serve(bigBody(DEFAULT_MAX_BODY_BYTES + 1, false));
    expect((await rejectionOf(sendTokenRequest(oauth2Request(s.origin), options()))).code).toBe('bad_response');
  });

  it('sends the oversized chunked answer without content-length indeed', async () => {
    const s = await serve(bigBody(10, false));
    const response = await sendTokenRequest(oauth2Request(s.origin), options());
    expect({ length: response.headers['content-length'], encoding: response.headers['transfer-encoding'] }).toEqual({
      length: undefined,
      encoding: 'chunked',
    });
  });

  it('names the status of an oversized answer', async () => {
    const s = await serve(bigBody(DEFAULT_MAX_BODY_BYTES + 1, false));
    expect((await rejectionOf(sendTokenRequest(oauth2Request(s.origin), options()))).status).toBe(200);
  });

  it('applies a smaller configured cap', async () => {
    const s = await serve((_, res) => sendJson(res, 200, { access_token: 'a-rather-long-token' }));
    expect((await rejectionOf(sendTokenRequest(oauth2Request(s.origin), options({ maxBodyBytes: 10 })))).code).toBe('bad_response');
  });

  /** Sends to a server that holds its answer; fires the fake timeout once the request (and, if asked, the headers) arrived. */
  const timedOut = async (handler: Handler): Promise<Awaited<ReturnType<typeof rejectionOf>>> => {
    const clock = new FakeClock();
    const arrived = deferred<void>();
    const s = await serve((req, res) => {
      handler(req, res);
      arrived.resolve();
    });
    const pending = rejectionOf(sendTokenRequest(oauth2Request(s.origin), options({ timeoutMs: 100, setTimer: (fn, ms) => clock.setTimer(fn, ms) })));
    await arrived.promise;
    await clock.advance(100);
    return pending;
  };

  it('takes an endpoint that never answers as a timeout', async () => {
    expect((await timedOut(() => undefined)).code).toBe('timeout');
  });

  it('takes an answer that stalls after its headers as a timeout', async () => {
    const error = await timedOut((_, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"access_token":');
    });
    expect(error.code).toBe('timeout');
  });

  it('gives a timeout the kind unavailable', async () => {
    expect((await timedOut(() => undefined)).kind).toBe('unavailable');
  });

  it('takes an aborted signal as cancelled, not as a timeout', async () => {
    const controller = new AbortController();
    const arrived = deferred<void>();
    const s = await serve(() => arrived.resolve());
    const pending = rejectionOf(sendTokenRequest(oauth2Request(s.origin), options({ signal: controller.signal })));
    await arrived.promise;
    controller.abort();
    expect((await pending).code).toBe('cancelled');
  });

  it('marks a refused connection as unsent: nothing reached the provider', async () => {
    const port = await closedPort();
    expect((await rejectionOf(sendTokenRequest(oauth2Request(`http://127.0.0.1:${port}`), options()))).unsent).toBe(true);
  });

  it('does not mark a connection broken after sending as unsent', async () => {
    const failing: FetchLike = async () => {
      throw new TypeError('fetch failed', { cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }) });
    };
    expect((await rejectionOf(sendTokenRequest(oauth2Request('https://auth.example.com'), options({ fetch: failing })))).unsent).toBe(false);
  });

  it('takes a refused connection (a closed port) as network', async () => {
    const port = await closedPort();
    expect((await rejectionOf(sendTokenRequest(oauth2Request(`http://127.0.0.1:${port}`), options()))).code).toBe('network');
  });

  it('takes https spoken to a plain-http server as tls', async () => {
    const s = await serve((_, res) => sendJson(res, 200, {}));
    expect((await rejectionOf(sendTokenRequest(oauth2Request(`https://127.0.0.1:${s.port}`), options()))).code).toBe('tls');
  });

  it('takes a certificate error anywhere in the cause chain as tls', async () => {
    const failing: FetchLike = async () => {
      throw new TypeError('fetch failed', { cause: Object.assign(new Error('certificate has expired'), { code: 'CERT_HAS_EXPIRED' }) });
    };
    expect((await rejectionOf(sendTokenRequest(oauth2Request('https://auth.example.com'), options({ fetch: failing })))).code).toBe('tls');
  });

  it('takes an unknown fetch failure as network without echoing a secret from its message', async () => {
    const failing: FetchLike = async () => {
      throw new Error(`socket hang up while sending password=${PASSWORD}`);
    };
    const error = await rejectionOf(sendTokenRequest(oauth2Request('https://auth.example.com'), options({ fetch: failing })));
    expect({ code: error.code, leaks: error.message.includes(PASSWORD) }).toEqual({ code: 'network', leaks: false });
  });
});

/** Axosoft's GET (secrets in the query) timed out on a fake clock. */
async function timedOutAxosoft(): Promise<Awaited<ReturnType<typeof rejectionOf>>> {
  const clock = new FakeClock();
  const arrived = deferred<void>();
  const s = await serve(() => arrived.resolve());
  const pending = rejectionOf(sendTokenRequest(axosoftRequest(s.origin), options({ timeoutMs: 100, setTimer: (fn, ms) => clock.setTimer(fn, ms) })));
  await arrived.promise;
  await clock.advance(100);
  return pending;
}

describe('sendTokenRequest() error messages', () => {
  type Scenario = () => Promise<string>;
  const messageOf = async (origin: string, transport: Partial<TransportOptions> = {}): Promise<string> =>
    (await rejectionOf(sendTokenRequest(axosoftRequest(origin), options(transport)))).message;

  const scenarios: ReadonlyArray<readonly [string, Scenario]> = [
    ['a timeout', async () => (await timedOutAxosoft()).message],
    ['a refused connection', async () => messageOf(`http://127.0.0.1:${await closedPort()}`)],
    ['a TLS failure', async () => messageOf(`https://127.0.0.1:${(await serve((_, res) => sendJson(res, 200, {}))).port}`)],
    ['an oversized answer', async () => messageOf((await serve(bigBody(DEFAULT_MAX_BODY_BYTES + 1, false))).origin)],
  ];

  it.each(scenarios)('show no query string (which holds secrets) after %s', async (_, scenario) => {
    const message = await scenario();
    expect([message.includes('?'), message.includes(PASSWORD), message.includes(CLIENT_SECRET), message.includes('client_id=')]).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });

  it('name the endpoint without its query', async () => {
    const port = await closedPort();
    expect(await messageOf(`http://127.0.0.1:${port}`)).toContain(`http://127.0.0.1:${port}/api/oauth2/token: connection refused`);
  });
});

describe('transportError()', () => {
  const request = (grant: 'password' | 'refresh_token' | 'client_credentials'): TokenHttpRequest =>
    buildTokenRequest(
      resolveProfile('oauth2', { baseUrl: 'https://auth.example.com' }),
      grant === 'password' ? { grant, username: 'u', password: PASSWORD } : grant === 'refresh_token' ? { grant, refreshToken: 'rt' } : { grant },
      { clientId: 'app', clientSecret: 'shh' },
    );
  const failed = (code: string, depth = 0): Error => {
    let error: Error = Object.assign(new Error('fetch failed'), { code });
    for (let i = 0; i < depth; i++) error = new Error('wrapped', { cause: error });
    return error;
  };

  it.each([
    'CERT_HAS_EXPIRED',
    'CERT_NOT_YET_VALID',
    'DEPTH_ZERO_SELF_SIGNED_CERT',
    'SELF_SIGNED_CERT_IN_CHAIN',
    'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
    'ERR_TLS_CERT_ALTNAME_INVALID',
    'CERT_REVOKED',
    'CERT_UNTRUSTED',
    'ERR_SSL_WRONG_VERSION_NUMBER',
    'ERR_SSL_SOMETHING_NEW',
    'ERR_TLS_SOMETHING_NEW',
  ])('takes %s as tls', (code) => {
    expect(transportError(failed(code), request('password'), null).code).toBe('tls');
  });

  it('names the endpoint and the TLS code', () => {
    expect(transportError(failed('CERT_HAS_EXPIRED'), request('password'), null).message).toBe('Could not reach the token endpoint https://auth.example.com/token: secure connection failed (CERT_HAS_EXPIRED).');
  });

  it.each(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'EADDRNOTAVAIL', 'UND_ERR_CONNECT_TIMEOUT'])('marks %s as unsent', (code) => {
    expect(transportError(failed(code), request('refresh_token'), null)).toMatchObject({ code: 'network', unsent: true });
  });

  it.each(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET'])('does not mark %s as unsent: the request may have arrived', (code) => {
    expect(transportError(failed(code), request('refresh_token'), null)).toMatchObject({ code: 'network', unsent: false });
  });

  it('finds the code four causes deep', () => {
    expect(transportError(failed('ECONNREFUSED', 4), request('password'), null).unsent).toBe(true);
  });

  it('stops looking for a code five causes deep', () => {
    expect(transportError(failed('ECONNREFUSED', 5), request('password'), null).unsent).toBe(false);
  });

  it('names the code of a network failure', () => {
    expect(transportError(failed('ECONNRESET'), request('password'), null).message).toBe('Could not reach the token endpoint https://auth.example.com/token: connection reset (ECONNRESET).');
  });

  it('says "unknown error" for a failure that is not an Error and has no code', () => {
    expect(transportError('boom', request('password'), null).message).toBe('Could not reach the token endpoint https://auth.example.com/token: connection failed (unknown error).');
  });

  it('says the timeout in seconds with one decimal', () => {
    expect(transportError(new Error('aborted'), request('client_credentials'), 'timeout', 1_540).message).toBe(
      'The token endpoint https://auth.example.com/token did not answer within 1.5 s. The provider may be overloaded; try again later.',
    );
  });

  it('says a timed-out password grant was not sent again, and why', () => {
    expect(transportError(new Error('aborted'), request('password'), 'timeout', 30_000).message).toBe(
      'The token endpoint https://auth.example.com/token did not answer within 30 s. The sign-in was not sent again, so that a slow provider does not count it twice towards a lockout; try again.',
    );
  });

  it('says a timed-out refresh was not sent again, and what to do', () => {
    expect(transportError(new Error('aborted'), request('refresh_token'), 'timeout').message).toContain('The refresh token was not sent again');
  });

  it('names the grant of a failure for the retry rules', () => {
    expect([transportError(failed('ECONNRESET'), request('refresh_token'), null).grant, transportError(new Error('x'), request('password'), 'cancelled').grant]).toEqual([
      'refresh_token',
      'password',
    ]);
  });

  it('says a cancelled request was cancelled, naming the endpoint', () => {
    expect(transportError(new Error('aborted'), request('password'), 'cancelled').message).toBe('The request to the token endpoint https://auth.example.com/token was cancelled.');
  });
});

describe('sendTokenRequest() reading the answer', () => {
  /** A fetch that answers with `response` without touching the network. */
  const answering = (response: Response): FetchLike => async () => response;
  const send = (fetchLike: FetchLike, transport: Partial<TransportOptions> = {}) =>
    sendTokenRequest(oauth2Request('https://auth.example.com'), options({ fetch: fetchLike, ...transport }));

  it('returns an answer without a body as an empty body', async () => {
    expect((await send(answering(new Response(null, { status: 204 })))).body).toBe('');
  });

  it('refuses an answer whose content-length is over the cap without reading its body', async () => {
    const error = await rejectionOf(send(answering(new Response('{}', { status: 200, headers: { 'content-length': '5000' } })), { maxBodyBytes: 10 }));
    expect(error.code).toBe('bad_response');
  });

  it('refuses an answer without a body whose content-length is over the cap', async () => {
    const error = await rejectionOf(send(answering(new Response(null, { status: 200, headers: { 'content-length': '5000' } })), { maxBodyBytes: 10 }));
    expect(error.code).toBe('bad_response');
  });

  it('names the connection failure that broke the answer off mid-body', async () => {
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"access_token":'));
      },
      pull(controller) {
        controller.error(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }));
      },
    });
    const error = await rejectionOf(send(answering(new Response(body, { status: 200 }))));
    expect(error.message).toContain('connection reset (ECONNRESET)');
  });

  it('decodes an answer with bytes that are not UTF-8, replacing them rather than failing', async () => {
    const bytes = new Uint8Array([0x7b, 0x22, 0x61, 0xff, 0x22, 0x7d]);
    expect((await send(answering(new Response(bytes, { status: 200 })))).body).toBe('{"a\uFFFD"}');
  });

  it('takes a cancellation that came in while the answer was read as cancelled, even when the answer then runs over the cap', async () => {
    const controller = new AbortController();
    const body = new ReadableStream<Uint8Array>({
      pull(stream) {
        controller.abort();
        stream.enqueue(new Uint8Array(64));
        stream.close();
      },
    });
    const error = await rejectionOf(send(answering(new Response(body, { status: 200 })), { maxBodyBytes: 10, signal: controller.signal }));
    expect(error.code).toBe('cancelled');
  });
});

describe('sendTokenRequest() with a signal aborted before it starts', () => {
  it('does not call fetch at all', async () => {
    let calls = 0;
    const spy: FetchLike = async () => {
      calls++;
      return new Response('{}', { status: 200 });
    };
    const controller = new AbortController();
    controller.abort();
    await rejectionOf(sendTokenRequest(oauth2Request('https://auth.example.com'), options({ fetch: spy, signal: controller.signal })));
    expect(calls).toBe(0);
  });

  it('says in the cause that nothing was sent', async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await rejectionOf(sendTokenRequest(oauth2Request('https://auth.example.com'), options({ signal: controller.signal })));
    expect((error.cause as Error).message).toMatch(/before sending/);
  });
});

describe('systemSetTimer()', () => {
  it('fires after the time asked, and never once cancelled', () => {
    vi.useFakeTimers();
    try {
      const fired: string[] = [];
      systemSetTimer(() => fired.push('kept'), 10);
      systemSetTimer(() => fired.push('cancelled'), 10).cancel();
      vi.advanceTimersByTime(10);
      expect(fired).toEqual(['kept']);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('transportError() for requests of every kind', () => {
  const plain = (grant?: OutgoingRequest['grant']): OutgoingRequest => ({
    url: 'https://auth.example.com/token?secret=1',
    method: 'POST',
    headers: {},
    secrets: [],
    ...(grant === undefined ? {} : { grant }),
  });

  it('tells to try again later when a request that is no grant timed out', () => {
    expect(transportError(new Error('aborted'), plain(), 'timeout').message).toMatch(/did not answer within 30 s\. Try again later\.$/);
  });

  it('says a timed-out code exchange was not sent again, since a code is good once, and to sign in again', () => {
    const message = transportError(new Error('aborted'), plain('authorization_code'), 'timeout').message;
    expect(message).toMatch(/authorization code was not sent again.*one use only.*sign in again/);
  });

  it('says a timed-out device code poll was not sent again and that the sign-in goes on', () => {
    expect(transportError(new Error('aborted'), plain('device_code'), 'timeout').message).toMatch(/poll was not sent again; the sign-in goes on with the next poll/);
  });

  it('keeps the cause and the grant of a timeout', () => {
    const cause = new Error('aborted');
    const error = transportError(cause, plain('refresh_token'), 'timeout');
    expect({ cause: error.cause, grant: error.grant }).toEqual({ cause, grant: 'refresh_token' });
  });

  it('keeps the cause and the grant of a TLS failure', () => {
    const cause = Object.assign(new Error('certificate has expired'), { code: 'CERT_HAS_EXPIRED' });
    const error = transportError(cause, plain('password'), null);
    expect({ code: error.code, cause: error.cause, grant: error.grant }).toEqual({ code: 'tls', cause, grant: 'password' });
  });

  it('says "connection failed" for a failure whose cause is null', () => {
    expect(transportError(new Error('fetch failed', { cause: null }), plain('password'), null).message).toContain(': connection failed (fetch failed).');
  });

  it('does not read an error code that names an object property as a known reason', () => {
    const cause = Object.assign(new Error('odd'), { code: 'constructor' });
    expect(transportError(cause, plain('password'), null).message).toContain(': connection failed (constructor).');
  });
});

describe('sendTokenRequest() and the caller\'s signal', () => {
  it('leaves no abort listener on the signal once the request is done', async () => {
    const controller = new AbortController();
    const answered: FetchLike = async () => new Response('{}', { status: 200 });
    await sendTokenRequest(oauth2Request('https://auth.example.com'), options({ fetch: answered, signal: controller.signal }));
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });
});
