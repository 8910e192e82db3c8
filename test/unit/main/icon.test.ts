// Specifies the drawn key icon and the small PNG encoder behind the tray, window and packaged icons.

import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { encodePng, keyDistance, keyIconDataUrl, keyIconRgba, trayIconSize } from '../../../electron/main/icon.js';

const alphaAt = (rgba: Uint8Array, size: number, x: number, y: number) => rgba[(y * size + x) * 4 + 3];

describe('keyIconRgba', () => {
  it('draws the key inside a transparent margin', () => {
    const size = 32;
    for (const style of ['template', 'tray'] as const) {
      const rgba = keyIconRgba(size, style);
      expect(rgba).toHaveLength(size * size * 4);
      expect(alphaAt(rgba, size, 0, 0)).toBe(0);
      expect(alphaAt(rgba, size, 31, 31)).toBe(0);
      // The bow's rim, left of centre, is solid.
      expect(alphaAt(rgba, size, Math.round(0.29 * size - 0.155 * size), 16)).toBe(255);
    }
    // The bow has a hole (the tray style's outline narrows it at small sizes).
    expect(alphaAt(keyIconRgba(64, 'template'), 64, Math.floor(0.29 * 64), 32)).toBe(0);
  });

  it('is black for the macOS template and light with a dark outline for the tray', () => {
    const template = keyIconRgba(64, 'template');
    const tray = keyIconRgba(64, 'tray');
    const i = (32 * 64 + 40) * 4; // on the shaft
    expect([...template.subarray(i, i + 4)]).toEqual([0, 0, 0, 255]);
    expect(tray[i]).toBeGreaterThan(200);
  });

  it('fills the app icon square and refuses silly sizes', () => {
    const app = keyIconRgba(64, 'app');
    expect(alphaAt(app, 64, 32, 8)).toBe(255);
    expect(() => keyIconRgba(4, 'app')).toThrow(RangeError);
    expect(() => keyIconRgba(10.5, 'app')).toThrow(RangeError);
  });

  it('has the key inside and the corners outside', () => {
    expect(keyDistance([0.6, 0.5])).toBeLessThan(0);
    expect(keyDistance([0.02, 0.02])).toBeGreaterThan(0);
  });
});

describe('encodePng', () => {
  it('writes a PNG whose pixels inflate back to the input', () => {
    const rgba = keyIconRgba(16, 'tray');
    const png = encodePng(rgba, 16, 16);
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(png.toString('latin1', 12, 16)).toBe('IHDR');
    expect(png.readUInt32BE(16)).toBe(16);
    expect(png.readUInt32BE(20)).toBe(16);
    // IHDR's CRC over "IHDR" + data, as computed by every PNG reader.
    expect(png.readUInt32BE(29)).toBe(crc32(png.subarray(12, 29)));
    const idatLength = png.readUInt32BE(33);
    const raw = inflateSync(png.subarray(41, 41 + idatLength));
    expect(raw).toHaveLength(16 * (16 * 4 + 1));
    expect([...raw.subarray(1, 65)]).toEqual([...rgba.subarray(0, 64)]);
    expect(png.toString('latin1', png.length - 8, png.length - 4)).toBe('IEND');
    expect(() => encodePng(rgba, 15, 16)).toThrow(RangeError);
  });

  it('makes data URLs and picks the tray size per platform', () => {
    expect(keyIconDataUrl(16, 'template')).toMatch(/^data:image\/png;base64,iVBORw0KGgo/);
    expect(trayIconSize('linux')).toBe(22);
    expect(trayIconSize('darwin')).toBe(16);
    expect(trayIconSize('win32')).toBe(16);
  });
});

/** Reference CRC-32 (bitwise, no table), independent of the one under test. */
function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of bytes) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}
