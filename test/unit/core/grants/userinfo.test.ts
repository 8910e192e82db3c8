// Specifies reading who signed in from a userinfo-like endpoint (GitHub's GET /user): the request, the fields, bad answers.
import { afterEach, describe, expect, it } from 'vitest';
import { systemGrantDeps } from '../../../../electron/core/grants/grant-client.js';
import { USER_AGENT } from '../../../../electron/core/grants/token-request.js';
import { buildUserinfoRequest, fetchUserinfo, processUserinfoResponse } from '../../../../electron/core/grants/userinfo.js';
import type { UserinfoIdentity } from '../../../../electron/core/providers/profile.js';
import { answering, brokenClockDeps, depsWith, outcomeAround } from './scripted-fetch.js';
import { errorOf, sendJson, startServer, type LocalServer } from './support.js';

const GITHUB: UserinfoIdentity = { id: 'id', name: 'login', email: 'email', headers: { accept: 'application/vnd.github+json' } };
const OIDC: UserinfoIdentity = { id: 'sub', name: 'preferred_username', email: 'email' };
const json = (status: number, body: unknown) => ({ status, headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(body) });
const read = (status: number, body: unknown) => processUserinfoResponse(json(status, body), GITHUB, { now: 0, secrets: ['gho_secret_token_value'] });
/** A token too short to look like one to the redactor: only the request's secrets keep it out of messages. */
const SHORT_TOKEN = 'gho_short-1234';
const echoing503 = { status: 503, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message: `token ${SHORT_TOKEN} is rate limited` }) };

describe('buildUserinfoRequest()', () => {
  it('sends the token as a Bearer credential with the API headers the profile names, and counts it a secret', () => {
    const request = buildUserinfoRequest(new URL('https://api.github.com/user'), 'gho_secret_token_value', GITHUB);
    expect([request.method, request.url, request.headers['authorization'], request.headers['accept'], request.secrets.includes('gho_secret_token_value')]).toEqual([
      'GET',
      'https://api.github.com/user',
      'Bearer gho_secret_token_value',
      'application/vnd.github+json',
      true,
    ]);
  });

  it('asks for JSON where the profile names no headers, and counts the token and its Authorization value as secrets', () => {
    expect(buildUserinfoRequest(new URL('https://id.example.test/userinfo'), 'at-1', OIDC)).toEqual({
      url: 'https://id.example.test/userinfo',
      method: 'GET',
      headers: { accept: 'application/json', 'user-agent': USER_AGENT, authorization: 'Bearer at-1' },
      secrets: ['at-1', 'Bearer at-1'],
      endpoint: 'userinfo endpoint',
    });
  });
});

describe('processUserinfoResponse()', () => {
  it("reads GitHub's numeric id, login and email", () => {
    expect(read(200, { login: 'octocat', id: 583231, email: null, name: 'The Octocat' })).toEqual({ id: '583231', name: 'octocat', email: null });
  });

  it.each([
    ['the id', { id: 583231 }, { id: '583231', name: null, email: null }],
    ['the name', { login: 'octocat' }, { id: null, name: 'octocat', email: null }],
    ['the email', { email: 'octocat@github.test' }, { id: null, name: null, email: 'octocat@github.test' }],
  ])('takes an answer with only %s', (_what, body, identity) => {
    expect(read(200, body)).toEqual(identity);
  });

  it.each([
    ['empty', ''],
    ['blank', '   '],
  ])('takes a %s name as no name', (_what, login) => {
    expect(read(200, { id: 1, login }).name).toBeNull();
  });

  it('cuts a very long name to 500 characters', () => {
    expect(read(200, { id: 1, login: 'o'.repeat(600) }).name).toBe('o'.repeat(500));
  });

  it('takes a number too large for a double (Infinity once parsed) as no id', () => {
    const response = { status: 200, headers: { 'content-type': 'application/json' }, body: '{"id": 1e400, "login": "octocat"}' };
    expect(processUserinfoResponse(response, GITHUB, { now: 0 }).id).toBeNull();
  });

  it.each([
    ['none of the fields', 200, { name: 'The Octocat' }, 'bad_response'],
    ['a JSON list', 200, [1], 'bad_response'],
    ['an HTML page', 200, '<html>', 'bad_response'],
    ['a refused token (401)', 401, { message: 'Bad credentials' }, 'refused'],
    ['an outage (503)', 503, { message: 'unavailable' }, 'unavailable'],
  ])('refuses an answer with %s', (_what, status, body, code) => {
    const response = typeof body === 'string' ? { status, headers: { 'content-type': 'text/html' }, body } : json(status, body);
    expect(errorOf(() => processUserinfoResponse(response, GITHUB, { now: 0 })).code).toBe(code);
  });

  it('names the fields it looked for when an answer has none of them', () => {
    expect(errorOf(() => read(200, { name: 'The Octocat' })).message).toContain('without id, login or email');
  });

  it('keeps the HTTP status of an answer without any of the fields', () => {
    expect(errorOf(() => read(200, { name: 'The Octocat' })).status).toBe(200);
  });

  it('names the userinfo endpoint in the error of an outage', () => {
    expect(errorOf(() => read(503, {})).message).toContain('userinfo endpoint');
  });

  it('keeps the secrets it is given out of the error', () => {
    expect(errorOf(() => processUserinfoResponse(echoing503, GITHUB, { now: 0, secrets: [SHORT_TOKEN] })).message).not.toContain(SHORT_TOKEN);
  });
});

