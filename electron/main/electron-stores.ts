// The app's non-secret files through electron-store, with the same options and file format as conf under plain Node.
import ElectronStore from 'electron-store';
import { ensurePrivateDir } from '../core/vault/atomic-file.js';
import { openConfDataStore, STRICT_CONF_OPTIONS, type StoreOpener } from '../core/vault/data-store.js';

/** Opens `<dataDir>/<name>.json` with electron-store: the desktop app's StoreOpener. */
export const openElectronStore: StoreOpener = async (options) => {
  // electron-store would create a missing directory with the default mode; make it private first.
  await ensurePrivateDir(options.dataDir);
  return openConfDataStore(
    () => new ElectronStore<Record<string, unknown>>({ ...STRICT_CONF_OPTIONS, cwd: options.dataDir, name: options.name, fileExtension: 'json' }),
    options,
  );
};
