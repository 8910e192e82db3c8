// Processing token endpoint answers (RFC 6749 §5.1 success, §5.2 error) in JSON or XML into one record.

import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { decodeJwt } from 'jose';
import type { GrantType, MappedErrorCode, ProviderProfile } from '../providers/profile.js';
import { GrantError, isOAuthErrorCode, type GrantErrorCode } from './grant-error.js';
import { firstSafeLine, safeDescription, safeExcerpt } from './redact.js';
import { parseScope, type TokenRecord } from './token-record.js';

/** What came back over the wire, as plain data. */
export interface TokenHttpResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface ProcessContext {
  /** Epoch milliseconds when the answer arrived. */
  readonly now: number;
  /** The scope sent with the request; `null` when none was sent. */
  readonly requestedScope: readonly string[] | null;
  /** The grant this answers: a refresh that sent no scope keeps the previously granted one (RFC 6749 §6). */
  readonly grant?: GrantType;
  /** The record being renewed: its refresh token is kept when the answer carries none (RFC 6749 §6). */
  readonly previous?: TokenRecord | null;
  /** Values sent with the request, never to be echoed in an error. */
  readonly secrets?: readonly string[];
  /** The provider's documented way of saying things (its own error codes, its scope separator). */
  readonly dialect?: AnswerDialect;
  /**
   * How long to take the token to last when the answer states no lifetime at all (no `expires_in`,
   * no JWT `exp`): the account's `assumeLifetimeSeconds`, in milliseconds.
   */
  readonly assumeLifetimeMs?: number;
}

/** What of a provider's documented deviations reading its answers needs: data from its profile. */
export type AnswerDialect = Pick<ProviderProfile, 'errorCodes' | 'errorDescription' | 'scopeSeparator'>;

type Fields = Record<string, unknown>;

const xmlParser = new XMLParser({
  ignoreAttributes: true,
  removeNSPrefix: true,
  parseTagValue: false,
  trimValues: true,
  // The five predefined XML entities (`&amp;` ...) only: DTDs are refused before parsing.
  processEntities: true,
  htmlEntities: false,
});

