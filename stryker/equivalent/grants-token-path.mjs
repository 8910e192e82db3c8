// Equivalent surviving mutants of the grants area (token-path files), each with why (see stryker/equivalent-mutants-list.mjs).

/** @type {import('../equivalent-mutants-list.d.mts').EquivalentMutant[]} */
export const EQUIVALENTS = [];
