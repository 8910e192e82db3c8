// Live audit rows for a window: entries as the audit log records them, batched so that a flood of
// requests costs one event per interval (and at most `maxRows` rows per event), never one per request.
import type { AuditRow } from '../bridge/handlers.js';
import type { AuditEntry } from './audit-log.js';

export interface AuditForwarder {
  /** Takes one recorded entry (cheap: a push, and a timer when none is pending). */
  add(entry: AuditEntry): void;
  /** Sends what is pending now and stops. */
  close(): void;
}

/** Calls `send` with the rows recorded in the last `delayMs` (newest last), keeping only the newest `maxRows`. */
export function forwardAuditRows(send: (rows: AuditRow[]) => void, options: { delayMs?: number; maxRows?: number } = {}): AuditForwarder {
  const delayMs = options.delayMs ?? 250;
  const maxRows = options.maxRows ?? 1000;
  let pending: AuditRow[] = [];
  let timer: ReturnType<typeof setTimeout> | null = null;
  const flush = (): void => {
    timer = null;
    if (pending.length === 0) return;
    const rows = pending.slice(-maxRows);
    pending = [];
    send(rows);
  };
  return {
    add(entry) {
      pending.push({ time: Date.parse(entry.time), client: entry.client, account: entry.account, outcome: entry.outcome, status: entry.status });
      if (pending.length > maxRows * 2) pending = pending.slice(-maxRows);
      if (timer === null) {
        timer = setTimeout(flush, delayMs);
        timer.unref?.();
      }
    },
    close() {
      if (timer !== null) clearTimeout(timer);
      flush();
    },
  };
}
