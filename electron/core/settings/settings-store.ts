// Application settings: renewal lead time, clipboard timeout, loopback port; validated, versioned, stored beside the vault.
import { z } from 'zod';
import { settingsSchema } from '../../../shared/ipc.js';
import { DEFAULT_LOOPBACK_PORT } from '../loopback/loopback-server.js';
import { openDataStore, type DataStore, type StoreOpener } from '../vault/data-store.js';

export type Settings = z.infer<typeof settingsSchema>;

export const DEFAULT_SETTINGS: Settings = {
  leadSeconds: 300,
  clipboardClearSeconds: 30,
  loopbackPort: DEFAULT_LOOPBACK_PORT,
  loopbackEnabled: true,
};

/** settings.json's format. 2: authenticated (a `mac` beside the content, see vault/data-store.ts); 1 had none. */
export const SETTINGS_VERSION = 2;

export const settingsFileSchema = settingsSchema.extend({ version: z.literal(SETTINGS_VERSION).default(SETTINGS_VERSION) });
export type SettingsFile = z.infer<typeof settingsFileSchema>;
export const SETTINGS_FILE = 'settings';
export const DEFAULT_SETTINGS_FILE: SettingsFile = { version: SETTINGS_VERSION, ...DEFAULT_SETTINGS };

const withoutVersion = ({ version: _version, ...settings }: SettingsFile): Settings => settings;

/** The settings of a data directory; on disk they carry their format version, the rest of the program never sees it. */
export async function openSettings(dataDir: string, openStore: StoreOpener = openDataStore): Promise<DataStore<Settings>> {
  const file = await openStore<SettingsFile>({ dataDir, name: SETTINGS_FILE, schema: settingsFileSchema, defaults: DEFAULT_SETTINGS_FILE });
  let cached: { file: SettingsFile; settings: Settings } | null = null;
  const current = (): Settings => {
    const now = file.get();
    if (cached?.file !== now) cached = { file: now, settings: Object.freeze(withoutVersion(now)) };
    return cached.settings;
  };
  return {
    path: file.path,
    get: current,
    set: (next) => file.set({ version: SETTINGS_VERSION, ...next }),
    update: (change) => file.update((now) => ({ version: SETTINGS_VERSION, ...change(withoutVersion(now)) })),
  };
}
