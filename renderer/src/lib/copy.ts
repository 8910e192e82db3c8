// Copying a token, with a sentence saying when the clipboard clears.
import { formatTime } from './format.js';
import { notify } from './notices.js';
import type { Result } from '../../../shared/result.js';
import type { ErrorValue } from './types.js';

export async function copyToken(name: string, copy: (name: string) => Promise<Result<{ clearsAt: number | null }, ErrorValue>>): Promise<ErrorValue | null> {
  const result = await copy(name);
  if (!result.ok) {
    notify(`Could not copy the token of ${name}: ${result.error.message}`, 'error', 10_000);
    return result.error;
  }
  const { clearsAt } = result.value;
  notify(clearsAt === null ? `Copied the token of ${name}.` : `Copied the token of ${name}. The clipboard clears at ${formatTime(clearsAt)}.`);
  return null;
}
