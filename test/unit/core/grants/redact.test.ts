// Specifies redaction: known secrets in any encoding, secret-named fields, token-like strings, short bounded excerpts.

import { describe, expect, it } from 'vitest';
import { firstSafeLine, redact, safeDescription, safeExcerpt } from '../../../../electron/core/grants/redact.js';

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

describe('redact() at its boundaries', () => {
  it('keeps a run of 23 token characters', () => {
    expect(redact('id 0123456789abcdef0123456 ok')).toBe('id 0123456789abcdef0123456 ok');
  });

  it('removes a run of 24 token characters', () => {
    expect(redact('id 0123456789abcdef01234567 ok')).toBe('id [redacted] ok');
  });

  it('keeps a path segment of 23 characters and removes one of 24', () => {
    expect(redact('/a/0123456789abcdef0123456/0123456789abcdef01234567/b')).toBe('/a/0123456789abcdef0123456/[redacted]/b');
  });

  it('removes a known secret of exactly 12 characters inside a word', () => {
    expect(redact('xxabcdefghijklyy', ['abcdefghijkl'])).toBe('xx[redacted]yy');
  });

  it('leaves a known secret of 11 characters inside a word alone', () => {
    expect(redact('xxabcdefgh1jyy', ['abcdefgh1j1'])).toBe('xxabcdefgh1jyy');
  });

  it('removes a six-character secret with a digit standing as a word', () => {
    expect(redact('code abc12d here', ['abc12d'])).toBe('code [redacted] here');
  });

  it('leaves a five-character secret with a digit alone, even as a word', () => {
    expect(redact('code ab12c here', ['ab12c'])).toBe('code ab12c here');
  });

  it('leaves an all-letter secret of eleven characters alone in free text', () => {
    expect(redact('the word abcdefghijk stays', ['abcdefghijk'])).toBe('the word abcdefghijk stays');
  });

  it('removes a short secret holding a symbol standing as a word', () => {
    expect(redact('sent pass!word. done', ['pass!word'])).toBe('sent [redacted]. done');
  });

  it('removes a short secret next to punctuation, and leaves it alone between digits', () => {
    expect([redact('(ab12cd)', ['ab12cd']), redact('1ab12cd2', ['ab12cd'])]).toEqual(['([redacted])', '1ab12cd2']);
  });

  it('removes a short secret holding regular-expression characters as written', () => {
    expect(redact('got a.b*c+1 and axbbc+1', ['a.b*c+1'])).toBe('got [redacted] and axbbc+1');
  });

  it('removes a long secret echoed XML-escaped as an attribute', () => {
    expect(redact(`<e v="it&apos;s &quot;secret&quot; &amp; more"/>`, [`it's "secret" & more`])).toBe('<e v="[redacted]"/>');
  });

  it('removes a long secret echoed XML-escaped as text, its quotes left as they are', () => {
    expect(redact(`<e>it's "secret" &amp; more</e>`, [`it's "secret" & more`])).toBe('<e>[redacted]</e>');
  });

  it('removes the longer of two overlapping long secrets whole', () => {
    expect(redact('x correcthorsebattery1234 y', ['correcthorsebattery', 'correcthorsebattery1234'])).toBe('x [redacted] y');
  });

  it('removes the longer of two overlapping short secrets whole', () => {
    expect(redact('x ab12cd34 y', ['ab12cd', 'ab12cd34'])).toBe('x [redacted] y');
  });

  it('removes JSON values named like secrets whatever the case of their key, and an unterminated one', () => {
    expect(redact('{"Client_Secret" : "s1", "PASSWORD":"unterminated')).toBe('{"Client_Secret" : "[redacted]", "PASSWORD":"[redacted]"');
  });

  it.each(['api_key', 'assertion', 'passwd', 'auth_code', 'id_token', 'clientsecret'])('removes the value of the JSON field %s', (key) => {
    expect(redact(`{"${key}":"v1"}`)).toBe(`{"${key}":"[redacted]"}`);
  });

  it('keeps the values of JSON fields not named like secrets', () => {
    expect(redact('{"username":"bob","scope":"read"}')).toBe('{"username":"bob","scope":"read"}');
  });

  it('removes the text of an XML element named like a secret that carries attributes', () => {
    expect(redact('<Refresh_Token type="opaque">rt1</Refresh_Token>')).toBe('<Refresh_Token type="opaque">[redacted]</Refresh_Token>');
  });

  it('removes form values named like secrets whatever the case, up to the next & or space', () => {
    expect(redact('PASSWORD=pw1 Client_Secret=s&user=bob')).toBe('PASSWORD=[redacted] Client_Secret=[redacted]&user=bob');
  });

  it.each(['Basic', 'Bearer', 'DPoP', 'MAC', 'Digest', 'Negotiate'])('removes %s credentials quoted from an Authorization header', (scheme) => {
    expect(redact(`Authorization: ${scheme} abc, next`)).toBe(`Authorization: ${scheme} [redacted], next`);
  });

  it('removes an Authorization value without a scheme, up to a semicolon', () => {
    expect(redact('authorization=abc;x=1')).toBe('authorization=[redacted];x=1');
  });

  it('keeps the word authorization when nothing follows it as a value', () => {
    expect(redact('missing authorization for this client')).toBe('missing authorization for this client');
  });
});

