// Specifies redaction: known secrets in any encoding, secret-named fields, token-like strings, short bounded excerpts.

import { describe, expect, it } from 'vitest';
import { redact, safeDescription, safeExcerpt } from '../../../../electron/core/grants/redact.js';

describe('redact()', () => {
  it('removes a known secret', () => {
    expect(redact('the password was hunter2 today', ['hunter2'])).toBe('the password was [redacted] today');
  });

  it('removes a secret that contains another one whole', () => {
    expect(redact('key abc123xyz', ['abc', 'abc123xyz'])).toBe('key [redacted]');
  });

  it('removes a secret echoed JSON-escaped', () => {
    expect(redact(String.raw`{"echo":"pa\"ss\\wd"}`, ['pa"ss\\wd'])).toBe('{"echo":"[redacted]"}');
  });

  it('removes a secret echoed form-encoded', () => {
    expect(redact('echo p%40ss+w%3Ard done', ['p@ss w:rd'])).toBe('echo [redacted] done');
  });

  it('removes a secret echoed XML-escaped', () => {
    expect(redact('<echo>a&amp;b&lt;c"d</echo>', ['a&b<c"d'])).toBe('<echo>[redacted]</echo>');
  });

  it('removes a secret echoed without its outer spaces', () => {
    expect(redact('echo: spaced-out!', ['  spaced-out! '])).toBe('echo: [redacted]');
  });

  it('ignores empty known secrets', () => {
    expect(redact('nothing to hide', [''])).toBe('nothing to hide');
  });

  it('removes the values of JSON fields named like secrets', () => {
    expect(redact('{"refresh_token": "rt1", "client_secret":"s", "user":"bob"}')).toBe(
      '{"refresh_token": "[redacted]", "client_secret":"[redacted]", "user":"bob"}',
    );
  });

  it('removes the text of XML elements named like secrets', () => {
    expect(redact('<access_token>at1</access_token><user>bob</user>')).toBe('<access_token>[redacted]</access_token><user>bob</user>');
  });

  it('removes form values named like secrets', () => {
    expect(redact('username=bob&password=pw1&code=123')).toBe('username=bob&password=[redacted]&code=[redacted]');
  });

  it('removes long token-like strings whatever their key', () => {
    expect(redact('session 0123456789abcdef0123456789abcdef expired')).toBe('session [redacted] expired');
  });

  it('keeps ordinary words', () => {
    expect(redact('Invalid username or password')).toBe('Invalid username or password');
  });
});

describe('safeExcerpt()', () => {
  it("shows an HTML page's title only", () => {
    expect(safeExcerpt('<html><head><title>502 Bad Gateway</title></head><body><p>nginx</p></body></html>')).toBe('502 Bad Gateway');
  });

  it('strips tags, scripts and styles into one line', () => {
    expect(safeExcerpt('<div>Hello\n<b>there</b><script>var x = 1;</script><style>p{}</style>\n\tfriend</div>')).toBe('Hello there friend');
  });

  it('cuts long text at 160 characters with an ellipsis', () => {
    expect(safeExcerpt('word '.repeat(100))).toBe(`${'word '.repeat(32).slice(0, 160)}…`);
  });

  it('removes known secrets', () => {
    expect(safeExcerpt('<p>wrong secret s3cr3t-value</p>', ['s3cr3t-value'])).toBe('wrong secret [redacted]');
  });

  it('never shows the start of a token cut where scanning stops', () => {
    const token = 'tok'.repeat(40);
    expect(safeExcerpt(`${' '.repeat(2040)}${token}`)).toBe('');
  });

  it('never shows a known secret that lies beyond where scanning stops', () => {
    expect(safeExcerpt(`${' '.repeat(2040)}my pass`, ['my pass'])).not.toMatch(/my|pass/);
  });

  it('stays fast on a 1 MiB hostile body', () => {
    const started = Date.now();
    for (const body of [`"${'token'.repeat(210_000)}`, `<${'token'.repeat(210_000)}`, '<'.repeat(1 << 20), '<script'.repeat(150_000)]) safeExcerpt(body);
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});

describe('safeDescription()', () => {
  it('keeps a description readable on one line', () => {
    expect(safeDescription('Invalid\n  username or password', [])).toBe('Invalid username or password');
  });

  it('removes known secrets', () => {
    expect(safeDescription('bad password hunter2', ['hunter2'])).toBe('bad password [redacted]');
  });

  it('cuts a long description at 300 characters', () => {
    expect(safeDescription('x '.repeat(400), [])).toHaveLength(301);
  });
});

describe('redact() redacts secrets, not text (issue 11 item 6)', () => {
  it('leaves the letters of a one-letter password inside words alone', () => {
    expect(redact('Unsupported grant type: this grant type is not enabled', ['p'])).toBe('Unsupported grant type: this grant type is not enabled');
  });

  it('leaves an all-letter password that is also a word of the message alone', () => {
    expect(redact('Invalid "username" or "password"', ['password'])).toBe('Invalid "username" or "password"');
  });

  it('removes a short password with a digit where it stands as a word', () => {
    expect(redact('password hunter2 is wrong', ['hunter2'])).toBe('password [redacted] is wrong');
  });

  it('leaves a short password with a digit alone inside a longer word', () => {
    expect(redact('see hunter22x and xhunter2', ['hunter2'])).toBe('see hunter22x and xhunter2');
  });

  it('removes a secret of 12 characters or more wherever it appears', () => {
    expect(redact('prefixcorrecthorsebatterysuffix', ['correcthorsebattery'])).toBe('prefix[redacted]suffix');
  });

  it('keeps a URL path of 24 characters or more', () => {
    expect(redact('no such endpoint: POST /rest/v10/oauth2/token/refresh')).toBe('no such endpoint: POST /rest/v10/oauth2/token/refresh');
  });

  it('keeps a full URL with a long host and path', () => {
    expect(redact('see https://auth.example.com/realms/master/protocol/openid-connect/token')).toBe(
      'see https://auth.example.com/realms/master/protocol/openid-connect/token',
    );
  });

  it('removes a token-like segment inside a URL path and keeps the rest', () => {
    expect(redact('GET /api/tokens/3f1c9a5277e04c1b9d0e5b1f77e04c1b/revoke')).toBe('GET /api/tokens/[redacted]/revoke');
  });

  it('still removes a base64 token that happens to start with a slash', () => {
    expect(redact('token /aGVsbG8+d29ybGQ=Zm9vYmFyYmF6cXV4')).toBe('token [redacted]');
  });

  it('still removes a long opaque token that is not a path', () => {
    expect(redact('token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.c2lnbmF0dXJl')).toBe('token [redacted]');
  });

  it('always removes Basic credentials quoted from an Authorization header, however short', () => {
    expect(redact('got Authorization: Basic YTpi from you')).toBe('got Authorization: Basic [redacted] from you');
  });

  it('always removes a bearer token quoted from an Authorization header, however short', () => {
    expect(redact('{"authorization": "Bearer abc"}')).toBe('{"authorization": "Bearer [redacted]"}');
  });

  it('always removes a short password under a known field name', () => {
    expect(redact('grant_type=password&password=p&scope=read', ['p'])).toBe('grant_type=password&password=[redacted]&scope=read');
  });
});
