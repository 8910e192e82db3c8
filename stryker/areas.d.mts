// Types of stryker/areas.mjs for the TypeScript that reads it (scripts/mutation, stryker/vitest).

/** A mutation score to reach over some files; `min` null: printed only. */
export interface ScoreTarget {
  readonly scope: string;
  /** Path prefixes relative to the project root; a folder ends with '/'. */
  readonly files: readonly string[];
  readonly min: number | null;
}

/** Lines of a file from the first containing `from` to the next containing `to`. */
export interface Region {
  readonly file: string;
  readonly from: string;
  readonly to: string;
}

/** At most `maxSurvivors` surviving mutants in these regions. */
export interface RegionTarget {
  readonly scope: string;
  readonly regions: readonly Region[];
  readonly maxSurvivors: number;
}

export type Target = ScoreTarget | RegionTarget;

export interface Area {
  readonly mutate: readonly string[];
  readonly tests: string[];
  readonly exclude?: string[];
  /** Leave static mutants out of the run (and of the score) unless TOKENRY_MUTATION_STATIC=1. */
  readonly ignoreStatic?: boolean;
  readonly targets: readonly Target[];
}

export declare const AREAS: Readonly<Record<string, Area>>;
export declare const AREA_NAMES: readonly string[];
export declare function reportPath(area: string, ext: string): string;
export declare function strykerConfig(area: string): Record<string, unknown>;
