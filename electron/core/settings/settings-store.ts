// Application settings: renewal lead time, clipboard timeout, loopback port; validated, stored beside the vault.
import type { z } from 'zod';
import { settingsSchema } from '../../../shared/ipc.js';
import { openDataStore, type DataStore, type StoreOpener } from '../vault/data-store.js';

export type Settings = z.infer<typeof settingsSchema>;

import { DEFAULT_LOOPBACK_PORT } from '../loopback/loopback-server.js';

export const DEFAULT_SETTINGS: Settings = {
  leadSeconds: 300,
  clipboardClearSeconds: 30,
  loopbackPort: DEFAULT_LOOPBACK_PORT,
  loopbackEnabled: true,
};

export function openSettings(dataDir: string, openStore: StoreOpener = openDataStore): Promise<DataStore<Settings>> {
  return openStore({ dataDir, name: 'settings', schema: settingsSchema, defaults: DEFAULT_SETTINGS });
}
