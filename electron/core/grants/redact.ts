// Redaction: what of a provider's words may go into an error message without leaking a secret.

const EXCERPT_LENGTH = 160;
const REDACTED = '[redacted]';

/** Values of keys that name secrets, in JSON (`"access_token": "…`), XML (`<refresh_token>…`) or forms (`password=…`). */
const SECRET_KEY = String.raw`[A-Za-z_]*(?:token|secret|password|passwd|code|assertion|key)[A-Za-z_]*`;
const JSON_SECRET = new RegExp(String.raw`("${SECRET_KEY}"\s*:\s*)"[^"]*"?`, 'gi');
const XML_SECRET = new RegExp(String.raw`(<(${SECRET_KEY})(?:\s[^>]*)?>)[^<]*`, 'gi');
const FORM_SECRET = new RegExp(String.raw`\b(${SECRET_KEY}=)[^&\s]*`, 'gi');
/** Long opaque strings look like tokens whatever their key: never echo one. */
const TOKEN_LIKE = /[A-Za-z0-9._~+/=-]{24,}/g;

/** Removes every known secret and anything that looks like one. */
export function redact(text: string, knownSecrets: readonly string[] = []): string {
  let out = text;
  // Longest first, so that a secret containing another is removed whole.
  for (const secret of [...knownSecrets].filter((s) => s.length > 0).sort((a, b) => b.length - a.length)) {
    out = out.split(secret).join(REDACTED);
  }
  return out
    .replace(JSON_SECRET, `$1"${REDACTED}"`)
    .replace(XML_SECRET, `$1${REDACTED}`)
    .replace(FORM_SECRET, `$1${REDACTED}`)
    .replace(TOKEN_LIKE, REDACTED);
}

/** A short, single-line, secret-free excerpt of a response body, HTML tags removed. */
export function safeExcerpt(body: string, knownSecrets: readonly string[] = []): string {
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(body)?.[1];
  const text = (title ?? body)
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const clean = redact(text, knownSecrets);
  return clean.length > EXCERPT_LENGTH ? `${clean.slice(0, EXCERPT_LENGTH)}…` : clean;
}

/** A provider's description, kept readable but never carrying a secret. */
export function safeDescription(description: string, knownSecrets: readonly string[]): string {
  const clean = redact(description.replace(/\s+/g, ' ').trim(), knownSecrets);
  return clean.length > 300 ? `${clean.slice(0, 300)}…` : clean;
}
