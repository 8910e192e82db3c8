// Stryker configuration of the providers area (see stryker/areas.mjs): npm run test:mutation providers
import { strykerConfig } from './areas.mjs';

export default strykerConfig('providers');
