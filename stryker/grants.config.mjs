// Stryker configuration of the grants area (see stryker/areas.mjs): npm run test:mutation grants
import { strykerConfig } from './areas.mjs';

export default strykerConfig('grants');
