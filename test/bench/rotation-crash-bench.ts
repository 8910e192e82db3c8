// Benchmark (issue 12, item 2): the loss window of a rotated refresh token. kill -9 a renewing owner at random offsets
// after the provider's answer and report, by offset, how many accounts lost their refresh token. Target: none 10 ms
// or more after the answer reached the process.
import { pathToFileURL } from 'node:url';
import { lossWindow, percentile, removeCrashChild, runRotationCrashes, type Kill } from '../fixtures/rotation-crash.js';

const TARGET_MS = 10;

function table(kills: readonly Kill[]): string {
  return lossWindow(kills, [0, 2, 5, 10, 20, 30, 50, 1000])
    .map((r) => `  ${`${r.from}-${Number.isFinite(r.to) ? r.to : '…'} ms`.padEnd(12)} ${String(r.lost).padStart(3)} lost of ${String(r.kills).padStart(3)} kills`)
    .join('\n');
}

/** Runs `kills` kills on one data directory at a time (no load of the bench's own beside the child) and prints the window. */
export async function benchRotationCrash(kills = 150): Promise<void> {
  const seed = Number(process.env['TOKENRY_CRASH_SEED'] ?? Date.now() % 2 ** 31);
  try {
    const report = await runRotationCrashes({ lanes: 1, roundsPerLane: kills, accountsPerLane: 3, maxOffsetMs: 40, seed });
    const lost = report.kills.filter((k) => k.lost !== null);
    const late = lost.filter((k) => (k.lossOffsetMs ?? Number.NEGATIVE_INFINITY) >= TARGET_MS);
    const widest = Math.max(...lost.map((k) => k.lossOffsetMs ?? Number.NEGATIVE_INFINITY));
    console.log(`kills: ${report.kills.length}, refresh tokens lost: ${lost.length} (seed ${seed})`);
    console.log(`after a one-shot process's first answer (cold, like \`tokenry refresh\`):\n${table(report.kills.filter((k) => k.afterAnswer === 1))}`);
    console.log(`after its second or third answer (warm, like \`tokenry serve\`):\n${table(report.kills.filter((k) => k.afterAnswer > 1))}`);
    console.log(`loss window: the latest kill that lost a token came ${Number.isFinite(widest) ? widest.toFixed(1) : '-'} ms after the answer`);
    console.log(`answer to durable (fdatasync) in the child: p50 ${percentile(report.answerToDurableMs, 50).toFixed(2)} ms, p99 ${percentile(report.answerToDurableMs, 99).toFixed(2)} ms`);
    console.log(`target (no loss ${TARGET_MS} ms or more after the answer): ${late.length === 0 ? 'met' : `NOT met (${late.length} late losses; the machine's load shows here)`}`);
    if (report.violations.length > 0) console.log(`violations: ${report.violations.join('; ')}`);
  } finally {
    await removeCrashChild();
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await benchRotationCrash(Number(process.argv[2] ?? 150));
}
