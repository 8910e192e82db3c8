// Types of stryker/equivalent-mutants-list.mjs for scripts/mutation.

export interface EquivalentMutant {
  /** Path of the source file, relative to the project root. */
  readonly file: string;
  /** The exact source of the node (whitespace aside). */
  readonly code: string;
  /** Only these Stryker mutators on the node's line; all mutants inside the node when absent. */
  readonly mutators?: readonly string[];
  readonly reason: string;
}

export declare const EQUIVALENT_MUTANTS: readonly EquivalentMutant[];
