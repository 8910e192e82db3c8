// Mutation scores from a Stryker JSON report (mutation-testing-report-schema): per file and per target scope.

export type MutantStatus = 'Killed' | 'Survived' | 'NoCoverage' | 'Timeout' | 'CompileError' | 'RuntimeError' | 'Ignored' | 'Pending';

export interface ReportMutant {
  readonly id: string;
  readonly mutatorName: string;
  readonly status: MutantStatus;
  readonly statusReason?: string;
  readonly replacement?: string;
  readonly location: { readonly start: { readonly line: number; readonly column: number } };
}

export interface MutationReport {
  readonly files: Readonly<Record<string, { readonly mutants: readonly ReportMutant[] }>>;
}

export interface Tally {
  readonly detected: number;
  readonly undetected: number;
  readonly ignored: number;
  /** Stryker's mutation score: detected / (detected + undetected), in percent; null when nothing counts. */
  readonly score: number | null;
}

/** Killed and timed-out mutants are detected; survivors and uncovered ones are not; errors and ignored ones do not count. */
export function tally(mutants: readonly ReportMutant[]): Tally {
  let detected = 0;
  let undetected = 0;
  let ignored = 0;
  for (const m of mutants) {
    if (m.status === 'Killed' || m.status === 'Timeout') detected += 1;
    else if (m.status === 'Survived' || m.status === 'NoCoverage') undetected += 1;
    else if (m.status === 'Ignored') ignored += 1;
  }
  const counted = detected + undetected;
  return { detected, undetected, ignored, score: counted === 0 ? null : (detected / counted) * 100 };
}

/** Report paths are absolute or relative to the project root; `prefix` is relative ('electron/core/grants/'). */
export function inScope(reportPath: string, prefixes: readonly string[]): boolean {
  const path = reportPath.replaceAll('\\', '/');
  return prefixes.some((prefix) => path === prefix || path.startsWith(prefix) || path.includes(`/${prefix}`));
}

export function mutantsIn(report: MutationReport, prefixes: readonly string[]): ReportMutant[] {
  return Object.entries(report.files)
    .filter(([path]) => inScope(path, prefixes))
    .flatMap(([, file]) => file.mutants);
}

/** Floors a score to one decimal, so that 89.96 is never printed as 90.0 and passed. */
export const formatScore = (score: number | null): string => (score === null ? 'n/a' : (Math.floor(score * 10) / 10).toFixed(1));

export const meetsTarget = (score: number | null, min: number | null): boolean => min === null || score === null || score >= min;
