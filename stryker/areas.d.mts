// Types of stryker/areas.mjs for the TypeScript that reads it (scripts/mutation, stryker/vitest).

export interface Target {
  readonly scope: string;
  /** Path prefixes relative to the project root; a folder ends with '/'. */
  readonly files: readonly string[];
  /** The mutation score to reach, in percent; null to print only. */
  readonly min: number | null;
}

export interface Area {
  readonly mutate: readonly string[];
  readonly tests: string[];
  readonly exclude?: string[];
  readonly targets: readonly Target[];
}

export declare const AREAS: Readonly<Record<string, Area>>;
export declare const AREA_NAMES: readonly string[];
export declare function reportPath(area: string, ext: string): string;
export declare function strykerConfig(area: string): Record<string, unknown>;
