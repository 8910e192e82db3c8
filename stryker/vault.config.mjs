// Stryker configuration of the vault area (see stryker/areas.mjs): npm run test:mutation vault
import { strykerConfig } from './areas.mjs';

export default strykerConfig('vault');
