// Reading a token for a person: decoded JWT parts (never verified: display only) and extra fields with secrets masked.
import { decodeJwt, decodeProtectedHeader } from 'jose';

const SECRET_NAME = /token|secret|password|passwd|code|key|assertion/i;
export const MASK = '••••••••';

/** The header and claims of a JWT access token, or `null` when it is not one. */
export function decodeJwtParts(token: string): { header: Record<string, unknown>; claims: Record<string, unknown> } | null {
  if (token.split('.').length !== 3) return null;
  try {
    return { header: { ...decodeProtectedHeader(token) }, claims: { ...decodeJwt(token) } };
  } catch {
    return null;
  }
}

/** A copy with every value under a secret-looking name replaced by a mask, at any depth. */
export function maskSecrets(value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (SECRET_NAME.test(key)) out[key] = MASK;
    else if (typeof v === 'object' && v !== null && !Array.isArray(v)) out[key] = maskSecrets(v as Record<string, unknown>);
    else out[key] = v;
  }
  return out;
}
