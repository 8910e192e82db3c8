// Crash test (issue 12, item 2): kill -9 a renewing owner at random moments after the provider rotated a refresh token,
// then count the accounts that lost theirs. The window itself (a timing target) is printed by `npm run bench`.
import { afterAll, describe, expect, it } from 'vitest';
import { lossWindow, percentile, removeCrashChild, runRotationCrashes } from '../../fixtures/rotation-crash.js';

afterAll(async () => removeCrashChild());

describe('rotated refresh tokens survive kill -9', () => {
  it('after 100 kills at random offsets (0-30 ms) after rotating answers, no token reported durable is lost and at most the renewing account loses one', async () => {
    const seed = Number(process.env['TOKENRY_CRASH_SEED'] ?? Date.now() % 2 ** 31);
    const report = await runRotationCrashes({ lanes: 2, roundsPerLane: 50, accountsPerLane: 3, maxOffsetMs: 30, seed });
    const context = `seed ${seed} (rerun with TOKENRY_CRASH_SEED=${seed})`;
    const lost = report.kills.filter((k) => k.lost !== null);
    const window = lossWindow(report.kills).map((r) => `${r.from}-${r.to} ms: ${r.lost}/${r.kills}`).join(', ');
    // Figures for the record (the target, no loss 10 ms or more after the answer, is the bench's to check).
    console.log(
      `rotation crash test: ${report.kills.length} kills, ${lost.length} refresh tokens lost (${window}); ` +
        `answer to durable in the child: p50 ${percentile(report.answerToDurableMs, 50).toFixed(2)} ms, p99 ${percentile(report.answerToDurableMs, 99).toFixed(2)} ms; ${context}`,
    );
    expect(report.violations, context).toEqual([]);
    expect(report.kills.length, context).toBe(100);
    // Every kill landed after at least one rotating answer.
    expect(report.kills.every((k) => k.offsetMs !== null), context).toBe(true);
  }, 300_000);
});
