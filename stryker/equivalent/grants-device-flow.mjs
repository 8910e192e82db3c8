// Equivalent surviving mutants of the grants area (device-flow files), each with why (see stryker/equivalent-mutants-list.mjs).

const DEVICE = 'electron/core/grants/device-authorization.ts';
const RESPONSE = 'electron/core/grants/authorization-response.ts';
const REQUEST = 'electron/core/grants/authorization-request.ts';
const INVENTED = '["Stryker was here"]';

/** @type {import('../equivalent-mutants-list.d.mts').EquivalentMutant[]} */
export const EQUIVALENTS = [
  // device-authorization.ts
  {
    file: DEVICE,
    line: '{ clientId, ...(client.clientSecret === undefined ? {} : { clientSecret: client.clientSecret }) },',
    original: 'client.clientSecret === undefined',
    replacement: 'false',
    reason: 'every strategy tests clientSecret against undefined or defaults it (basic: ?? \'\'), so an undefined key reads as an absent one',
  },
  {
    file: DEVICE,
    line: 'if (!params.some(([name]) => name === profile.clientIdParam))',
    original: 'name === profile.clientIdParam',
    replacement: 'true',
    reason: "the strategies' params are empty (basic) or start with the client id parameter (body, none: the id is never empty here), so any param is that one",
  },
  {
    file: DEVICE,
    line: 'if (value === null) return null;',
    original: 'value === null',
    replacement: 'false',
    reason: "new URL(null) reads the text 'null', which is no absolute URL: the catch returns null all the same",
  },
  ...[
    ['...(context.secrets === undefined ? {} : { secrets: context.secrets }),', 'context.secrets === undefined', 'processJsonAnswer() reads secrets ?? []'],
    ['...(context.dialect === undefined ? {} : { dialect: context.dialect }),', 'context.dialect === undefined', "oauthError()'s dialect parameter defaults to {} when given undefined"],
    ['...(deps.setTimer === undefined ? {} : { setTimer: deps.setTimer }),', 'deps.setTimer === undefined', 'sendRequest() reads setTimer ?? systemSetTimer'],
    ['...(options.signal === undefined ? {} : { signal: options.signal }),', 'options.signal === undefined', 'sendRequest() reads the signal only through ?.'],
    [
      'return ok(processDeviceAuthorizationResponse(response, { now: deps.now(), secrets: request.secrets, ...(options.dialect === undefined',
      'options.dialect === undefined',
      'processDeviceAuthorizationResponse() passes an undefined dialect on as an absent one',
    ],
  ].map(([line, original, why]) => ({ file: DEVICE, line, original, replacement: 'false', reason: `an undefined key reads as an absent one: ${why}` })),
  ...[
    ['missing.length > 0 || deviceCode === null', 'missing.length > 0 && deviceCode === null'],
    ['missing.length > 0', 'false'],
    ['deviceCode === null', 'false'],
    ['userCode === null', 'false'],
    ['verificationUri === null', 'false'],
    ['expiresIn === null', 'false'],
  ].map(([original, replacement]) => ({
    file: DEVICE,
    line: 'if (missing.length > 0 || deviceCode === null || userCode === null',
    original,
    replacement,
    reason: 'each null field is also counted in missing, so either half alone decides the same: the null tests are there for the type checker',
  })),
  ...[
    ['{ once: true }', '{}'],
    ['true', 'false'],
  ].map(([original, replacement]) => ({
    file: DEVICE,
    line: "signal.addEventListener('abort', onAbort, { once: true });",
    original,
    replacement,
    reason: 'the listener is removed in finally whether or not it fired, and resolving a settled promise again does nothing',
  })),
  { file: DEVICE, line: 'if (onAbort) signal.removeEventListener', original: 'onAbort', replacement: 'true', reason: 'the Promise executor runs at once, so onAbort is always set by then' },
  // authorization-response.ts
  {
    file: RESPONSE,
    line: "const code = (error === TWICE ? undefined : CALLBACK_ERRORS.get(error)) ?? 'provider_error';",
    original: 'error === TWICE',
    replacement: 'false',
    reason: 'CALLBACK_ERRORS.get(TWICE) finds nothing (its keys are strings): provider_error all the same',
  },
  ...[
    ['`The redirect comes from the issuer "${safeDescription(iss, []).slice(0, 200)}"', 'an iss'],
    ["CALLBACK_ERRORS.has(error) ? error : safeDescription(error, []).slice(0, 64);", 'an error code'],
    ['const description = rawDescription === null || rawDescription === TWICE ? undefined : safeDescription(rawDescription, []);', 'an error_description'],
  ].map(([line, what]) => ({
    file: RESPONSE,
    line,
    original: '[]',
    replacement: INVENTED,
    reason: `a redirect holds none of this sign-in's secrets, so none is passed; the mutant invents one that only ${what} written for it would carry`,
  })),
  {
    file: RESPONSE,
    line: '...(description === undefined ? {} : { description }),',
    original: 'description === undefined',
    replacement: 'false',
    reason: 'GrantError copies each detail, so an undefined key reads as an absent one',
  },
  // authorization-request.ts
  {
    file: REQUEST,
    line: "return createHash('sha256').update(verifier, 'ascii')",
    original: "'ascii'",
    replacement: '""',
    reason: 'update() reads an empty encoding as UTF-8, and the verifier passed the unreserved-ASCII pattern, whose UTF-8 and ASCII bytes are the same',
  },
  ...[
    ["([name]) => name === 'prompt'", '() => undefined'],
    ["name === 'prompt'", 'false'],
    ["'prompt'", '""'],
  ].map(([original, replacement]) => ({
    file: REQUEST,
    line: "!extras.some(([name]) => name === 'prompt')",
    original,
    replacement,
    reason: "the provider's own prompt is set after prompt=consent and replaces it: the same parameters, only in another order, which means nothing (RFC 6749 §3.1)",
  })),
];
