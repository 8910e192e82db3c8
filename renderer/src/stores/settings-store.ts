// Application settings, and the vault's protection: its status and changing it (passphrase, OS store).
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

  /** Runs a protection change; on success the vault status is the one the core answered. */
  async function protect(change: Promise<Awaited<ReturnType<typeof window.tokenry.vaultStatus>>>) {
    const result = await change;
    if (result.ok) vault.value = result.value;
    return result;
  }
  const changePassphrase = (current: string, next: string) => protect(window.tokenry.changePassphrase(current, next));
  const useOsStore = (currentPassphrase: string) => protect(window.tokenry.useOsStore(currentPassphrase));
  const usePassphrase = (passphrase: string) => protect(window.tokenry.usePassphrase(passphrase));

  return { settings, vault, loaded, loadError, load, save, changePassphrase, useOsStore, usePassphrase };
});
