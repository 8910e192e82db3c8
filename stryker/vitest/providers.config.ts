// Vitest configuration for the providers area's mutation run: only the tests that may kill its mutants.
import { areaVitestConfig } from './area-vitest-config.js';

export default areaVitestConfig('providers');
