// Mutation scores from a Stryker JSON report (mutation-testing-report-schema): per file, per target scope, and
// survivors in a region of code; survivors listed as equivalent (stryker/equivalent-mutants-list.mjs) set apart.

export type MutantStatus = 'Killed' | 'Survived' | 'NoCoverage' | 'Timeout' | 'CompileError' | 'RuntimeError' | 'Ignored' | 'Pending';

interface Position {
  readonly line: number;
  readonly column: number;
}

export interface ReportMutant {
  readonly id: string;
  readonly mutatorName: string;
  readonly status: MutantStatus;
  readonly replacement?: string;
  readonly static?: boolean;
  readonly location: { readonly start: Position; readonly end: Position };
}

export interface ReportFile {
  readonly source: string;
  readonly mutants: readonly ReportMutant[];
}

export interface MutationReport {
  readonly files: Readonly<Record<string, ReportFile>>;
}

export interface EquivalentEntry {
  readonly file: string;
  readonly line: string;
  readonly original: string;
  readonly replacement: string;
  readonly reason: string;
}

/** A mutant as scored: Stryker's status, or `Equivalent` for a survivor an entry explains. */
export interface ScoredMutant {
  readonly file: string;
  readonly mutant: ReportMutant;
  readonly status: MutantStatus | 'Equivalent';
  /** The mutated source. */
  readonly original: string;
  readonly equivalent?: EquivalentEntry;
}

export interface Tally {
  readonly detected: number;
  readonly undetected: number;
  readonly equivalent: number;
  /** Stryker's mutation score: detected / (detected + undetected), in percent; null when nothing counts. */
  readonly score: number | null;
}

const normalize = (path: string): string => path.replaceAll('\\', '/');

/** Report paths are absolute or relative to the project root; `prefix` is relative ('electron/core/grants/'). */
export function inScope(reportPath: string, prefixes: readonly string[]): boolean {
  const path = normalize(reportPath);
  return prefixes.some((prefix) => path === prefix || path.startsWith(prefix) || path.includes(`/${prefix}`));
}

/** The source text a mutant replaces. */
export function originalOf(source: string, { start, end }: ReportMutant['location']): string {
  const lines = source.split('\n');
  if (start.line === end.line) return (lines[start.line - 1] ?? '').slice(start.column - 1, end.column - 1);
  const first = (lines[start.line - 1] ?? '').slice(start.column - 1);
  const middle = lines.slice(start.line, end.line - 1);
  const last = (lines[end.line - 1] ?? '').slice(0, end.column - 1);
  return [first, ...middle, last].join('\n');
}

function matches(entry: EquivalentEntry, path: string, file: ReportFile, mutant: ReportMutant, original: string): boolean {
  if (!inScope(path, [entry.file])) return false;
  const line = file.source.split('\n')[mutant.location.start.line - 1] ?? '';
  return line.includes(entry.line) && original === entry.original && mutant.replacement === entry.replacement;
}

/** Every mutant of the report with the status it is scored by. */
export function scoreMutants(report: MutationReport, equivalents: readonly EquivalentEntry[]): ScoredMutant[] {
  return Object.entries(report.files).flatMap(([path, file]) =>
    file.mutants.map((mutant): ScoredMutant => {
      const original = originalOf(file.source, mutant.location);
      const file_ = normalize(path);
      if (mutant.status !== 'Survived' && mutant.status !== 'NoCoverage') return { file: file_, mutant, status: mutant.status, original };
      const equivalent = equivalents.find((e) => matches(e, path, file, mutant, original));
      return equivalent === undefined ? { file: file_, mutant, status: mutant.status, original } : { file: file_, mutant, status: 'Equivalent', original, equivalent };
    }),
  );
}

/** Killed and timed-out mutants are detected; survivors and uncovered ones are not; errors, ignored and equivalent ones do not count. */
export function tally(mutants: readonly ScoredMutant[]): Tally {
  let detected = 0;
  let undetected = 0;
  let equivalent = 0;
  for (const { status } of mutants) {
    if (status === 'Killed' || status === 'Timeout') detected += 1;
    else if (status === 'Survived' || status === 'NoCoverage') undetected += 1;
    else if (status === 'Equivalent') equivalent += 1;
  }
  const counted = detected + undetected;
  return { detected, undetected, equivalent, score: counted === 0 ? null : (detected / counted) * 100 };
}

export const isUndetected = (m: ScoredMutant): boolean => m.status === 'Survived' || m.status === 'NoCoverage';

/**
 * The lines of `source` from the first line containing `from` to the first line after it containing `to`
 * (1-based, inclusive), or null when either is missing.
 */
export function regionLines(source: string, from: string, to: string): { first: number; last: number } | null {
  const lines = source.split('\n');
  const first = lines.findIndex((l) => l.includes(from));
  if (first < 0) return null;
  const last = lines.findIndex((l, i) => i >= first && l.includes(to));
  return last < 0 ? null : { first: first + 1, last: last + 1 };
}

/** Floors a score to one decimal, so that 89.96 is never printed as 90.0 and passed. */
export const formatScore = (score: number | null): string => (score === null ? 'n/a' : (Math.floor(score * 10) / 10).toFixed(1));

/** No target, or a score at or above it; a target whose files gave no mutant at all is missed (a wrong path, say). */
export const meetsTarget = (score: number | null, min: number | null): boolean => min === null || (score !== null && score >= min);
