// Surviving mutants that no test can kill because they change nothing a caller can observe, each with why.
// Only true equivalents: a cache or a shortcut whose removal changes nothing but speed, a fallback for a value
// that is always present. Every other survivor needs a test. scripts/mutation/run-mutation.ts counts a survivor
// that matches an entry as equivalent (not in the score) and warns about an entry that matches nothing.
//
// An entry matches a mutant in `file` whose first line contains `line`, whose mutated source is `original`
// and whose replacement is `replacement` (as Stryker prints them), so that it follows its code when lines move.

import { EQUIVALENTS as GRANTS_DEVICE_FLOW } from './equivalent/grants-device-flow.mjs';
import { EQUIVALENTS as GRANTS_DISCOVERY_USERINFO } from './equivalent/grants-discovery-userinfo.mjs';
import { EQUIVALENTS as GRANTS_ID_TOKEN } from './equivalent/grants-id-token.mjs';
import { EQUIVALENTS as GRANTS_TOKEN_PATH } from './equivalent/grants-token-path.mjs';
import { blankBodyEquivalents, NOT_READ } from './equivalent/shared.mjs';

const SERVER = 'electron/core/loopback/loopback-server.ts';
const ENVELOPE = 'electron/core/vault/envelope.ts';
const RETRY = 'electron/core/grants/retry.ts';
const TOKEN_RESPONSE = 'electron/core/grants/token-response.ts';
const WARM_UP = 'electron/core/refresh/renewal-warm-up.ts';
const MADE_UP = "the warm-up's made-up answer and client are never stored, shown or checked: its own server answers any request, and the record is thrown away";

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
  // grants/token-response.ts
  {
    file: TOKEN_RESPONSE,
    line: "return (headers['content-type'] ?? '').split(';')[0]?.trim()",
    original: "(headers['content-type'] ?? '').split(';')[0]?.trim",
    replacement: "(headers['content-type'] ?? '').split(';')[0].trim",
    reason: 'split() always returns at least one part',
  },
  {
    file: TOKEN_RESPONSE,
    line: "return (headers['content-type'] ?? '').split(';')[0]?.trim()",
    original: "''",
    replacement: `"${NOT_READ}"`,
    reason: 'an absent Content-Type read as this text ends in neither json nor xml and is not text/html: unlabelled all the same; the last fallback is never reached',
  },
  ...[
    ["contentType.endsWith('/xml') || contentType.endsWith('+xml') || /^\\s*</.test(body)", 'true'],
    ["contentType.endsWith('/xml') || contentType.endsWith('+xml')", "contentType.endsWith('/xml') && contentType.endsWith('+xml')"],
    ["contentType.endsWith('/xml') || contentType.endsWith('+xml')", 'false'],
    ["contentType.endsWith('/xml')", "contentType.startsWith('/xml')"],
    ["'/xml'", '""'],
    ["contentType.endsWith('+xml')", "contentType.startsWith('+xml')"],
    ["'+xml'", '""'],
    ['/^\\s*</', '/\\s*</'],
  ].map(([original, replacement]) => ({
    file: TOKEN_RESPONSE,
    line: "return contentType.endsWith('/xml') || contentType.endsWith('+xml')",
    original,
    replacement,
    reason: "it only decides whether XML is tried; XMLValidator refuses any body whose first non-blank character is not '<', so trying or not ends the same",
  })),
  {
    file: TOKEN_RESPONSE,
    line: 'if (looksLikeXml(body, contentType)) {',
    original: 'looksLikeXml(body, contentType)',
    replacement: 'true',
    reason: "XMLValidator refuses any body whose first non-blank character is not '<': trying it as XML ends in undefined all the same",
  },
  ...[
    ["contentType.endsWith('/json') || contentType.endsWith('+json')", 'false'],
    ["contentType.endsWith('/json') || contentType.endsWith('+json')", "contentType.endsWith('/json') && contentType.endsWith('+json')"],
  ].map(([original, replacement]) => ({
    file: TOKEN_RESPONSE,
    line: "return contentType.endsWith('/json') || contentType.endsWith('+json')",
    original,
    replacement,
    reason: 'parseBody() asks only when the media type does not end in json, so these two are false there',
  })),
  {
    file: TOKEN_RESPONSE,
    line: '} catch {',
    original: '{\n    return undefined;\n  }',
    replacement: '{}',
    reason: 'parseXml() goes on with doc undefined, which the next line returns as undefined; parseJson() falls off its end, returning undefined',
  },
  { file: TOKEN_RESPONSE, line: 'if (!isObject(doc)) return undefined;', original: '!isObject(doc)', replacement: 'false', reason: 'XMLParser.parse() returns an object for every document the validator let through' },
  { file: TOKEN_RESPONSE, line: 'const root = roots[0]?.[1];', original: 'roots[0]?.[1]', replacement: 'roots[0][1]', reason: 'reached only with exactly one root' },
  ...blankBodyEquivalents(TOKEN_RESPONSE),
  ...[
    ["response.body.trim() !== ''", 'true'],
    ['response.body.trim()', 'response.body'],
    ["''", `"${NOT_READ}"`],
  ].map(([original, replacement]) => ({
    file: TOKEN_RESPONSE,
    line: "const excerpt = providerError === undefined && response.body.trim() !== ''",
    original,
    replacement,
    reason: "safeExcerpt() of a blank body is '': the test only spares the call",
  })),
  ...[
    ["value.trim() === ''", 'false'],
    ['value.trim()', 'value'],
    ["''", `"${NOT_READ}"`],
  ].map(([original, replacement]) => ({
    file: TOKEN_RESPONSE,
    line: "if (value === undefined || value.trim() === '') return undefined;",
    original,
    replacement,
    reason: 'a blank Retry-After matches neither delay-seconds nor a day name below: undefined all the same',
  })),
  {
    file: TOKEN_RESPONSE,
    line: "if (typeof value === 'number' && Number.isFinite(value)) return String(value);",
    original: "typeof value === 'number'",
    replacement: 'true',
    reason: 'Number.isFinite() is false for anything but a number',
  },
  { file: TOKEN_RESPONSE, line: "if (token.split('.').length !== 3) return null;", original: "token.split('.').length !== 3", replacement: 'false', reason: 'decodeJwt() throws on anything but three parts, which the catch reads as null' },
  { file: TOKEN_RESPONSE, line: "return typeof exp === 'number' && Number.isFinite(exp)", original: "typeof exp === 'number'", replacement: 'true', reason: 'Number.isFinite() is false for anything but a number' },
  ...[
    ['value === null || value === undefined', 'false'],
    ['value === null || value === undefined', 'value === null && value === undefined'],
    ['value === null', 'false'],
    ['value === undefined', 'false'],
  ].map(([original, replacement]) => ({
    file: TOKEN_RESPONSE,
    line: 'if (value === null || value === undefined) return null;',
    original,
    replacement,
    reason: 'null and undefined are neither a string nor an array, so the list below is null for them anyway',
  })),
  ...[
    ['response.status < 500', 'true'],
    ['response.status < 500', 'response.status <= 500'],
  ].map(([original, replacement]) => ({
    file: TOKEN_RESPONSE,
    line: 'if (response.status >= 400 && response.status < 500) {',
    original,
    replacement,
    reason: 'every status from 500 up has already been answered as unavailable above',
  })),
  { file: TOKEN_RESPONSE, line: 'const jwtExp = expiresIn === null ? jwtExpiry(accessToken) : null;', original: 'expiresIn === null', replacement: 'true', reason: 'the JWT exp is read only where expiresIn is null: decoding it anyway only costs time' },
  {
    file: TOKEN_RESPONSE,
    line: '? (context.previous?.refreshExpiresAt ?? null)',
    original: 'context.previous?.refreshExpiresAt',
    replacement: 'context.previous.refreshExpiresAt',
    reason: "reached only when the refresh token held is the previous record's, so there is a previous record",
  },
  ...[
    ['...(description === undefined ? {} : { description }),', 'description === undefined'],
    ['...(retryAfterMs === undefined ? {} : { retryAfterMs }),', 'retryAfterMs === undefined'],
  ].map(([line, original]) => ({
    file: TOKEN_RESPONSE,
    line,
    original,
    replacement: 'false',
    reason: 'GrantError copies each detail, so an undefined key reads as an absent one',
  })),
  {
    file: TOKEN_RESPONSE,
    line: 'const mapped: MappedErrorCode | undefined = Object.hasOwn(',
    original: 'dialect.errorCodes?.[said]',
    replacement: 'dialect.errorCodes[said]',
    reason: 'reached only when errorCodes has the key, so it is defined',
  },
  {
    file: TOKEN_RESPONSE,
    line: "function scopeField(value: unknown, separator: ' ' | ',' = ' ')",
    original: "' '",
    replacement: '""',
    reason: "the separator is only compared with ',': any other default reads the same",
  },
  ...[
    ['expiresIn === null && jwtExp === null', 'true'],
    ['expiresIn === null && jwtExp === null', 'expiresIn === null || jwtExp === null'],
    ['expiresIn === null', 'true'],
    ['jwtExp === null', 'true'],
  ].map(([original, replacement]) => ({
    file: TOKEN_RESPONSE,
    line: 'const assumed = expiresIn === null && jwtExp === null',
    original,
    replacement,
    reason: 'the assumed expiry is read (in expiresAt and expirySource) only where expires_in and the JWT exp are both absent',
  })),
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
  // refresh/renewal-warm-up.ts
  { file: WARM_UP, line: "token_type: 'Bearer',", original: "'Bearer'", replacement: '""', reason: MADE_UP },
  { file: WARM_UP, line: "refresh_token: 'warm-up-refresh-token',", original: "'warm-up-refresh-token'", replacement: '""', reason: MADE_UP },
  { file: WARM_UP, line: "scope: 'warm-up',", original: "'warm-up'", replacement: '""', reason: MADE_UP },
  { file: WARM_UP, line: "{ clientId: 'warm-up', clientSecret: 'warm-up' }", original: "'warm-up'", replacement: '""', reason: MADE_UP },
  { file: WARM_UP, line: "sealSecret(newDataKey(), 'tokenry', 'warm-up/token'", original: "'tokenry'", replacement: '""', reason: MADE_UP },
  { file: WARM_UP, line: "sealSecret(newDataKey(), 'tokenry', 'warm-up/token'", original: "'warm-up/token'", replacement: '""', reason: MADE_UP },
  {
    file: WARM_UP,
    line: 'if (!outcome.ok) return { warmed: false };',
    original: '!outcome.ok',
    replacement: 'false',
    reason: 'a refused warm-up then throws reading the record it lacks, and the catch answers the same { warmed: false }',
  },
  // The grants area's other files, one list per group of files.
  ...GRANTS_ID_TOKEN,
  ...GRANTS_DEVICE_FLOW,
  ...GRANTS_DISCOVERY_USERINFO,
  ...GRANTS_TOKEN_PATH,
];
