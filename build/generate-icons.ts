// Writes the packaged app's icon (build/icon.png, 512 px) from the same drawing as the tray icon.
// Run: node --import tsx build/generate-icons.ts
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodePng, keyIconRgba } from '../electron/main/icon.js';

const SIZE = 512;
writeFileSync(join(import.meta.dirname, 'icon.png'), encodePng(keyIconRgba(SIZE, 'app'), SIZE, SIZE));
console.log(`wrote build/icon.png (${SIZE}x${SIZE})`);
