// Equivalent surviving mutants of the grants area (token-path files), each with why (see stryker/equivalent-mutants-list.mjs).

import { NOT_READ } from './shared.mjs';

const CLIENT = 'electron/core/grants/grant-client.ts';
const TRANSPORT = 'electron/core/grants/http-transport.ts';
const ERROR = 'electron/core/grants/grant-error.ts';
const REDACT = 'electron/core/grants/redact.ts';
const FAILURE = 'electron/core/grants/refresh-failure.ts';

/** @type {import('../equivalent-mutants-list.d.mts').EquivalentMutant[]} */
export const EQUIVALENTS = [
  // grant-client.ts
  {
    file: CLIENT,
    line: '...(deps.setTimer === undefined ? {} : { setTimer: deps.setTimer }),',
    original: 'deps.setTimer === undefined',
    replacement: 'false',
    reason: 'sendTokenRequest() reads options.setTimer ?? systemSetTimer: a setTimer of undefined is the same as none',
  },
  {
    file: CLIENT,
    line: '...(options.signal === undefined ? {} : { signal: options.signal }),',
    original: 'options.signal === undefined',
    replacement: 'false',
    reason: 'sendTokenRequest() reads the signal only through ?. : a signal of undefined is the same as none',
  },
  {
    file: CLIENT,
    line: 'retryable: (error) => isRetryable(error, input.grant)',
    original: 'options.signal === undefined',
    replacement: 'false',
    reason: 'withRetry() hands options.signal to pause(), which takes undefined as no signal',
  },
  {
    file: CLIENT,
    line: 'basicFormsDiffer({ ...(clientId === undefined ? {} : { clientId })',
    original: 'clientId === undefined',
    replacement: 'false',
    reason: "basicFormsDiffer() reads client.clientId ?? '': a clientId of undefined is the same as none",
  },
  {
    file: CLIENT,
    line: 'basicFormsDiffer({ ...(clientId === undefined ? {} : { clientId })',
    original: 'client.clientSecret === undefined',
    replacement: 'false',
    reason: "basicFormsDiffer() reads client.clientSecret ?? '': a clientSecret of undefined is the same as none",
  },
  ...[
    ["first === 'form'", 'true'],
    ["'form'", '""'],
  ].map(([original, replacement]) => ({
    file: CLIENT,
    line: "const other: BasicCredentialEncoding = first === 'form' ? 'raw' : 'form';",
    original,
    replacement,
    reason: "the other form is tried only when neither the profile nor the options chose one (mayFallBack), so first is always 'form' here",
  })),

  // http-transport.ts
  {
    file: TRANSPORT,
    line: 'const reason = code !== undefined && Object.hasOwn(NETWORK_REASONS, code)',
    original: 'code !== undefined',
    replacement: 'true',
    reason: 'Object.hasOwn(NETWORK_REASONS, undefined) looks up the key "undefined", which the table lacks',
  },
  {
    file: TRANSPORT,
    line: 'unsent: code !== undefined && UNSENT_CODES.has(code),',
    original: 'code !== undefined',
    replacement: 'true',
    reason: 'UNSENT_CODES.has(undefined) is false',
  },
  {
    file: TRANSPORT,
    line: "const declared = Number(response.headers.get('content-length') ?? 'NaN');",
    original: "'NaN'",
    replacement: '""',
    reason: 'an absent content-length then reads as 0, which is over no cap (caps are sizes, never negative): the body is read and counted all the same',
  },
  {
    file: TRANSPORT,
    line: "return new TextDecoder('utf-8', { fatal: false })",
    original: '{ fatal: false }',
    replacement: '{}',
    reason: "TextDecoder's fatal option defaults to false",
  },
  ...[
    ['{ once: true }', '{}'],
    ['true', 'false'],
  ].map(([original, replacement]) => ({
    file: TRANSPORT,
    line: "external?.addEventListener('abort', onCancel, { once: true });",
    original,
    replacement,
    reason: 'the finally block removes the listener whatever happens, and a signal fires abort once only',
  })),
  {
    file: TRANSPORT,
    line: '...(request.body === undefined ? {} : { body: request.body }),',
    original: 'request.body === undefined',
    replacement: 'false',
    reason: 'RequestInit is a WebIDL dictionary: a body member of undefined is not present, so fetch sends no body either way',
  },
  {
    file: TRANSPORT,
    line: 'body = await readCapped(response, options.maxBodyBytes, request, () => aborted, options.timeoutMs);',
    original: '() => aborted',
    replacement: '() => undefined',
    reason: 'with aborted null, transportError() reads undefined as null; with aborted set, the catch below maps the error again by aborted: same code, message and grant',
  },

  // grant-error.ts: details() feeds the constructor, which copies each detail as given (an undefined one equals an absent one).
  // The same lines in toJSON() are killed by "leaves absent details out of its serialised form".
  ...['status', 'providerCode', 'description', 'excerpt', 'retryAfterMs', 'attempts', 'grant'].map((field) => ({
    file: ERROR,
    line: `...(this.${field} === undefined ? {} : { ${field}: this.${field} }),`,
    original: `this.${field} === undefined`,
    replacement: 'false',
    reason: `the constructor sets this.${field} = details.${field}: an explicit undefined gives the same error as an absent one`,
  })),

  // redact.ts
  ...[
    ['s.length < MIN_SECRET_LENGTH', 'true'],
    ['s.length < MIN_SECRET_LENGTH', 's.length <= MIN_SECRET_LENGTH'],
  ].map(([original, replacement]) => ({
    file: REDACT,
    line: 'values.filter((s) => s.length >= MIN_WORD_SECRET_LENGTH && s.length < MIN_SECRET_LENGTH',
    original,
    replacement,
    reason: 'a secret of MIN_SECRET_LENGTH or more is also in `anywhere`, whose pass has removed every occurrence before the word pass looks for it',
  })),
  ...[
    ['end > 0', 'true'],
    ['end > 0', 'end >= 0'],
  ].map(([original, replacement]) => ({
    file: REDACT,
    line: 'while (end > 0 && /[A-Za-z0-9._~+/=-]/.test(out.charAt(end - 1))) end--;',
    original,
    replacement,
    reason: "at end 0, out.charAt(-1) is '', which the class does not match: the loop stops there either way",
  })),

  // refresh-failure.ts
  {
    file: FAILURE,
    line: 'const saysDeadToken = (text: string | undefined): boolean => text !== undefined',
    original: 'text !== undefined',
    replacement: 'true',
    reason: 'SAYS_TOKEN.test(undefined) tests the text "undefined", which names no token',
  },
  {
    file: FAILURE,
    line: "if (DEAD_CODE.test(error.providerCode ?? '')",
    original: "''",
    replacement: `"${NOT_READ}"`,
    reason: 'DEAD_CODE matches whole codes only, and this text is no more one than the empty code is',
  },

  // token-details.ts
  {
    file: 'electron/core/grants/token-details.ts',
    line: "if (token.split('.').length !== 3) return null;",
    original: "token.split('.').length !== 3",
    replacement: 'false',
    reason: "jose's decodeJwt() throws on anything but three parts, and the catch below returns null: the check only spares the call",
  },

  // token-record.ts (a static mutant)
  {
    file: 'electron/core/grants/token-record.ts',
    line: "const items = typeof scope === 'string' ? scope.split(/\\s+/) : scope;",
    original: '/\\s+/',
    replacement: '/\\s/',
    reason: 'the empty items that splitting on single spaces leaves between runs of whitespace are filtered out on the next line',
  },
];
