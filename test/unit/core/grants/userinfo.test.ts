// Specifies reading who signed in from a userinfo-like endpoint (GitHub's GET /user): the request, the fields, bad answers.
import { describe, expect, it } from 'vitest';
import { buildUserinfoRequest, processUserinfoResponse } from '../../../../electron/core/grants/userinfo.js';
import type { UserinfoIdentity } from '../../../../electron/core/providers/profile.js';
import { errorOf } from './support.js';

const GITHUB: UserinfoIdentity = { id: 'id', name: 'login', email: 'email', headers: { accept: 'application/vnd.github+json' } };
const json = (status: number, body: unknown) => ({ status, headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(body) });
const read = (status: number, body: unknown) => processUserinfoResponse(json(status, body), GITHUB, { now: 0, secrets: ['gho_secret_token_value'] });

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
});

describe('processUserinfoResponse()', () => {
  it("reads GitHub's numeric id, login and email", () => {
    expect(read(200, { login: 'octocat', id: 583231, email: null, name: 'The Octocat' })).toEqual({ id: '583231', name: 'octocat', email: null });
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
});
