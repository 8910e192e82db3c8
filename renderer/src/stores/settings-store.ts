// Application settings and the vault's protection status.
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { ErrorValue, Settings, VaultStatus } from '../lib/types.js';

export const useSettingsStore = defineStore('settings', () => {
  const settings = shallowRef<Settings | null>(null);
  const vault = shallowRef<VaultStatus | null>(null);
  const loaded = ref(false);
  const loadError = shallowRef<ErrorValue | null>(null);

  async function load(): Promise<void> {
    const [current, status] = await Promise.all([window.tokenry.settings(), window.tokenry.vaultStatus()]);
    if (current.ok) settings.value = current.value;
    if (status.ok) vault.value = status.value;
    loadError.value = !current.ok ? current.error : !status.ok ? status.error : null;
    loaded.value = current.ok && status.ok;
  }

  async function save(patch: Partial<Settings>) {
    const result = await window.tokenry.saveSettings(patch);
    if (result.ok) settings.value = result.value;
    return result;
  }

  return { settings, vault, loaded, loadError, load, save };
});
