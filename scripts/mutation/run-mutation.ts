// npm run test:mutation [area...] [--report-only]: runs Stryker over each core area in turn (stryker/areas.mjs),
// prints each file's and each target's mutation score, and exits non-zero when a target is missed.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { AREA_NAMES, AREAS, reportPath } from '../../stryker/areas.mjs';
import { EQUIVALENT_MUTANTS } from '../../stryker/equivalent-mutants-list.mjs';
import { formatScore, inScope, meetsTarget, mutantsIn, tally, type MutationReport } from './mutation-score.js';

interface AreaResult {
  readonly area: string;
  readonly ok: boolean;
  readonly seconds: number | null;
}

const args = process.argv.slice(2);
const reportOnly = args.includes('--report-only');
const requested = args.filter((a) => !a.startsWith('--'));
const unknown = requested.filter((a) => !AREA_NAMES.includes(a));
if (unknown.length > 0) {
  console.error(`Unknown area ${unknown.join(', ')}: one of ${AREA_NAMES.join(', ')}`);
  process.exit(2);
}
const areas = requested.length > 0 ? requested : AREA_NAMES;

// The package exports no bin path; its package.json names it.
const strykerPackage = createRequire(import.meta.url).resolve('@stryker-mutator/core/package.json');
const strykerBin = join(dirname(strykerPackage), 'bin', 'stryker.js');

function runStryker(area: string): number | null {
  const started = Date.now();
  const run = spawnSync(process.execPath, [strykerBin, 'run', `stryker/${area}.config.mjs`], { stdio: 'inherit' });
  if (run.status !== 0) {
    console.error(`Stryker failed on the ${area} area (exit ${run.status ?? run.signal}).`);
    return null;
  }
  return (Date.now() - started) / 1000;
}

function summarize(area: string, seconds: number | null): AreaResult {
  const file = reportPath(area, 'json');
  if (!existsSync(file)) {
    console.error(`No report for the ${area} area at ${file}: run it first.`);
    return { area, ok: false, seconds };
  }
  const report = JSON.parse(readFileSync(file, 'utf8')) as MutationReport;
  const lines = [`\n== ${area}${seconds === null ? '' : ` (${Math.round(seconds)} s)`}`, 'file                                                score  killed  survived  ignored'];
  for (const [path, { mutants }] of Object.entries(report.files).sort(([a], [b]) => a.localeCompare(b))) {
    const t = tally(mutants);
    lines.push(`${path.padEnd(50)} ${formatScore(t.score).padStart(6)} ${String(t.detected).padStart(7)} ${String(t.undetected).padStart(9)} ${String(t.ignored).padStart(8)}`);
  }
  const definition = AREAS[area];
  if (definition === undefined) return { area, ok: false, seconds };
  let ok = true;
  for (const target of definition.targets) {
    const t = tally(mutantsIn(report, target.files));
    const met = meetsTarget(t.score, target.min);
    ok &&= met;
    const goal = target.min === null ? 'no target' : `target ${target.min}%`;
    lines.push(`${met ? 'ok  ' : 'FAIL'} ${target.scope}: ${formatScore(t.score)}% (${goal})`);
  }
  for (const entry of EQUIVALENT_MUTANTS) {
    if (!inScope(entry.file, definition.mutate.filter((g) => !g.startsWith('!')).map((g) => g.replace(/\*.*$/, '')))) continue;
    const used = mutantsIn(report, [entry.file]).some((m) => m.status === 'Ignored' && m.statusReason === `Equivalent: ${entry.reason}`);
    if (!used) lines.push(`warning: the equivalent-mutant entry for ${entry.file} (${entry.reason}) matched nothing: remove or update it`);
  }
  console.log(lines.join('\n'));
  return { area, ok, seconds };
}

const results: AreaResult[] = [];
for (const area of areas) {
  const seconds = reportOnly ? null : runStryker(area);
  if (!reportOnly && seconds === null) {
    results.push({ area, ok: false, seconds });
    continue;
  }
  results.push(summarize(area, seconds));
}

const failed = results.filter((r) => !r.ok).map((r) => r.area);
console.log(failed.length === 0 ? `\nMutation targets met: ${areas.join(', ')}` : `\nMutation targets missed: ${failed.join(', ')}`);
process.exit(failed.length === 0 ? 0 : 1);
