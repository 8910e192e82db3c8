// npm run test:mutation [area...] [--report-only] [--recheck-static] [--static] [--mutate=GLOB]: runs Stryker over
// each core area in turn (stryker/areas.mjs), prints each file's and each target's mutation score, and exits
// non-zero when a target is missed. --static also runs the static mutants of areas that leave them out (slow);
// --mutate narrows the run to some files of the area (a target whose files were not mutated is then missed);
// --recheck-static only tests the last run's surviving static mutants again; --list lists the survivors.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
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
/** Only tests the surviving static mutants of the last run again (see recheckStaticSurvivors). */
const recheckOnly = args.includes('--recheck-static');
/** Lists every surviving mutant that no entry explains, after the scores. */
const listSurvivors = args.includes('--list');
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

type MutableReport = { files: Record<string, { mutants: Array<Record<string, unknown> & ReportMutantLike> }> };
interface ReportMutantLike {
  mutatorName: string;
  replacement?: string;
  status: string;
  static?: boolean;
  location: { start: { line: number; column: number }; end: { line: number; column: number } };
}

const mutantKey = (file: string, m: ReportMutantLike): string =>
  `${file}:${m.location.start.line}:${m.location.start.column}:${m.location.end.line}:${m.location.end.column}:${m.mutatorName}:${m.replacement ?? ''}`;

function strykerRun(config: string, env: NodeJS.ProcessEnv, extra: readonly string[] = []): boolean {
  const run = spawnSync(process.execPath, [strykerBin, 'run', config, ...extra], { stdio: 'inherit', env });
  if (run.status !== 0) console.error(`Stryker failed (${config}, exit ${run.status ?? run.signal}).`);
  return run.status === 0;
}

/**
 * Static mutants (reached while modules load) that survive a long run are tested again in a fresh Stryker
 * process that mutates only their lines: in a long run a worker may hold a module loaded before the mutant
 * was switched on, so a static mutant can survive a test that kills it. The fresh results replace theirs.
 */
function recheckStaticSurvivors(area: string, env: NodeJS.ProcessEnv): void {
  const file = reportPath(area, 'json');
  if (!existsSync(file)) return;
  const report = JSON.parse(readFileSync(file, 'utf8')) as MutableReport;
  const ranges = new Set<string>();
  for (const [path, { mutants }] of Object.entries(report.files)) {
    for (const m of mutants) {
      if (m.static === true && (m.status === 'Survived' || m.status === 'NoCoverage')) ranges.add(`${path}:${m.location.start.line}-${m.location.end.line}`);
    }
  }
  if (ranges.size === 0) return;
  console.log(`\nTesting ${ranges.size} lines with surviving static mutants again in a fresh run...`);
  const dir = mkdtempSync(join(tmpdir(), 'tokenry-mutation-'));
  const recheck = reportPath(area, 'recheck.json');
  const config = join(dir, `${area}.recheck.config.mjs`);
  const areas = pathToFileURL(resolve('stryker/areas.mjs')).href;
  writeFileSync(
    config,
    `import { strykerConfig } from ${JSON.stringify(areas)};\n` +
      `export default { ...strykerConfig(${JSON.stringify(area)}), mutate: ${JSON.stringify([...ranges])}, ignoreStatic: false, incremental: false,` +
      ` reporters: ['progress', 'json'], jsonReporter: { fileName: ${JSON.stringify(recheck)} }, tempDirName: '.stryker-tmp/${area}-recheck' };\n`,
  );
  try {
    if (!strykerRun(config, env) || !existsSync(recheck)) return;
    const fresh = JSON.parse(readFileSync(recheck, 'utf8')) as MutableReport;
    const byKey = new Map<string, Record<string, unknown> & ReportMutantLike>();
    for (const [path, { mutants }] of Object.entries(fresh.files)) for (const m of mutants) byKey.set(mutantKey(path, m), m);
    for (const [path, entry] of Object.entries(report.files)) {
      entry.mutants = entry.mutants.map((m) => {
        const again = m.static === true && (m.status === 'Survived' || m.status === 'NoCoverage') ? byKey.get(mutantKey(path, m)) : undefined;
        return again === undefined ? m : { ...m, status: again.status, statusReason: again['statusReason'], killedBy: again['killedBy'] };
      });
    }
    writeFileSync(file, JSON.stringify(report));
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(recheck, { force: true });
  }
}

/** Runs Stryker on one area; its run time in seconds, or null when it failed. */
function runStryker(area: string): number | null {
  forgetStaticSurvivors(area);
  const started = Date.now();
  const env = withStatic ? { ...process.env, TOKENRY_MUTATION_STATIC: '1' } : process.env;
  const extra = mutate === undefined ? [] : ['--mutate', mutate];
  if (!strykerRun(`stryker/${area}.config.mjs`, env, extra)) return null;
  recheckStaticSurvivors(area, env);
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
  if (listSurvivors) lines.push(...scored.filter(isUndetected).map((m) => `  survived: ${where(m)}`));
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
  if (recheckOnly) recheckStaticSurvivors(area, withStatic ? { ...process.env, TOKENRY_MUTATION_STATIC: '1' } : process.env);
  const seconds = reportOnly || recheckOnly ? null : runStryker(area);
  if (!reportOnly && !recheckOnly && seconds === null) {
    results.push({ area, ok: false });
    continue;
  }
  results.push(summarize(area, definition, seconds));
}

const failed = results.filter((r) => !r.ok).map((r) => r.area);
console.log(failed.length === 0 ? `\nMutation targets met: ${areas.join(', ')}` : `\nMutation targets missed: ${failed.join(', ')}`);
process.exit(failed.length === 0 ? 0 : 1);