describe('fetchUserinfo()', () => {
  let server: LocalServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('asks the endpoint with the token as a Bearer credential and reads who it belongs to', async () => {
    const s = (server = await startServer((_req, res) => sendJson(res, 200, { id: 583231, login: 'octocat' })));
    const found = await fetchUserinfo(new URL(`${s.origin}/user`), 'gho_token', GITHUB, systemGrantDeps());
    expect([found.ok ? found.value : found.error.code, s.requests[0]?.headers['authorization']]).toEqual([
      { id: '583231', name: 'octocat', email: null },
      'Bearer gho_token',
    ]);
  });

  it('returns a refusal as an error value', async () => {
    const found = await fetchUserinfo(new URL('https://api.github.test/user'), 'gho_token', GITHUB, depsWith(answering({ message: 'Bad credentials' }, [], 401)));
    expect(found.ok ? 'ok' : found.error.code).toBe('refused');
  });

  it('keeps the token out of the error when the endpoint echoes it', async () => {
    const fetch = answering({ message: `token ${SHORT_TOKEN} is rate limited` }, [], 503);
    const found = await fetchUserinfo(new URL('https://api.github.test/user'), SHORT_TOKEN, GITHUB, depsWith(fetch));
    expect(found.ok ? 'ok' : found.error.message).not.toContain(SHORT_TOKEN);
  });

  it('refuses an answer larger than the deps allow', async () => {
    const fetch = answering({ id: 583231, login: 'octocat', bio: 'x'.repeat(300) });
    const found = await fetchUserinfo(new URL('https://api.github.test/user'), 'gho_token', GITHUB, depsWith(fetch, { maxBodyBytes: 100 }));
    expect(found.ok ? 'ok' : found.error.code).toBe('bad_response');
  });

  it('gives up after 30 s by default, timed by the injected timer', async () => {
    expect(await outcomeAround(30_000, (deps) => fetchUserinfo(new URL('https://api.github.test/user'), 'gho_token', GITHUB, deps))).toEqual([
      'still waiting',
      'timeout',
    ]);
  });

  it('gives up after the timeout it is given', async () => {
    expect(await outcomeAround(5_000, (deps) => fetchUserinfo(new URL('https://api.github.test/user'), 'gho_token', GITHUB, deps, { timeoutSeconds: 5 }))).toEqual([
      'still waiting',
      'timeout',
    ]);
  });

  it('ends as cancelled, asking nothing, when the signal is already aborted', async () => {
    const seen: string[] = [];
    const controller = new AbortController();
    controller.abort();
    const found = await fetchUserinfo(new URL('https://api.github.test/user'), 'gho_token', GITHUB, depsWith(answering({ id: 1 }, seen)), { signal: controller.signal });
    expect([found.ok ? 'ok' : found.error.code, seen.length]).toEqual(['cancelled', 0]);
  });

  it('lets an error that is not a grant error through instead of passing it off as one', async () => {
    await expect(fetchUserinfo(new URL('https://api.github.test/user'), 'gho_token', GITHUB, brokenClockDeps(answering({ id: 1 })))).rejects.toThrow(RangeError);
  });
});
