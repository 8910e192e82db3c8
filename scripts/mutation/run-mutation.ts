// npm run test:mutation [area...] [--report-only] [--static] [--mutate=GLOB]: runs Stryker over each core area in
// turn (stryker/areas.mjs), prints each file's and each target's mutation score, and exits non-zero when a target
// is missed. --static also runs the static mutants of areas that leave them out (slow); --mutate narrows the run
// to some files of the area (a target whose files were not mutated is then missed).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { AREA_NAMES, AREAS, reportPath, type Area, type RegionTarget, type Target } from '../../stryker/areas.mjs';
import { EQUIVALENT_MUTANTS } from '../../stryker/equivalent-mutants-list.mjs';
import {
  formatScore,
  inScope,
  isUndetected,
  meetsTarget,
  regionLines,
  scoreMutants,
  tally,
  type MutationReport,
  type ScoredMutant,
} from './mutation-score.js';

interface AreaResult {
  readonly area: string;
  readonly ok: boolean;
}

const args = process.argv.slice(2);
const reportOnly = args.includes('--report-only');
const withStatic = args.includes('--static');
const mutate = args.find((a) => a.startsWith('--mutate='))?.slice('--mutate='.length);
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

/**
 * Stryker's incremental mode reuses a survivor's result while no test that covers it was added; a static
 * mutant has no per-test coverage, so its survival would be reused forever. Dropping static survivors from
 * the incremental file makes the next run test them again (and plans a static mutant left out again).
 */
function forgetStaticSurvivors(area: string): void {
  const file = reportPath(area, 'incremental.json');
  if (!existsSync(file)) return;
  const report = JSON.parse(readFileSync(file, 'utf8')) as { files: Record<string, { mutants: Array<{ static?: boolean; status: string }> }> };
  for (const entry of Object.values(report.files)) {
    entry.mutants = entry.mutants.filter((m) => m.static !== true || m.status === 'Killed' || m.status === 'Timeout');
  }
  writeFileSync(file, JSON.stringify(report));
}

/** Runs Stryker on one area; its run time in seconds, or null when it failed. */
function runStryker(area: string): number | null {
  forgetStaticSurvivors(area);
  const started = Date.now();
  const env = withStatic ? { ...process.env, TOKENRY_MUTATION_STATIC: '1' } : process.env;
  const extra = mutate === undefined ? [] : ['--mutate', mutate];
  const run = spawnSync(process.execPath, [strykerBin, 'run', `stryker/${area}.config.mjs`, ...extra], { stdio: 'inherit', env });
  if (run.status !== 0) {
    console.error(`Stryker failed on the ${area} area (exit ${run.status ?? run.signal}).`);
    return null;
  }
  return (Date.now() - started) / 1000;
}

const isRegionTarget = (target: Target): target is RegionTarget => 'regions' in target;

function where(m: ScoredMutant): string {
  const { line, column } = m.mutant.location.start;
  const original = m.original.split('\n')[0] ?? '';
  return `${m.file}:${line}:${column} ${m.mutant.mutatorName}${m.mutant.static === true ? ' (static)' : ''}: ${original.slice(0, 80)} => ${String(m.mutant.replacement).slice(0, 80)}`;
}

/** Checks one target; lines to print and whether it was met. */
function checkTarget(target: Target, report: MutationReport, scored: readonly ScoredMutant[]): { lines: string[]; met: boolean } {
  if (isRegionTarget(target)) {
    const lines: string[] = [];
    const survivors: ScoredMutant[] = [];
    let found = true;
    for (const region of target.regions) {
      const file = Object.entries(report.files).find(([path]) => inScope(path, [region.file]))?.[1];
      const range = file === undefined ? null : regionLines(file.source, region.from, region.to);
      if (range === null) {
        found = false;
        lines.push(`  the region "${region.from}" .. "${region.to}" is not in ${region.file}: update stryker/areas.mjs`);
        continue;
      }
      survivors.push(
        ...scored.filter((m) => inScope(m.file, [region.file]) && isUndetected(m) && m.mutant.location.start.line >= range.first && m.mutant.location.start.line <= range.last),
      );
    }
    const met = found && survivors.length <= target.maxSurvivors;
    return {
      met,
      lines: [`${met ? 'ok  ' : 'FAIL'} ${target.scope}: ${survivors.length} surviving (at most ${target.maxSurvivors})`, ...lines, ...survivors.map((m) => `  survived: ${where(m)}`)],
    };
  }
  const t = tally(scored.filter((m) => inScope(m.file, target.files)));
  const met = meetsTarget(t.score, target.min);
  return { met, lines: [`${met ? 'ok  ' : 'FAIL'} ${target.scope}: ${formatScore(t.score)}% (${target.min === null ? 'no target' : `target ${target.min}%`})`] };
}

function summarize(area: string, definition: Area, seconds: number | null): AreaResult {
  const file = reportPath(area, 'json');
  if (!existsSync(file)) {
    console.error(`No report for the ${area} area at ${file}: run it first.`);
    return { area, ok: false };
  }
  const report = JSON.parse(readFileSync(file, 'utf8')) as MutationReport;
  const scored = scoreMutants(report, EQUIVALENT_MUTANTS);
  const lines = [
    `\n== ${area}${seconds === null ? '' : ` (${Math.round(seconds)} s)`}`,
    `${'file'.padEnd(50)} ${'score'.padStart(6)} ${'killed'.padStart(7)} ${'survived'.padStart(9)} ${'equivalent'.padStart(11)}`,
  ];
  for (const path of Object.keys(report.files).sort()) {
    const t = tally(scored.filter((m) => inScope(m.file, [path])));
    lines.push(`${path.padEnd(50)} ${formatScore(t.score).padStart(6)} ${String(t.detected).padStart(7)} ${String(t.undetected).padStart(9)} ${String(t.equivalent).padStart(11)}`);
  }
  const staticLeftOut = scored.filter((m) => m.status === 'Ignored' && m.mutant.static === true).length;
  if (staticLeftOut > 0) lines.push(`${staticLeftOut} static mutants were not run (npm run test:mutation ${area} -- --static runs them)`);
  let ok = true;
  for (const target of definition.targets) {
    const { lines: targetLines, met } = checkTarget(target, report, scored);
    ok &&= met;
    lines.push(...targetLines);
  }
  const mutated = definition.mutate.filter((g) => !g.startsWith('!')).map((g) => g.replace(/\*.*$/, ''));
  for (const entry of EQUIVALENT_MUTANTS.filter((e) => inScope(e.file, mutated))) {
    if (!scored.some((m) => m.equivalent === entry)) {
      lines.push(`warning: the equivalent-mutant entry "${entry.original}" => "${entry.replacement}" in ${entry.file} matched no survivor: remove or update it`);
    }
  }
  console.log(lines.join('\n'));
  return { area, ok };
}

const results: AreaResult[] = [];
for (const area of areas) {
  const definition = AREAS[area];
  if (definition === undefined) continue;
  const seconds = reportOnly ? null : runStryker(area);
  if (!reportOnly && seconds === null) {
    results.push({ area, ok: false });
    continue;
  }
  results.push(summarize(area, definition, seconds));
}

const failed = results.filter((r) => !r.ok).map((r) => r.area);
console.log(failed.length === 0 ? `\nMutation targets met: ${areas.join(', ')}` : `\nMutation targets missed: ${failed.join(', ')}`);
process.exit(failed.length === 0 ? 0 : 1);
