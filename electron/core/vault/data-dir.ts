// Where Tokenry keeps its data: the desktop app's user-data folder unless told otherwise.
import { homedir } from 'node:os';
import { join } from 'node:path';

export const APP_DIR_NAME = 'Tokenry';

/** The folder Electron's `app.getPath('userData')` names for Tokenry on each platform. */
export function defaultDataDir(env: Readonly<Record<string, string | undefined>> = process.env, platform = process.platform): string {
  switch (platform) {
    case 'darwin':
      return join(homedir(), 'Library', 'Application Support', APP_DIR_NAME);
    case 'win32':
      return join(env['APPDATA'] ?? join(homedir(), 'AppData', 'Roaming'), APP_DIR_NAME);
    default:
      return join(env['XDG_CONFIG_HOME'] || join(homedir(), '.config'), APP_DIR_NAME);
  }
}

/** `--data-dir`, else TOKENRY_DATA_DIR, else the desktop app's folder. */
export function resolveDataDir(flag: string | undefined, env: Readonly<Record<string, string | undefined>>): string {
  return flag ?? (env['TOKENRY_DATA_DIR'] || defaultDataDir(env));
}
