// Equivalent surviving mutants of the grants area (discovery-userinfo files), each with why (see stryker/equivalent-mutants-list.mjs).

import { NOT_READ } from './shared.mjs';

const DISCOVERY = 'electron/core/grants/discovery.ts';
const USERINFO = 'electron/core/grants/userinfo.ts';
const REVOCATION = 'electron/core/grants/revocation.ts';
const UNDEFINED_SPREAD = "spreading { x: undefined } is the same as spreading {}: the transport reads the option with ?? and ?. alike";

/** @type {import('../equivalent-mutants-list.d.mts').EquivalentMutant[]} */
export const EQUIVALENTS = [
  // grants/discovery.ts
  { file: DISCOVERY, line: "issuer.split('?')[0] ?? ''", original: "''", replacement: `"${NOT_READ}"`, reason: 'split always returns at least one element: the fallback is never read' },
  {
    file: DISCOVERY,
    line: 'if (at < 0 || template.indexOf(placeholder, at + 1) >= 0)',
    original: 'template.indexOf(placeholder, at + 1) >= 0',
    replacement: 'template.indexOf(placeholder, at + 1) > 0',
    reason: 'the search starts at at + 1 >= 1, so it finds -1 or an index of 1 or more, never 0',
  },
  {
    file: DISCOVERY,
    line: 'issuer.length <= prefix.length + suffix.length',
    original: 'issuer.length <= prefix.length + suffix.length',
    replacement: 'issuer.length < prefix.length + suffix.length',
    reason: "the length check only says early what the pattern's + says next: when issuer.length <= prefix + suffix the part between them is empty, and /^[^/?#{}\\s]+$/ refuses it",
  },
  {
    file: DISCOVERY,
    line: 'issuer.length <= prefix.length + suffix.length',
    original: 'issuer.length <= prefix.length + suffix.length',
    replacement: 'false',
    reason: "the length check only says early what the pattern's + says next: when issuer.length <= prefix + suffix the part between them is empty, and /^[^/?#{}\\s]+$/ refuses it",
  },
  {
    file: DISCOVERY,
    line: 'issuer.length <= prefix.length + suffix.length',
    original: 'prefix.length + suffix.length',
    replacement: 'prefix.length - suffix.length',
    reason: "the length check only says early what the pattern's + says next: when issuer.length <= prefix + suffix the part between them is empty, and /^[^/?#{}\\s]+$/ refuses it",
  },
  { file: DISCOVERY, line: "issue?.path.join('.') ?? ''", original: "''", replacement: `"${NOT_READ}"`, reason: 'a failed zod parse has at least one issue, and join returns a string: the fallback is never read' },
  { file: DISCOVERY, line: "issue?.path.join('.') ?? ''", original: 'issue?.path', replacement: 'issue.path', reason: 'a failed zod parse has at least one issue: issues[0] is always there' },
  { file: DISCOVERY, line: "issue?.message ?? 'invalid'", original: "'invalid'", replacement: '""', reason: 'a failed zod parse has at least one issue, and every zod issue has a message: the fallback is never read' },
  { file: DISCOVERY, line: "issue?.message ?? 'invalid'", original: 'issue?.message', replacement: 'issue.message', reason: 'a failed zod parse has at least one issue: issues[0] is always there' },
  {
    file: DISCOVERY,
    line: 'if (error instanceof GrantError) return err(error);',
    original: 'error instanceof GrantError',
    replacement: 'true',
    reason: "discoveryUrls throws only GrantErrors (issuerUrl turns new URL's TypeError into invalid_config): there is no other error to rethrow",
  },
  { file: DISCOVERY, line: '...(deps.setTimer === undefined ? {}', original: 'deps.setTimer === undefined', replacement: 'false', reason: UNDEFINED_SPREAD },
  { file: DISCOVERY, line: '...(options.signal === undefined ? {}', original: 'options.signal === undefined', replacement: 'false', reason: UNDEFINED_SPREAD },
  {
    file: DISCOVERY,
    line: '...(options.tenantPlaceholder === undefined ? {}',
    original: 'options.tenantPlaceholder === undefined',
    replacement: 'false',
    reason: 'processDiscoveryResponse reads tenantPlaceholder with !== undefined: tenantPlaceholder: undefined is the same as none',
  },
  { file: DISCOVERY, line: "`${urls[i]?.url ?? ''}", original: 'urls[i]?.url', replacement: 'urls[i].url', reason: 'failures are pushed in step with urls (at most one per address): urls[i] is always there' },
  { file: DISCOVERY, line: "`${urls[i]?.url ?? ''}", original: "''", replacement: `"${NOT_READ}"`, reason: 'failures are pushed in step with urls (at most one per address): urls[i] is always there' },
  {
    file: DISCOVERY,
    line: "`${urls[i]?.url ?? ''}",
    original: 'f.status === undefined',
    replacement: 'false',
    reason:
      'only failures with an HTTP answer let the next document be tried (tryNext: rejected, bad_response, discovery_failed), and each of those carries its status: the f.code branch is never taken',
  },
  // grants/userinfo.ts
  {
    file: USERINFO,
    line: "typeof value === 'number' && Number.isFinite(value)",
    original: "typeof value === 'number'",
    replacement: 'true',
    reason: 'Number.isFinite does not coerce: it is false for anything that is not a number',
  },
  { file: USERINFO, line: 'now: context.now, ...(context.secrets === undefined', original: 'context.secrets === undefined', replacement: 'false', reason: 'processJsonAnswer reads context.secrets ?? []: secrets: undefined is the same as none' },
  { file: USERINFO, line: '...(deps.setTimer === undefined ? {}', original: 'deps.setTimer === undefined', replacement: 'false', reason: UNDEFINED_SPREAD },
  { file: USERINFO, line: '...(options.signal === undefined ? {}', original: 'options.signal === undefined', replacement: 'false', reason: UNDEFINED_SPREAD },
  // grants/revocation.ts
  {
    file: REVOCATION,
    line: '{ ...(clientId === undefined ? {} : { clientId })',
    original: 'clientId === undefined',
    replacement: 'false',
    reason: 'every client auth strategy reads clientId: undefined as no client id (basic: ?? \'\'; body: !== undefined; none: === undefined)',
  },
  {
    file: REVOCATION,
    line: '...(client.clientSecret === undefined ? {}',
    original: 'client.clientSecret === undefined',
    replacement: 'false',
    reason: "every client auth strategy reads clientSecret: undefined as no secret (basic: ?? ''; body: !== undefined and === undefined; none: not read)",
  },
  { file: REVOCATION, line: 'now: context.now, ...(context.secrets === undefined', original: 'context.secrets === undefined', replacement: 'false', reason: 'processJsonAnswer reads context.secrets ?? []: secrets: undefined is the same as none' },
  { file: REVOCATION, line: '...(deps.setTimer === undefined ? {}', original: 'deps.setTimer === undefined', replacement: 'false', reason: UNDEFINED_SPREAD },
  { file: REVOCATION, line: '...(options.signal === undefined ? {}', original: 'options.signal === undefined', replacement: 'false', reason: UNDEFINED_SPREAD },
];
