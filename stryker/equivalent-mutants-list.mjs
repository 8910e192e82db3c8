// Mutants no test can kill, with why: only true equivalents (wording of a message or log line, a cache whose
// removal changes nothing but speed). Every other survivor needs a test.

/** @type {{ file: string, code: string, reason: string }[]} */
export const EQUIVALENT_MUTANTS = [];
