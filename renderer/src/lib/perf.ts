// Performance instrumentation for the renderer benchmark. Off unless the page set
// window.__TOKENRY_PERF__ before the app loaded; then it counts component updates and times ticks.

export interface TickSample {
  /** From the `now` change to Vue having patched the DOM. */
  readonly patchMs: number;
  /** The same, plus the style and layout that the patch forced. */
  readonly patchAndLayoutMs: number;
  readonly rowUpdates: number;
  readonly countdownUpdates: number;
}

export interface PerfRecorder {
  readonly enabled: boolean;
  rowUpdates: number;
  countdownUpdates: number;
  readonly ticks: TickSample[];
}

export const perf: PerfRecorder = {
  enabled: typeof window !== 'undefined' && window.__TOKENRY_PERF__ === true,
  rowUpdates: 0,
  countdownUpdates: 0,
  ticks: [],
};

if (perf.enabled) (window as unknown as { __tokenryPerf: PerfRecorder }).__tokenryPerf = perf;

/** A one-off mark (cheap; visible in the browser's performance panel). */
export function mark(name: string): void {
  if (typeof performance !== 'undefined') performance.mark(name);
}
