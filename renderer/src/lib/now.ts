// The one clock every countdown reads: a shared `now` that ticks on each second boundary.
//
// Why this does not re-render the account list every second: only <Countdown> reads `now`, each
// through a computed text. A row never reads it, so a tick re-runs the countdowns' computeds
// (string formatting) and re-renders just the countdowns whose text changed; rows, the table
// and the screen stay untouched. Far from expiry the text moves once a minute (see formatDuration),
// so most ticks re-render nothing at all. The benchmark counts both kinds of update per tick.
import { nextTick, shallowRef, type ShallowRef } from 'vue';
import { perf } from './perf.js';

const now = shallowRef(Date.now());
let timer: ReturnType<typeof setTimeout> | null = null;

function tick(): void {
  schedule();
  if (!perf.enabled) {
    now.value = Date.now();
    return;
  }
  const rows = perf.rowUpdates;
  const countdowns = perf.countdownUpdates;
  const start = performance.now();
  now.value = Date.now();
  void nextTick(() => {
    const patched = performance.now();
    // Reading layout forces the style and layout work the patch caused, so it is counted too.
    void document.body.offsetHeight;
    perf.ticks.push({
      patchMs: patched - start,
      patchAndLayoutMs: performance.now() - start,
      rowUpdates: perf.rowUpdates - rows,
      countdownUpdates: perf.countdownUpdates - countdowns,
    });
  });
}

function schedule(): void {
  // Just past the next second boundary, so every countdown changes at the same moment.
  timer = setTimeout(tick, 1000 - (Date.now() % 1000) + 5);
}

/** The shared ticking clock (epoch ms). Started on first use; one timer for the whole app. */
export function useNow(): Readonly<ShallowRef<number>> {
  if (timer === null) schedule();
  return now;
}
