// Stryker configuration of the refresh area (see stryker/areas.mjs): npm run test:mutation refresh
import { strykerConfig } from './areas.mjs';

export default strykerConfig('refresh');
