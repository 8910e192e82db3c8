// Short-lived messages ("Copied", "Signed in") announced to screen readers through one live region.
import { shallowRef } from 'vue';

export interface Notice {
  readonly id: number;
  readonly text: string;
  readonly tone: 'info' | 'error';
}

export const notices = shallowRef<readonly Notice[]>([]);
let nextId = 1;

export function notify(text: string, tone: Notice['tone'] = 'info', ms = 6000): void {
  const notice: Notice = { id: nextId++, text, tone };
  // At most two at once: a third would cover the window; the newest replaces the oldest.
  notices.value = [...notices.value.slice(-1), notice];
  setTimeout(() => dismiss(notice.id), ms);
}

export function dismiss(id: number): void {
  notices.value = notices.value.filter((n) => n.id !== id);
}
