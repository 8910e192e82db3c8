// Stryker configuration of the flows area (see stryker/areas.mjs): npm run test:mutation flows
import { strykerConfig } from './areas.mjs';

export default strykerConfig('flows');
