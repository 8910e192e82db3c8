// Tokenry's key icon, drawn from a signed-distance description: the tray icon at any size, the window icon,
// and (through build/generate-icons.ts) the packaged app's icon. No image assets to keep in sync.
import { deflateSync } from 'node:zlib';

/**
 * `template`: a black key with alpha only (macOS menu bar template image, recoloured by the OS).
 * `tray`: a white key with a dark outline, visible on light and dark taskbars and panels.
 * `app`: a white key on a rounded teal square.
 */
export type IconStyle = 'template' | 'tray' | 'app';

type Vec = readonly [number, number];

function box(p: Vec, center: Vec, half: Vec): number {
  const dx = Math.abs(p[0] - center[0]) - half[0];
  const dy = Math.abs(p[1] - center[1]) - half[1];
  return Math.hypot(Math.max(dx, 0), Math.max(dy, 0)) + Math.min(Math.max(dx, dy), 0);
}

function ring(p: Vec, center: Vec, radius: number, halfWidth: number): number {
  return Math.abs(Math.hypot(p[0] - center[0], p[1] - center[1]) - radius) - halfWidth;
}

/** Signed distance (unit square, negative inside) to the key: a bow ring, a shaft and two teeth. */
export function keyDistance(p: Vec): number {
  return Math.min(
    ring(p, [0.29, 0.5], 0.155, 0.075),
    box(p, [0.66, 0.5], [0.23, 0.055]),
    box(p, [0.76, 0.6], [0.04, 0.08]),
    box(p, [0.87, 0.585], [0.04, 0.065]),
  );
}

/** Signed distance to a rounded square filling the unit square (the app icon's background). */
function roundedSquare(p: Vec, margin: number, radius: number): number {
  const half = 0.5 - margin - radius;
  return box(p, [0.5, 0.5], [half, half]) - radius;
}

const clamp01 = (v: number): number => Math.min(1, Math.max(0, v));

/** Straight (not premultiplied) RGBA pixels of the icon, row by row, `size` x `size`. */
export function keyIconRgba(size: number, style: IconStyle): Uint8Array {
  if (!Number.isInteger(size) || size < 8 || size > 1024) throw new RangeError(`icon size ${size} out of range`);
  const out = new Uint8Array(size * size * 4);
  const outline = Math.max(1, size / 16);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const p: Vec = [(x + 0.5) / size, (y + 0.5) / size];
      let rgb: [number, number, number];
      let alpha: number;
      if (style === 'app') {
        const background = clamp01(0.5 - roundedSquare(p, 0.06, 0.18) * size);
        // The key is drawn at 80% around the centre.
        const key = clamp01(0.5 - (keyDistance([(p[0] - 0.5) / 0.8 + 0.5, (p[1] - 0.5) / 0.8 + 0.5]) * 0.8) * size);
        rgb = [Math.round(15 + (255 - 15) * key), Math.round(118 + (255 - 118) * key), Math.round(110 + (255 - 110) * key)];
        alpha = background;
      } else {
        const d = keyDistance(p) * size;
        const fill = clamp01(0.5 - d);
        if (style === 'template') {
          rgb = [0, 0, 0];
          alpha = fill;
        } else {
          const withOutline = clamp01(0.5 - (d - outline));
          const white = withOutline > 0 ? fill / withOutline : 0;
          const shade = Math.round(40 + (255 - 40) * white);
          rgb = [shade, shade, shade];
          alpha = withOutline;
        }
      }
      const i = (y * size + x) * 4;
      out[i] = rgb[0];
      out[i + 1] = rgb[1];
      out[i + 2] = rgb[2];
      out[i + 3] = Math.round(alpha * 255);
    }
  }
  return out;
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = (CRC_TABLE[(c ^ byte) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** A PNG (8-bit RGBA, no filtering) of straight RGBA pixels. */
export function encodePng(rgba: Uint8Array, width: number, height: number): Buffer {
  if (rgba.length !== width * height * 4) throw new RangeError('pixel data does not match the size');
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // colour type: RGBA
  const raw = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width * 4 + 1)] = 0; // filter: none
    raw.set(rgba.subarray(y * width * 4, (y + 1) * width * 4), y * (width * 4 + 1) + 1);
  }
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', header), chunk('IDAT', deflateSync(raw)), chunk('IEND', new Uint8Array(0))]);
}

/** The icon as a PNG data: URL (what nativeImage representations take). */
export function keyIconDataUrl(size: number, style: IconStyle): string {
  return `data:image/png;base64,${encodePng(keyIconRgba(size, style), size, size).toString('base64')}`;
}

/** Tray icon size in points for a platform (the @2x representation doubles it). */
export function trayIconSize(platform: NodeJS.Platform): number {
  return platform === 'linux' ? 22 : 16;
}
