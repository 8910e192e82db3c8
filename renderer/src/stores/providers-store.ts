// Provider presets: loaded once, they do not change while the app runs.
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { ErrorValue, ProviderSummary } from '../lib/types.js';

export const useProvidersStore = defineStore('providers', () => {
  const providers = shallowRef<readonly ProviderSummary[]>([]);
  const loaded = ref(false);
  const loadError = shallowRef<ErrorValue | null>(null);
  let loading: Promise<void> | null = null;

  function load(): Promise<void> {
    loading ??= (async () => {
      const result = await window.tokenry.providers();
      if (result.ok) {
        providers.value = result.value;
        loadError.value = null;
        loaded.value = true;
      } else {
        loadError.value = result.error;
        loading = null;
      }
    })();
    return loading;
  }

  const byId = (id: string): ProviderSummary | undefined => providers.value.find((p) => p.id === id);

  return { providers, loaded, loadError, load, byId };
});
