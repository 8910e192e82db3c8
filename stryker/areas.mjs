// Mutation-testing areas of the core: what each mutates, which tests may kill its mutants, and the score it must reach.
// Read by stryker/<area>.config.mjs, stryker/vitest/<area>.config.ts and scripts/mutation/run-mutation.ts.


/** @type {Record<string, Area>} */
const SERVER = 'electron/core/loopback/loopback-server.ts';

export const AREAS = {
  grants: {
    mutate: ['electron/core/grants/**/*.ts'],
    // The unit tests and the emulators' error matrix. The other integration tests (each emulator, the real OAuth
    // servers) exercise the same code end to end but cost seconds to start, for every mutant their tests reach
    // and for each of the ~370 static mutants (module-level tables and patterns), which run every test.
    tests: ['test/unit/core/grants/**/*.test.ts', 'test/integration/grants/errors.test.ts'],
    // ~370 of its mutants are static (module-level tables and patterns: redaction, refresh-failure wording, TLS
    // codes): each would rerun every grants test, ~30 s apiece on a loaded two-core machine. They are left out
    // unless asked for (npm run test:mutation grants -- --static); their tests are in the suite all the same.
    ignoreStatic: true,
    targets: [{ scope: 'grants/', files: ['electron/core/grants/'], min: 90 }],
  },
  providers: {
    mutate: ['electron/core/providers/**/*.ts'],
    tests: ['test/unit/core/providers/**/*.test.ts', 'test/unit/core/flows/**/*.test.ts'],
    targets: [{ scope: 'providers/', files: ['electron/core/providers/'], min: null }],
  },
  refresh: {
    mutate: ['electron/core/refresh/**/*.ts'],
    tests: ['test/unit/core/refresh/**/*.test.ts'],
    targets: [{ scope: 'refresh/', files: ['electron/core/refresh/'], min: 90 }],
  },
  vault: {
    mutate: ['electron/core/vault/**/*.ts'],
    // The random-kill test runs writers in child processes, which never see a mutant; the keyring test needs a
    // Secret Service session of its own.
    tests: ['test/unit/core/vault/**/*.test.ts'],
    targets: [
      { scope: 'vault/envelope', files: ['electron/core/vault/envelope.ts'], min: 90 },
      { scope: 'vault/', files: ['electron/core/vault/'], min: null },
    ],
  },
  loopback: {
    mutate: ['electron/core/loopback/**/*.ts'],
    // The CLI and browser tests run the server in child processes, which never see a mutant. The single-flight
    // test sends its hundred requests in a beforeAll, which would make every mutant on the request path "static"
    // (run against every test); loopback-server.test.ts covers that path test by test.
    tests: ['test/unit/core/loopback/**/*.test.ts', 'test/integration/loopback/loopback-server.test.ts'],
    targets: [
      { scope: 'loopback/loopback-server', files: ['electron/core/loopback/loopback-server.ts'], min: 90 },
      {
        // Whatever a request sends, only a loopback Host, no Origin, no browser and a valid key get through.
        scope: 'loopback Host/Origin/key checks',
        regions: [
          { file: SERVER, from: 'bind(port: number)', to: 'this.allowedHosts =' },
          { file: SERVER, from: 'const raw = req.rawHeaders;', to: 'if (client === null) return this.refuseAuth(' },
          { file: SERVER, from: '// RFC 6750 §3: a Bearer challenge', to: "'invalid_client_key'" },
          { file: 'electron/core/loopback/client-keys.ts', from: 'export function bearerKey(', to: "return key === '' ? null : key;" },
          { file: 'electron/core/loopback/client-store.ts', from: 'authenticate(key: string)', to: 'return entry.client;' },
        ],
        maxSurvivors: 0,
      },
      { scope: 'loopback/', files: ['electron/core/loopback/'], min: null },
    ],
  },
  flows: {
    // A glob, so that the flows being added (browser, device code) are mutated as soon as they land; index.ts
    // holds the choice of flow, not only re-exports.
    mutate: ['electron/core/flows/**/*.ts'],
    // The browser and device flows are specified against oidc-provider in test/integration/flows (their pages
    // driven by Playwright, through test/e2e/helpers, which the sandbox keeps for them).
    tests: ['test/unit/core/flows/**/*.test.ts', 'test/integration/flows/**/*.test.ts', 'test/unit/core/service/**/*.test.ts'],
    targets: [{ scope: 'flows/', files: ['electron/core/flows/'], min: null }],
  },
};

export const AREA_NAMES = Object.keys(AREAS);

/** Where an area's reports go (gitignored). */
export const reportPath = (area, ext) => `reports/mutation/${area}.${ext}`;

/**
 * The Stryker configuration of one area.
 * @param {string} area
 */
export function strykerConfig(area) {
  const definition = AREAS[area];
  if (!definition) throw new Error(`Unknown mutation area "${area}": one of ${AREA_NAMES.join(', ')}`);
  return {
    $schema: '../node_modules/@stryker-mutator/core/schema/stryker-schema.json',
    testRunner: 'vitest',
    plugins: ['@stryker-mutator/vitest-runner'],
    vitest: { configFile: `stryker/vitest/${area}.config.ts` },
    mutate: definition.mutate,
    // Each mutant runs only the tests that reached it in the first run.
    coverageAnalysis: 'perTest',
    // Static mutants (reached while modules load, or in a beforeAll) rerun every related test; an area may leave
    // them out, which TOKENRY_MUTATION_STATIC=1 (run-mutation --static) overrides.
    ignoreStatic: definition.ignoreStatic === true && process.env.TOKENRY_MUTATION_STATIC !== '1',
    // The machine has two cores shared with other work.
    concurrency: 2,
    timeoutMS: 10_000,
    timeoutFactor: 2,
    // Mutants whose code and tests did not change keep their last result (delete the file to start afresh).
    incremental: true,
    incrementalFile: reportPath(area, 'incremental.json'),
    reporters: ['progress', 'clear-text', 'json', 'html'],
    clearTextReporter: { allowColor: false, logTests: false, reportMutants: true, reportScoreTable: true },
    jsonReporter: { fileName: reportPath(area, 'json') },
    htmlReporter: { fileName: reportPath(area, 'html') },
    tempDirName: `.stryker-tmp/${area}`,
    cleanTempDir: 'always',
    // Only what the core's tests need is copied into Stryker's sandbox.
    ignorePatterns: ['/out', '/dist', '/release', '/test-results', '/reports', '/docs', '/build', '/renderer', '/.stryker-tmp', '/test/e2e', '!/test/e2e/helpers'],
    thresholds: { high: 90, low: 80, break: null },
  };
}
