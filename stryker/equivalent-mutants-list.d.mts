// Types of stryker/equivalent-mutants-list.mjs for scripts/mutation.

export interface EquivalentMutant {
  /** Path of the source file, relative to the project root. */
  readonly file: string;
  /** Text found on the mutant's first line. */
  readonly line: string;
  /** The mutated source, exactly. */
  readonly original: string;
  /** The replacement, exactly as Stryker reports it. */
  readonly replacement: string;
  readonly reason: string;
}

export declare const EQUIVALENT_MUTANTS: readonly EquivalentMutant[];