function contentTypeOf(headers: Readonly<Record<string, string>>): string {
  return (headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

function looksLikeHtml(body: string, contentType: string): boolean {
  // Some PHP servers label JSON text/html: a body that opens like JSON is given the chance to be JSON.
  if (contentType === 'text/html') return !/^\s*\{/.test(body);
  return /^\s*(<!doctype html|<html[\s>])/i.test(body);
}

function looksLikeXml(body: string, contentType: string): boolean {
  return contentType.endsWith('/xml') || contentType.endsWith('+xml') || /^\s*</.test(body);
}

function looksLikeJson(body: string, contentType: string): boolean {
  return contentType.endsWith('/json') || contentType.endsWith('+json') || /^\s*[{[]/.test(body);
}

/** XML answers are one root element whose children are the fields (Saasu's OAuthAccessTokenGrant). */
function parseXml(body: string): Fields | undefined {
  // Token endpoints have no use for DTDs; refusing them rules out entity expansion attacks.
  if (/<!DOCTYPE|<!ENTITY/i.test(body)) return undefined;
  let doc: unknown;
  try {
    if (XMLValidator.validate(body) !== true) return undefined;
    doc = xmlParser.parse(body);
  } catch {
    return undefined;
  }
  if (!isObject(doc)) return undefined;
  const roots = Object.entries(doc).filter(([key]) => !key.startsWith('?'));
  if (roots.length !== 1) return undefined;
  const root = roots[0]?.[1];
  return isObject(root) ? root : undefined;
}

function parseJson(body: string): Fields | undefined {
  try {
    const value: unknown = JSON.parse(body);
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parses a body by what it says it is, falling back to what it looks like. */
export function parseBody(body: string, contentType: string): { fields: Fields; format: 'json' | 'xml' } | undefined {
  if (looksLikeHtml(body, contentType)) return undefined;
  if (contentType.endsWith('json') || (!contentType.endsWith('xml') && looksLikeJson(body, contentType))) {
    const fields = parseJson(body);
    return fields === undefined ? undefined : { fields, format: 'json' };
  }
  if (looksLikeXml(body, contentType)) {
    const fields = parseXml(body);
    return fields === undefined ? undefined : { fields, format: 'xml' };
  }
  return undefined;
}

/** An answer that cannot be used: what it was, the status, and a short secret-free excerpt. */
export function badResponse(response: TokenHttpResponse, what: string, secrets: readonly string[], endpoint = 'token endpoint'): GrantError {
  const excerpt = response.body.trim() === '' ? '' : safeExcerpt(response.body, secrets);
  const suffix = excerpt === '' ? '' : `: "${excerpt}"`;
  return new GrantError('bad_response', `The ${endpoint} sent ${what} (HTTP ${response.status})${suffix}`, {
    status: response.status,
    ...(excerpt === '' ? {} : { excerpt }),
  });
}

/** RFC 9110 §5.6.7's asctime-date: `Sun Nov  6 08:49:37 1994`. */
const ASCTIME = /^[A-Za-z]{3} [A-Za-z]{3} [ \d]?\d \d{2}:\d{2}:\d{2} \d{4}$/;

/** Retry-After (RFC 9110 §10.2.3): delay-seconds or an HTTP date, in milliseconds from `now`. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // HTTP dates (IMF-fixdate, RFC 850, asctime) start with a day name; Date.parse would read "1.5" as a date in 2001.
  if (!/^[A-Za-z]{3,9},?\s/.test(text)) return undefined;
  // asctime carries no zone but is GMT (§5.6.7); Date.parse would read it in the machine's local time.
  const date = Date.parse(ASCTIME.test(text) ? `${text} GMT` : text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function asText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/** RFC 8628 §3.5's answers to a device code poll, which have codes of their own. */
const DEVICE_ERROR_CODES = ['authorization_pending', 'slow_down', 'access_denied', 'expired_token'] as const;
type DeviceErrorCode = (typeof DEVICE_ERROR_CODES)[number];
const isDeviceErrorCode = (code: string): code is DeviceErrorCode => (DEVICE_ERROR_CODES as readonly string[]).includes(code);

/**
 * An RFC 6749 §5.2 error body; Sugar says `error_message` where others say `error_description`.
 * A device code poll (RFC 8628 §3.5) has four codes more.
 */
export function oauthError(
  response: TokenHttpResponse,
  fields: Fields,
  secrets: readonly string[],
  grant?: GrantType,
  dialect: AnswerDialect = {},
): GrantError | undefined {
  const said = asText(fields['error']);
  if (said === undefined || said === '') return undefined;
  // A code the provider documents as its own name for a standard one (GitHub's bad_verification_code) means that one.
  const mapped: MappedErrorCode | undefined = Object.hasOwn(dialect.errorCodes ?? {}, said) ? dialect.errorCodes?.[said] : undefined;
  const code = mapped ?? said;
  const rawText = asText(fields['error_description']) ?? asText(fields['error_message']) ?? asText(fields['message']);
  // Entra's descriptions end in trace and correlation ids: its AADSTS sentence is the first line.
  const rawDescription = rawText !== undefined && dialect.errorDescription === 'first-line' ? (rawText.split(/\r?\n/)[0] ?? rawText) : rawText;
  const description = rawDescription === undefined ? undefined : safeDescription(rawDescription, secrets);
  // A code the profile documents is a word of the provider's, shown as it is (GitHub's 28-letter
  // incorrect_client_credentials would otherwise look like a token to the redactor); any other is screened.
  const safeCode = mapped !== undefined ? said : safeDescription(said, secrets).slice(0, 64);
  const device = (grant === 'device_code' || mapped !== undefined) && isDeviceErrorCode(code);
  const known = isOAuthErrorCode(code) || device;
  const message = `The provider refused the request (${safeCode}${response.status ? `, HTTP ${response.status}` : ''})${
    description ? `: ${description}` : ''
  }`;
  const errorCode: GrantErrorCode = isOAuthErrorCode(code) ? code : device ? code : 'provider_error';
  return new GrantError(errorCode, message, {
    status: response.status,
    ...(known && mapped === undefined ? {} : { providerCode: safeCode }),
    ...(description === undefined ? {} : { description }),
  });
}

/** Number of seconds in `expires_in`-like fields: JSON numbers, or numeric strings (XML, lax servers). */
function seconds(value: unknown, field: string, response: TokenHttpResponse): number | null {
  if (value === undefined || value === null || value === '') return null;
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isFinite(n) || n < 0) {
    throw new GrantError('bad_response', `The token endpoint sent an invalid ${field} (HTTP ${response.status}).`, {
      status: response.status,
    });
  }
  return n;
}

function jwtExpiry(token: string): number | null {
  if (token.split('.').length !== 3) return null;
  try {
    const { exp } = decodeJwt(token);
    return typeof exp === 'number' && Number.isFinite(exp) ? exp * 1000 : null;
  } catch {
    return null;
  }
}

const TOKEN_TYPES: Readonly<Record<string, string>> = { bearer: 'Bearer', mac: 'MAC', dpop: 'DPoP', pop: 'PoP' };

/** RFC 6749 §3.3: a scope has one or more tokens, so an empty one says nothing (§5.1: as requested). */
function scopeField(value: unknown, separator: ' ' | ',' = ' '): readonly string[] | null {
  if (value === null || value === undefined) return null;
  const list =
    typeof value === 'string'
      ? parseScope(separator === ',' ? value.replaceAll(',', ' ') : value)
      : Array.isArray(value) && value.every((v): v is string => typeof v === 'string')
        ? parseScope(value)
        : null;
  return list === null || list.length === 0 ? null : list;
}

const KNOWN_FIELDS = new Set(['access_token', 'token_type', 'expires_in', 'refresh_token', 'refresh_expires_in', 'refresh_token_expires_in', 'scope']);

/**
 * Turns a token endpoint's answer into a {@link TokenRecord} or a {@link GrantError}.
 * Success is RFC 6749 §5.1 (an `access_token` is required); errors are §5.2; 5xx and 429 are
 * `unavailable`; anything else is a `bad_response` with a short, secret-free excerpt.
 */
export function processTokenResponse(response: TokenHttpResponse, context: ProcessContext): TokenRecord {
  const secrets = context.secrets ?? [];
  const contentType = contentTypeOf(response.headers);
  const parsed = response.body.trim() === '' ? undefined : parseBody(response.body, contentType);

  if (response.status >= 500 || response.status === 429) {
    const retryAfterMs = parseRetryAfter(response.headers['retry-after'], context.now);
    const providerError = parsed === undefined ? undefined : oauthError(response, parsed.fields, secrets, context.grant, context.dialect);
    // A gateway's HTML page still says something useful (its title): keep a safe excerpt.
    const excerpt = providerError === undefined && response.body.trim() !== '' ? safeExcerpt(response.body, secrets) : '';
    const detail = providerError?.description ? `: ${providerError.description}` : excerpt ? `: "${excerpt}"` : '';
    return raise(
      new GrantError('unavailable', `The provider is unavailable (HTTP ${response.status})${detail}`, {
        status: response.status,
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
        ...(excerpt ? { excerpt } : {}),
      }),
    );
  }
  if (response.status >= 300 && response.status < 400) {
    return raise(badResponse(response, 'a redirect, which a token endpoint must not', secrets));
  }
  if (parsed === undefined && response.status === 401 && response.headers['www-authenticate'] !== undefined) {
    // RFC 6749 §5.2: a refused client may get a bare 401 with WWW-Authenticate and no body.
    return raise(new GrantError('invalid_client', `The provider refused the client's credentials (HTTP 401).`, { status: 401 }));
  }
  if (response.status >= 400 && response.status < 500) {
    const error = parsed === undefined ? undefined : oauthError(response, parsed.fields, secrets, context.grant, context.dialect);
    if (error !== undefined) return raise(error);
    // Not an RFC 6749 §5.2 body (empty, text, HTML, other JSON): still a refusal, not a broken server.
    return raise(refused(response, parsed?.fields, secrets));
  }
  if (parsed === undefined) {
    const what =
      response.body.trim() === ''
        ? 'an empty answer'
        : looksLikeHtml(response.body, contentType)
          ? 'an HTML page instead of a token answer'
          : 'an answer that is neither valid JSON nor valid XML';
    return raise(badResponse(response, what, secrets));
  }

  const fields = parsed.fields;
  if (response.status !== 200) {
    const error = oauthError(response, fields, secrets, context.grant, context.dialect);
    return raise(error ?? badResponse(response, 'an error without an OAuth error code', secrets));
  }
  // Some servers answer 200 with an error body (GitHub does for every refusal at its token endpoint).
  const embedded = oauthError(response, fields, secrets, context.grant, context.dialect);
  if (embedded !== undefined && fields['access_token'] === undefined) return raise(embedded);

  const accessToken = fields['access_token'];
  if (typeof accessToken !== 'string' || accessToken.trim() === '') {
    return raise(badResponse(response, 'an answer without an access token', [...secrets, ...stringValues(fields)]));
  }
  const rawType = asText(fields['token_type']);
  const tokenType = rawType === undefined || rawType === '' ? 'Bearer' : ((Object.hasOwn(TOKEN_TYPES, rawType.toLowerCase()) ? TOKEN_TYPES[rawType.toLowerCase()] : undefined) ?? rawType);

  const expiresIn = seconds(fields['expires_in'], 'expires_in', response);
  const jwtExp = expiresIn === null ? jwtExpiry(accessToken) : null;
  // Only where the server states no lifetime at all does the account's assumption apply.
  const assumed = expiresIn === null && jwtExp === null && context.assumeLifetimeMs !== undefined ? context.now + context.assumeLifetimeMs : null;
  const expiresAt = expiresIn !== null ? context.now + expiresIn * 1000 : (jwtExp ?? assumed);
  const expirySource = expiresIn !== null ? 'expires_in' : jwtExp !== null ? 'jwt_exp' : assumed !== null ? 'assumed' : 'unknown';

  const newRefresh = asText(fields['refresh_token']);
  // SugarCRM says refresh_expires_in; GitHub Apps and Google say refresh_token_expires_in.
  const refreshExpiresIn =
    fields['refresh_expires_in'] !== undefined
      ? seconds(fields['refresh_expires_in'], 'refresh_expires_in', response)
      : seconds(fields['refresh_token_expires_in'], 'refresh_token_expires_in', response);
  const issuedRefresh = newRefresh !== undefined && newRefresh !== '' ? newRefresh : null;
  // RFC 6749 §6: an answer without a refresh token keeps the old one, and its expiry; with none at all, a stated
  // refresh lifetime belongs to no token and is not recorded.
  const refreshToken = issuedRefresh ?? context.previous?.refreshToken ?? null;
  const refreshExpiresAt =
    refreshToken === null
      ? null
      : issuedRefresh === null
        ? (context.previous?.refreshExpiresAt ?? null)
        : refreshExpiresIn === null
          ? null
          : context.now + refreshExpiresIn * 1000;

  const extra: Fields = {};
  for (const [key, value] of Object.entries(fields)) if (!KNOWN_FIELDS.has(key)) extra[key] = value;

  return {
    accessToken,
    tokenType,
    issuedAt: context.now,
    expiresAt,
    expirySource,
    refreshToken,
    refreshExpiresAt,
    grantedScope: grantedScope(scopeField(fields['scope'], context.dialect?.scopeSeparator), context),
    requestedScope: context.requestedScope ?? context.previous?.requestedScope ?? null,
    extra,
  };
}

/**
 * RFC 6749 §5.1: an answer without `scope` grants what was requested. A refresh that requested
 * none asked, by §6, for "the scope originally granted": so that is what the new token holds, not
 * the account's wider original request.
 */
function grantedScope(stated: readonly string[] | null, context: ProcessContext): readonly string[] | null {
  if (stated !== null) return stated;
  if (context.grant === 'refresh_token' && context.requestedScope === null) return context.previous?.grantedScope ?? null;
  return null;
}

/** Fields non-OAuth error bodies commonly explain themselves in. */
const MESSAGE_FIELDS = ['error_description', 'message', 'error_message', 'detail', 'title', 'error'] as const;

/** A 4xx without an OAuth error code: `refused`, with the status and the first safe line of what it said. */
export function refused(response: TokenHttpResponse, fields: Fields | undefined, secrets: readonly string[]): GrantError {
  const said = fields === undefined ? undefined : MESSAGE_FIELDS.map((key) => asText(fields[key])).find((v) => v !== undefined && v.trim() !== '');
  const line = firstSafeLine(said ?? response.body, secrets);
  const reason = STATUS_TEXT[response.status];
  return new GrantError(
    'refused',
    `The provider refused the request (HTTP ${response.status}${reason ? ` ${reason}` : ''})${line === '' ? ' without saying why' : `: "${line}"`}.`,
    { status: response.status, ...(line === '' ? {} : { excerpt: line }) },
  );
}

const STATUS_TEXT: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  408: 'Request Timeout',
  409: 'Conflict',
  410: 'Gone',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
};

function stringValues(fields: Fields): string[] {
  return Object.values(fields).filter((v): v is string => typeof v === 'string' && v.length >= 8);
}

function raise(error: GrantError): never {
  throw error;
}
