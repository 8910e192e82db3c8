// Redaction: what of a provider's words may go into an error message without leaking a secret.

const EXCERPT_LENGTH = 160;
const REDACTED = '[redacted]';
/** The patterns below are not linear on hostile input (answers may be 1 MiB): scan only this much. */
const SCAN_LENGTH = 2048;

/** Values of keys that name secrets, in JSON (`"access_token": "…`), XML (`<refresh_token>…`) or forms (`password=…`). */
const SECRET_KEY = String.raw`[A-Za-z_]*(?:token|secret|password|passwd|code|assertion|key)[A-Za-z_]*`;
const JSON_SECRET = new RegExp(String.raw`("${SECRET_KEY}"\s*:\s*)"[^"]*"?`, 'gi');
const XML_SECRET = new RegExp(String.raw`(<(${SECRET_KEY})(?:\s[^>]*)?>)[^<]*`, 'gi');
const FORM_SECRET = new RegExp(String.raw`\b(${SECRET_KEY}=)[^&\s]*`, 'gi');
/** `Authorization: Basic …` (or Bearer …) quoted in a text: the credentials always go, whatever their length. */
const AUTHORIZATION = /(\bauthorization"?\s*[:=]\s*"?)((?:basic|bearer|dpop|mac|digest|negotiate)\s+)?[^\s",;]+/gi;
/** Long opaque strings look like tokens whatever their key: never echo one. */
const TOKEN_LIKE = /[A-Za-z0-9._~+/=-]{24,}/g;
/** A URL path's segment: unreserved characters only (no `+` or `=`, which base64 tokens carry). */
const PATH_SEGMENT = /^[A-Za-z0-9._~-]*$/;

/**
 * A known secret this long is matched wherever it appears: shorter strings turn up inside
 * ordinary words ("p" in "type", "password" in `Invalid "username" or "password"`).
 */
export const MIN_SECRET_LENGTH = 12;
/** Shorter secrets with a digit or symbol are still matched, but only as a whole word. */
const MIN_WORD_SECRET_LENGTH = 6;

const XML_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** A secret as it may be echoed back: raw, JSON-escaped, form-encoded or XML-escaped (as text or attribute). */
function encodedForms(secret: string): string[] {
  return [
    secret,
    JSON.stringify(secret).slice(1, -1),
    new URLSearchParams([['', secret]]).toString().slice(1),
    secret.replace(/[&<>]/g, (c) => XML_ESCAPES[c] ?? c),
    secret.replace(/[&<>"']/g, (c) => XML_ESCAPES[c] ?? c),
  ];
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Replaces every known secret (in each of its encoded forms) by the marker: long ones anywhere,
 * shorter ones that cannot be an ordinary word (they hold a digit or symbol) only where they stand
 * alone, and the rest not at all (key patterns and the Authorization header still catch them).
 */
function removeKnown(text: string, knownSecrets: readonly string[]): string {
  let out = text;
  // Trimmed too: parsers trim values (XML), so a password with outer spaces may come back without them.
  const values = [...new Set(knownSecrets.flatMap((s) => [s, s.trim()]))];
  const anywhere = new Set(values.filter((s) => s.length >= MIN_SECRET_LENGTH).flatMap(encodedForms));
  const asWord = new Set(
    values.filter((s) => s.length >= MIN_WORD_SECRET_LENGTH && s.length < MIN_SECRET_LENGTH && /[^A-Za-z]/.test(s)).flatMap(encodedForms),
  );
  // Longest first, so that a secret containing another is removed whole.
  for (const secret of [...anywhere].sort((a, b) => b.length - a.length)) {
    out = out.split(secret).join(REDACTED);
  }
  for (const secret of [...asWord].sort((a, b) => b.length - a.length)) {
    out = out.replace(new RegExp(`(?<![A-Za-z0-9])${escapeRegExp(secret)}(?![A-Za-z0-9])`, 'g'), REDACTED);
  }
  return out;
}

/**
 * A long run of token characters, unless it is a URL path (`/rest/v10/oauth2/token`): a path
 * keeps its words and loses only a segment that is itself token-like.
 */
function redactTokenLike(run: string): string {
  if (run.startsWith('/')) {
    const segments = run.split('/');
    if (segments.every((segment) => PATH_SEGMENT.test(segment))) {
      return segments.map((segment) => (segment.length >= 24 ? REDACTED : segment)).join('/');
    }
  }
  return REDACTED;
}

/**
 * The start of a text, for the patterns to scan: known secrets are removed from the whole text
 * first, and a token-like run cut at the end is dropped, so that the cut cannot leave half of one.
 */
function head(text: string, knownSecrets: readonly string[]): string {
  const out = removeKnown(text, knownSecrets);
  if (out.length <= SCAN_LENGTH) return out;
  let end = SCAN_LENGTH;
  while (end > 0 && /[A-Za-z0-9._~+/=-]/.test(out.charAt(end - 1))) end--;
  return out.slice(0, end);
}

/** Removes every known secret and anything that looks like one. */
export function redact(text: string, knownSecrets: readonly string[] = []): string {
  return removeKnown(text, knownSecrets)
    .replace(JSON_SECRET, `$1"${REDACTED}"`)
    .replace(XML_SECRET, `$1${REDACTED}`)
    .replace(FORM_SECRET, `$1${REDACTED}`)
    .replace(AUTHORIZATION, `$1$2${REDACTED}`)
    .replace(TOKEN_LIKE, redactTokenLike);
}

/** A short, single-line, secret-free excerpt of a response body, HTML tags removed. */
export function safeExcerpt(body: string, knownSecrets: readonly string[] = []): string {
  // Secret-named elements are blanked while their tags still say what they hold: once the tags are
  // stripped below, a short token from a truncated XML answer would look like any other word.
  const start = head(body, knownSecrets).replace(XML_SECRET, `$1${REDACTED}`);
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(start)?.[1];
  const text = (title ?? start)
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const clean = redact(text, knownSecrets);
  return clean.length > EXCERPT_LENGTH ? `${clean.slice(0, EXCERPT_LENGTH)}…` : clean;
}

/** The first non-empty line of a refusal's body (tags stripped, secrets removed), for a one-line error. */
export function firstSafeLine(body: string, knownSecrets: readonly string[] = []): string {
  const start = head(body, knownSecrets).replace(XML_SECRET, `$1${REDACTED}`);
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(start)?.[1];
  const text = (title ?? start).replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ').replace(/<[^>]*>/g, '\n');
  const line = text.split(/\r?\n/).map((l) => l.replace(/\s+/g, ' ').trim()).find((l) => l !== '') ?? '';
  const clean = redact(line, knownSecrets);
  return clean.length > EXCERPT_LENGTH ? `${clean.slice(0, EXCERPT_LENGTH)}…` : clean;
}

/** A provider's description, kept readable but never carrying a secret. */
export function safeDescription(description: string, knownSecrets: readonly string[]): string {
  const clean = redact(head(description, knownSecrets).replace(/\s+/g, ' ').trim(), knownSecrets);
  return clean.length > 300 ? `${clean.slice(0, 300)}…` : clean;
}
