// Surviving mutants that no test can kill because they change nothing a caller can observe, each with why.
// Only true equivalents: a cache or a shortcut whose removal changes nothing but speed, a fallback for a value
// that is always present. Every other survivor needs a test. scripts/mutation/run-mutation.ts counts a survivor
// that matches an entry as equivalent (not in the score) and warns about an entry that matches nothing.
//
// An entry matches a mutant in `file` whose first line contains `line`, whose mutated source is `original`
// and whose replacement is `replacement` (as Stryker prints them), so that it follows its code when lines move.

const SERVER = 'electron/core/loopback/loopback-server.ts';
const NOT_READ = 'Stryker was here!';
const ENVELOPE = 'electron/core/vault/envelope.ts';
const RETRY = 'electron/core/grants/retry.ts';

/** @type {import('./equivalent-mutants-list.d.mts').EquivalentMutant[]} */
export const EQUIVALENT_MUTANTS = [
  // loopback/loopback-server.ts
  { file: SERVER, line: "let host = '';", original: "''", replacement: `"${NOT_READ}"`, reason: 'host is read only when exactly one Host header was counted, which set it' },
  { file: SERVER, line: "host = raw[i + 1] ?? '';", original: "''", replacement: `"${NOT_READ}"`, reason: "rawHeaders always pairs a name with a value" },
  { file: SERVER, line: "parseRoute(req.url ?? '')", original: "''", replacement: `"${NOT_READ}"`, reason: 'a request reaching a server always has a url' },
  {
    file: SERVER,
    line: 'const client = key === null ? null',
    original: 'key === null',
    replacement: 'false',
    reason: 'authenticate() refuses what is not a well-formed key, null included (its pattern reads it as "null"), and missing_client_key is decided by key === null again',
  },
  { file: SERVER, line: "if (route.query !== '')", original: "route.query !== ''", replacement: 'true', reason: 'an empty query has no min_valid: the check only skips parsing it' },
  { file: SERVER, line: "if (route.query !== '')", original: "''", replacement: `"${NOT_READ}"`, reason: 'an empty query has no min_valid: the check only skips parsing it' },
  { file: SERVER, line: 'if (this.announced.size > 0)', original: 'this.announced.size > 0', replacement: 'true', reason: 'deleting from an empty map does nothing: the size check saves a lookup on the hot path' },
  { file: SERVER, line: 'if (this.announced.size > 0)', original: 'this.announced.size > 0', replacement: 'this.announced.size >= 0', reason: 'deleting from an empty map does nothing: the size check saves a lookup on the hot path' },
  { file: SERVER, line: 'if (body === undefined)', original: 'body === undefined', replacement: 'true', reason: 'the body cache only saves serialising a view again: JSON.stringify of the same view gives the same text' },
  {
    file: SERVER,
    line: 'if (last !== undefined && now - last < ANNOUNCE_AGAIN_MS)',
    original: 'last !== undefined',
    replacement: 'true',
    reason: 'with no last announcement, now - undefined is NaN and NaN < ANNOUNCE_AGAIN_MS is false: announced either way',
  },
  { file: SERVER, line: 'const path = q < 0 ? url', original: 'q < 0', replacement: 'q <= 0', reason: "a request target starts with '/', so '?' is never at index 0" },
  { file: SERVER, line: "const query = q < 0 ? ''", original: 'q < 0', replacement: 'q <= 0', reason: "a request target starts with '/', so '?' is never at index 0" },
  { file: SERVER, line: "const query = q < 0 ? ''", original: "''", replacement: `"${NOT_READ}"`, reason: 'any query but the empty one is parsed, and this text holds no min_valid' },
  {
    file: SERVER,
    line: "const query = q < 0 ? ''",
    original: 'q < 0',
    replacement: 'false',
    reason: "without a '?' the path would be read as the query, but min_valid= in a path sits in an account name the name check refuses first",
  },
  { file: SERVER, line: "decodeURIComponent(match[1] ?? '')", original: "''", replacement: `"${NOT_READ}"`, reason: "the pattern's one group always takes part in a match" },
  { file: SERVER, line: "host: '127.0.0.1', exclusive: true", original: 'true', replacement: 'false', reason: 'exclusive only changes how cluster workers share a port, and Tokenry runs no cluster' },
  { file: SERVER, line: "this.log.error('request failed'", original: "'request failed'", replacement: '""', reason: "a log line's wording; its cause is tested" },
  { file: SERVER, line: "this.log.error('token request failed'", original: "'token request failed'", replacement: '""', reason: "a log line's wording; its account is tested" },
  { file: SERVER, line: "this.log.warn('a needs-sign-in listener failed'", original: "'a needs-sign-in listener failed'", replacement: '""', reason: "a log line's wording; its account is tested" },
  {
    file: SERVER,
    line: 'if (!res.headersSent) this.refuse(',
    original: '!res.headersSent',
    replacement: 'true',
    reason: 'nothing writes an answer and then throws: fail() never sees sent headers, the branch is a guard',
  },
  // refresh/
  { file: 'electron/core/refresh/clock.ts', line: 'handle.unref?.();', original: 'handle.unref?.()', replacement: 'handle.unref()', reason: "Node's setTimeout always returns a Timeout, which has unref()" },
  {
    file: 'electron/core/refresh/renewal-policy.ts',
    line: 'if (delay !== null && (attempts >= policy.maxAttempts',
    original: 'delay !== null',
    replacement: 'true',
    reason: 'when delay is already null, setting it to null again changes nothing',
  },
  { file: 'electron/core/refresh/refresh-engine.ts', line: "this.log.error('renewal failed'", original: "'renewal failed'", replacement: '""', reason: "a log line's wording; its fields are tested" },
  { file: 'electron/core/refresh/refresh-engine.ts', line: "this.log.warn('a state listener failed'", original: "'a state listener failed'", replacement: '""', reason: "a log line's wording; its account is tested" },
  {
    file: 'electron/core/refresh/refresh-engine.ts',
    line: 'if (!joining) {',
    original: '!joining',
    replacement: 'true',
    reason: 'a caller joining a flight announces the same states again, and emit() drops a state already announced',
  },
  {
    file: 'electron/core/refresh/refresh-engine.ts',
    line: 'const notBefore = session.lastRenewedAt === null',
    original: 'session.lastRenewedAt === null',
    replacement: 'false',
    reason: 'without a last renewal the bound becomes baseDelayMs after the epoch (null + n), long before any renewal time',
  },
  // flows/
  { file: 'electron/core/flows/password-flow.ts', line: 'canRenew: () => false', original: '() => false', replacement: '() => undefined', reason: 'callers only test canRenew() for truth, and undefined is as false' },
  {
    file: 'electron/core/flows/password-flow.ts',
    line: 'if (missing.length > 0 || input.username === undefined',
    original: 'input.username === undefined',
    replacement: 'false',
    reason: 'an undefined username is already counted as missing: the second test is there for the type checker',
  },
  {
    file: 'electron/core/flows/password-flow.ts',
    line: 'if (missing.length > 0 || input.username === undefined',
    original: 'input.password === undefined',
    replacement: 'false',
    reason: 'an undefined password is already counted as missing: the second test is there for the type checker',
  },
  // grants/client-auth.ts and token-request.ts
  {
    file: 'electron/core/grants/client-auth.ts',
    line: '} else if (client.clientSecret === undefined && options.sendEmptySecret',
    original: 'client.clientSecret === undefined',
    replacement: 'true',
    reason: 'the only other way here is an empty secret without sendEmptySecret, where the second operand is false anyway',
  },
  { file: 'electron/core/grants/client-auth.ts', line: "Buffer.from(pair, 'utf8')", original: "'utf8'", replacement: '""', reason: 'Buffer.from() reads an empty encoding name as UTF-8, its default' },
  {
    file: 'electron/core/grants/token-request.ts',
    line: 'url.search = url.search ===',
    original: 'url.search.slice(1)',
    replacement: 'url.search',
    reason: "the search setter drops one leading '?', so keeping it in the new value gives the same URL",
  },
  {
    file: 'electron/core/grants/token-request.ts',
    line: '...(clientId === undefined ? {} : { clientId }),',
    original: 'clientId === undefined',
    replacement: 'false',
    reason: 'every reader of the credentials tests clientId against undefined or defaults it, so an undefined key reads as an absent one',
  },
  {
    file: 'electron/core/grants/token-request.ts',
    line: '...(client.clientSecret === undefined ? {} :',
    original: 'client.clientSecret === undefined',
    replacement: 'false',
    reason: 'every reader of the credentials tests clientSecret against undefined or defaults it, so an undefined key reads as an absent one',
  },
  // grants/retry.ts
  { file: RETRY, line: 'if (onAbort) signal.removeEventListener', original: 'onAbort', replacement: 'true', reason: 'the Promise executor runs at once, so onAbort is always set by then' },
  {
    file: RETRY,
    line: "signal.addEventListener('abort', onAbort, { once: true });",
    original: '{ once: true }',
    replacement: '{}',
    reason: 'the listener is removed in finally whether or not it fired, and rejecting a settled promise again does nothing',
  },
  {
    file: RETRY,
    line: "signal.addEventListener('abort', onAbort, { once: true });",
    original: 'true',
    replacement: 'false',
    reason: 'the listener is removed in finally whether or not it fired, and rejecting a settled promise again does nothing',
  },
  // vault/envelope.ts
  { file: ENVELOPE, line: '/^=+$/.test(s.slice(pad))', original: '/^=+$/', replacement: '/=+$/', reason: "the slice starts at the first '=', so anchoring it at the start changes nothing" },
  {
    file: ENVELOPE,
    line: 'if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES || key.length',
    original: 'tag.length !== TAG_BYTES',
    replacement: 'false',
    reason: 'the decipher is made with authTagLength 16, so setAuthTag() throws on any other tag length and openBox() resolves null all the same',
  },
  {
    file: ENVELOPE,
    line: 'if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES || key.length',
    original: 'key.length !== DATA_KEY_BYTES',
    replacement: 'false',
    reason: 'createDecipheriv() throws on a key that is not 32 bytes, and openBox() resolves null all the same',
  },
  {
    file: ENVELOPE,
    line: "const decipher = createDecipheriv('aes-256-gcm'",
    original: '{ authTagLength: TAG_BYTES }',
    replacement: '{}',
    reason: 'the guard before it refuses every tag that is not 16 bytes; the option is the second of two walls against truncated tags',
  },
  { file: ENVELOPE, line: "const cipher = createCipheriv('aes-256-gcm'", original: '{ authTagLength: TAG_BYTES }', replacement: '{}', reason: "GCM's default tag is 16 bytes" },
  { file: ENVELOPE, line: '} catch {', original: '{\n    return null;\n  }', replacement: '{}', reason: 'text that is not JSON leaves parsed undefined, which the array check refuses next' },
  {
    file: ENVELOPE,
    line: 'if (!Array.isArray(parsed) || parsed.length !== 2) return null;',
    original: 'parsed.length !== 2',
    replacement: 'false',
    reason: 'an array of another length has a missing element (refused as not a string) or an extra one (refused as not the canonical spelling)',
  },
  { file: ENVELOPE, line: 'return Buffer.from(ENTRY_AAD_PREFIX + identityKey', original: "'utf8'", replacement: '""', reason: "Buffer.from() reads an empty encoding name as UTF-8, its default" },
  { file: ENVELOPE, line: "Buffer.from(secret, 'utf8')", original: "'utf8'", replacement: '""', reason: "Buffer.from() reads an empty encoding name as UTF-8, its default" },
  {
    file: ENVELOPE,
    line: 'return !/\\p{Surrogate}/u.test(s.replace(',
    original: "''",
    replacement: `"${NOT_READ}"`,
    reason: 'valid pairs are only removed before looking for lone surrogates: any text without surrogates in their place does as well',
  },
  // loopback/client-keys.ts and client-store.ts: shortcuts in front of a check that decides the same
  {
    file: 'electron/core/loopback/client-keys.ts',
    line: 'authorization.length < 8',
    original: 'authorization.length < 8',
    replacement: 'false',
    reason: "a shorter header fails the 'bearer ' test or leaves an empty key: the length check is a shortcut",
  },
  {
    file: 'electron/core/loopback/client-store.ts',
    line: 'if (!CLIENT_KEY_PATTERN.test(key)) return null;',
    original: '!CLIENT_KEY_PATTERN.test(key)',
    replacement: 'false',
    reason: "a string without a key's shape hashes to nothing in the table: the pattern only spares the hash",
  },
];
