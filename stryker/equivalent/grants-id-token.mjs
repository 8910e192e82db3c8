// Equivalent surviving mutants of the grants area (id-token files), each with why (see stryker/equivalent-mutants-list.mjs).

import { blankBodyEquivalents, NOT_READ } from './shared.mjs';

const ID_TOKEN = 'electron/core/grants/id-token.ts';
const JSON_ANSWER = 'electron/core/grants/json-answer.ts';

/** @type {import('../equivalent-mutants-list.d.mts').EquivalentMutant[]} */
export const EQUIVALENTS = [
  // grants/id-token.ts
  {
    file: ID_TOKEN,
    line: '...(deps.setTimer === undefined ? {} : { setTimer: deps.setTimer })',
    original: 'deps.setTimer === undefined',
    replacement: 'false',
    reason: 'an explicit setTimer: undefined reaches sendRequest, which takes options.setTimer ?? systemSetTimer: the same as none',
  },
  {
    file: ID_TOKEN,
    line: '...(options.signal === undefined ? {} : { signal: options.signal })',
    original: 'options.signal === undefined',
    replacement: 'false',
    reason: 'an explicit signal: undefined reaches sendRequest, which reads it only through external?.: the same as none',
  },
  {
    file: ID_TOKEN,
    line: "const headers = { ...response.headers, 'content-type': 'application/json' };",
    original: "'application/json'",
    replacement: '""',
    reason: 'parseBody() sniffs an unlabelled body opening with { as JSON, and a JSON object opens with { after JSON whitespace: both read the same objects; nothing else reads this header',
  },
  {
    file: ID_TOKEN,
    line: "if (iss === expected.issuer || typeof iss !== 'string') return expected.issuer;",
    original: 'iss === expected.issuer',
    replacement: 'false',
    reason: 'a shortcut: when iss is the expected issuer, the later branches return either iss or expected.issuer, the same string',
  },
  {
    file: ID_TOKEN,
    line: "iss === expected.issuer.replace(/^https?:\\/\\//, '')",
    original: '/^https?:\\/\\//',
    replacement: '/https?:\\/\\//',
    reason: "an issuer is an http(s) URL (issuerUrl() in discovery.ts), so its first http(s):// is at its start: anchored or not, the same text is removed",
  },
  {
    file: ID_TOKEN,
    line: 'const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];',
    original: '[payload.aud]',
    replacement: '[]',
    reason: 'only audiences.length > 1 is read: a list of none and a list of one single aud are both not several',
  },
  {
    file: ID_TOKEN,
    line: "new GrantError('id_token_invalid', `The provider's ID token is not valid:",
    original: 'cause === undefined',
    replacement: 'false',
    reason: 'GrantError gives no cause for { cause: undefined }, as for {}',
  },
  {
    file: ID_TOKEN,
    line: "{ url: jwksUri.href, method: 'GET'",
    original: '[]',
    replacement: '["Stryker was here"]',
    reason: 'the JWKS request sends no secret: a made-up secret could only be redacted from a transport error that quotes that very text',
  },
  // grants/json-answer.ts: the same reading of an answer as token-response.ts, whose equivalents these follow
  {
    file: JSON_ANSWER,
    line: 'const secrets = context.secrets ?? [];',
    original: '[]',
    replacement: '["Stryker was here"]',
    reason: 'no secret was sent: a made-up secret could only be redacted from an answer that holds that very text',
  },
  {
    file: JSON_ANSWER,
    line: "const contentType = (response.headers['content-type'] ?? '').split(';')[0]?.trim()",
    original: "''",
    replacement: `"${NOT_READ}"`,
    reason: 'an absent Content-Type read as this text ends in neither json nor xml and is not text/html: unlabelled all the same; the last fallback is never reached (split() returns at least one part)',
  },
  {
    file: JSON_ANSWER,
    line: "const contentType = (response.headers['content-type'] ?? '').split(';')[0]?.trim()",
    original: "(response.headers['content-type'] ?? '').split(';')[0]?.trim",
    replacement: "(response.headers['content-type'] ?? '').split(';')[0].trim",
    reason: 'split() always returns at least one part',
  },
  ...blankBodyEquivalents(JSON_ANSWER),
  {
    file: JSON_ANSWER,
    line: '...(retryAfterMs === undefined ? {} : { retryAfterMs }),',
    original: 'retryAfterMs === undefined',
    replacement: 'false',
    reason: 'GrantError keeps retryAfterMs undefined for { retryAfterMs: undefined }, as for {}',
  },
];
