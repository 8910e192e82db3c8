// Stryker configuration of the loopback area (see stryker/areas.mjs): npm run test:mutation loopback
import { strykerConfig } from './areas.mjs';

export default strykerConfig('loopback');
