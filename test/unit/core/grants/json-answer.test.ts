// Specifies processJsonAnswer(), the error model of the endpoints other than the token endpoint (discovery, JWKS,
// device authorization, revocation): 5xx and 429 unavailable (RFC 9110 §15.6), redirects and non-JSON 2xx bad_response,
// 4xx the RFC 6749 §5.2 error they carry or else refused, and a 2xx carrying an error body still an error.
import { describe, expect, it } from 'vitest';
import { processJsonAnswer, type AnswerContext } from '../../../../electron/core/grants/json-answer.js';
import type { TokenHttpResponse } from '../../../../electron/core/grants/token-response.js';
import { errorOf } from './support.js';

const NOW = Date.UTC(2026, 3, 1, 9, 0, 0);
const CONTEXT: AnswerContext = { endpoint: 'device authorization endpoint', now: NOW };
const answer = (status: number, body: string, headers: Record<string, string> = { 'content-type': 'application/json' }): TokenHttpResponse => ({ status, headers, body });
const failure = (response: TokenHttpResponse, context: AnswerContext = CONTEXT) => errorOf(() => processJsonAnswer(response, context));

describe('processJsonAnswer() on success', () => {
  it('returns the fields of a 2xx JSON object', () => {
    expect(processJsonAnswer(answer(200, '{"device_code":"d"}'), CONTEXT)).toEqual({ device_code: 'd' });
  });

  it('refuses an empty 2xx answer as an empty answer', () => {
    const error = failure(answer(200, ''));
    expect(error.code).toBe('bad_response');
    expect(error.message).toContain('The device authorization endpoint sent an empty answer');
  });

  it('takes a blank 2xx answer for an empty one', () => {
    expect(failure(answer(200, ' \n\t')).message).toContain('an empty answer');
  });

  it('refuses a 2xx JSON array as not a JSON object', () => {
    expect(failure(answer(200, '[1,2]')).message).toContain('sent an answer that is not a JSON object');
  });

  it('does not read JSON text that its Content-Type says is XML', () => {
    expect(failure(answer(200, '{"device_code":"d"}', { 'content-type': 'application/xml' })).code).toBe('bad_response');
  });

  it('reads the media type before its parameters, spaces around it ignored', () => {
    expect(failure(answer(200, '{"device_code":"d"}', { 'content-type': 'application/xml ; charset=UTF-8' })).code).toBe('bad_response');
  });

  it('refuses a 2xx that carries an RFC 6749 §5.2 error body with that error', () => {
    expect(failure(answer(200, '{"error":"invalid_request"}')).code).toBe('invalid_request');
  });
});

describe('processJsonAnswer() on an unavailable endpoint', () => {
  it('takes HTTP 500 as unavailable', () => {
    expect(failure(answer(500, '')).code).toBe('unavailable');
  });

  it('takes HTTP 429 as unavailable', () => {
    expect(failure(answer(429, '{"error":"slow"}')).code).toBe('unavailable');
  });

  it('says which endpoint is unavailable and with which status', () => {
    const error = failure(answer(503, ''));
    expect(error.message).toBe('The device authorization endpoint is unavailable (HTTP 503)');
    expect(error.status).toBe(503);
  });

  it('quotes what a non-empty answer said', () => {
    const error = failure(answer(503, 'down for maintenance', { 'content-type': 'text/plain' }));
    expect(error.message).toContain(': "down for maintenance"');
    expect(error.excerpt).toBe('down for maintenance');
  });

  it('has no excerpt for an empty answer', () => {
    expect(failure(answer(503, '')).excerpt).toBeUndefined();
  });

  it('keeps the Retry-After the endpoint asked for', () => {
    expect(failure(answer(503, '', { 'retry-after': '30' })).retryAfterMs).toBe(30_000);
  });

  it('reads a Retry-After date against the time the answer arrived', () => {
    expect(failure(answer(503, '', { 'retry-after': new Date(NOW + 90_000).toUTCString() })).retryAfterMs).toBe(90_000);
  });

  it('has no Retry-After when the endpoint gave none', () => {
    expect(failure(answer(503, '')).retryAfterMs).toBeUndefined();
  });

  it('removes the secrets sent from the excerpt', () => {
    const secret = 'a-client-secret-value-1234';
    expect(failure(answer(503, `bad client ${secret}`, {}), { ...CONTEXT, secrets: [secret] }).excerpt).not.toContain(secret);
  });
});

describe('processJsonAnswer() on a redirect or a refusal', () => {
  it('refuses a redirect as bad_response, saying it was one', () => {
    const error = failure(answer(302, '', { location: 'https://elsewhere.example/' }));
    expect(error.code).toBe('bad_response');
    expect(error.message).toContain('sent a redirect');
  });

  it('takes HTTP 300 for a redirect', () => {
    expect(failure(answer(300, '{"device_code":"d"}')).message).toContain('a redirect');
  });

  it('takes HTTP 400 with an RFC 6749 §5.2 body as that error', () => {
    expect(failure(answer(400, '{"error":"invalid_client"}')).code).toBe('invalid_client');
  });

  it('takes HTTP 400 with a JSON body without an error code as refused', () => {
    expect(failure(answer(400, '{"message":"nope"}')).code).toBe('refused');
  });

  it('takes HTTP 403 with a text body as refused', () => {
    expect(failure(answer(403, 'Forbidden here', { 'content-type': 'text/plain' })).code).toBe('refused');
  });
});
