// A flag that turns true at a given instant, from one timer, for components that must change at a
// moment (a held token running out) without reading the ticking clock every second.
import { getCurrentScope, onScopeDispose, shallowRef, watch, type Ref } from 'vue';

/** Longest delay setTimeout accepts (about 24.8 days); a later deadline is re-armed when it fires. */
const MAX_DELAY = 2 ** 31 - 1;

/** True once `at()` (epoch ms) has passed; false again when `at` moves into the future; always false for null. */
export function useDeadline(at: () => number | null): Readonly<Ref<boolean>> {
  const passed = shallowRef(false);
  let timer: ReturnType<typeof setTimeout> | null = null;
  const clear = (): void => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
  };
  const arm = (when: number | null): void => {
    clear();
    if (when === null) {
      passed.value = false;
      return;
    }
    const left = when - Date.now();
    passed.value = left <= 0;
    if (left > 0) timer = setTimeout(() => arm(when), Math.min(left, MAX_DELAY));
  };
  watch(at, arm, { immediate: true });
  if (getCurrentScope() !== undefined) onScopeDispose(clear);
  return passed;
}
