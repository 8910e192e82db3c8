// What more than one list of equivalent mutants needs: Stryker's placeholder text, and the entries of a
// blank-body check that grants/json-answer.ts and grants/token-response.ts both make.

/** The string Stryker puts in place of a string literal. */
export const NOT_READ = 'Stryker was here!';

/**
 * The blank-body shortcuts of a file that reads an answer's body like json-answer.ts does: skipping
 * safeExcerpt() and parseBody() for a blank body changes nothing but the call.
 * @param {string} file
 * @returns {import('../equivalent-mutants-list.d.mts').EquivalentMutant[]}
 */
export const blankBodyEquivalents = (file) =>
  [
    ["response.body.trim() === ''", 'false'],
    ['response.body.trim()', 'response.body'],
    ["''", `"${NOT_READ}"`],
  ].flatMap(([original, replacement]) =>
    [
      { line: "const excerpt = response.body.trim() === '' ? '' : safeExcerpt(", reason: "safeExcerpt() of a blank body is '': the test only spares the call" },
      { line: "const parsed = response.body.trim() === '' ? undefined : parseBody(", reason: 'parseBody() of a blank body finds neither JSON nor XML: the test only spares the call' },
    ].map((at) => ({ file, original, replacement, ...at })),
  );