describe('safeExcerpt() and firstSafeLine() on markup', () => {
  it("takes a title with attributes, across the page's case", () => {
    expect(safeExcerpt('<HTML><TITLE lang="en">Service Unavailable</TITLE><body>x</body></HTML>')).toBe('Service Unavailable');
  });

  it('removes a script and a style with attributes, whatever their case', () => {
    expect(safeExcerpt('<p>a</p><SCRIPT type="x">alert(1)</SCRIPT><style media="all">p{}</style><p>b</p>')).toBe('a b');
  });

  it('keeps text of exactly 160 characters without an ellipsis', () => {
    expect(safeExcerpt(`${'abc '.repeat(39)}abcd`)).toBe(`${'abc '.repeat(39)}abcd`);
  });

  it('blanks a secret-named element before its tags are stripped', () => {
    expect(safeExcerpt('<r><password>hunter</password><msg>denied</msg></r>')).toBe('[redacted] denied');
  });

  it('takes the first line with text, tags ending lines', () => {
    expect(firstSafeLine('\n  \n<p>first line</p><p>second</p>')).toBe('first line');
  });

  it('takes the title of a page as its first line', () => {
    expect(firstSafeLine('<html><title>403 Forbidden</title><body>go away</body></html>')).toBe('403 Forbidden');
  });

  it('cuts a first line longer than 160 characters with an ellipsis', () => {
    expect(firstSafeLine('word '.repeat(50))).toBe(`${'word '.repeat(32).slice(0, 160)}…`);
  });

  it('gives nothing for a body without text', () => {
    expect(firstSafeLine('<p> </p>\r\n')).toBe('');
  });

  it('removes known secrets from the first line', () => {
    expect(firstSafeLine('denied for s3cr3t-value\nmore', ['s3cr3t-value'])).toBe('denied for [redacted]');
  });
});

describe('safeDescription() bounds', () => {
  it('keeps a description of exactly 300 characters whole', () => {
    expect(safeDescription(`${'ab '.repeat(99)}abc`, [])).toBe(`${'ab '.repeat(99)}abc`);
  });

  it('removes token-like strings from a description', () => {
    expect(safeDescription('token 0123456789abcdef0123456789abcdef is revoked', [])).toBe('token [redacted] is revoked');
  });
});

describe('redact() of short secrets and slashed tokens', () => {
  it('removes every place a short secret stands as a word, not only the first', () => {
    expect(redact('pw1234 then pw1234 again', ['pw1234'])).toBe('[redacted] then [redacted] again');
  });

  it('removes the longer of two short secrets whole when the shorter one is known first and ends at a symbol inside it', () => {
    expect(redact('got pw-123-xyz', ['pw-123', 'pw-123-xyz'])).toBe('got [redacted]');
  });

  it('removes a token with slashes inside that does not start with one, rather than reading it as a path', () => {
    expect(redact('token abcdefghijkl/mnopqrstuvwx here')).toBe('token [redacted] here');
  });
});

describe('safeExcerpt() where scanning stops (2048 characters)', () => {
  it('keeps a word that ends exactly at the end of a text of 2048 characters', () => {
    expect(safeExcerpt(`${' '.repeat(2044)}word`)).toBe('word');
  });

  it('drops a word that reaches the point where scanning stops, since it may be the start of a longer token', () => {
    expect(safeExcerpt(`${' '.repeat(2040)}abcdefgh ${'x'.repeat(100)}`)).toBe('');
  });
});

describe('safeExcerpt(), firstSafeLine() and safeDescription() on spacing and markup', () => {
  it('keeps the words on either side of a script apart', () => {
    expect(safeExcerpt('access<script>x()</script>denied')).toBe('access denied');
  });

  it('takes the title of a page over any text before it', () => {
    expect(firstSafeLine('<html><body><h1>Oops</h1></body><title lang="en">403 Forbidden</title></html>')).toBe('403 Forbidden');
  });

  it('skips a script, attributes and all, when looking for the first line', () => {
    expect(firstSafeLine('<script type="text/javascript">var a = 1;</script>denied')).toBe('denied');
  });

  it('keeps the words on either side of a script apart in the first line', () => {
    expect(firstSafeLine('access<script>x()</script>denied')).toBe('access denied');
  });

  it('blanks a secret-named element before its tags become line ends', () => {
    expect(firstSafeLine('<r><password>hunter</password><msg>denied</msg></r>')).toBe('[redacted]');
  });

  it('folds runs of spaces in the first line into one', () => {
    expect(firstSafeLine('access   denied')).toBe('access denied');
  });

  it('keeps a first line of exactly 160 characters without an ellipsis', () => {
    expect(firstSafeLine(`${'abc '.repeat(39)}abcd`)).toBe(`${'abc '.repeat(39)}abcd`);
  });

  it('trims the spaces around a description', () => {
    expect(safeDescription('  token revoked  ', [])).toBe('token revoked');
  });
});
