// Whether a program is installed: an executable file at a path, or found on PATH like a shell would.
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** A regular file this process may execute (on Windows, where there is no execute bit, one that exists). */
export function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Decides whether a path is an executable file; injected so discovery can be tested for other machines. */
export type IsExecutable = (path: string) => boolean;

/**
 * The first `name` in the PATH's folders (then /usr/bin and /bin, which a trimmed PATH may lack),
 * as an absolute path, or null.
 */
export function findOnPath(name: string, env: Readonly<Record<string, string | undefined>>, isExecutable: IsExecutable = isExecutableFile): string | null {
  const dirs = [...(env['PATH'] ?? '').split(delimiter).filter((dir) => dir !== ''), '/usr/bin', '/bin'];
  for (const dir of dirs) {
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return null;
}
