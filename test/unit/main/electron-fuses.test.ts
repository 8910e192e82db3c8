// Specifies the packaged app's Electron fuses as electron-builder.yml sets them (issue 12, item 7): read from the file itself.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/** The `electronFuses:` block of electron-builder.yml: `name: true|false` lines indented under it. */
async function fuses(): Promise<Map<string, boolean>> {
  const text = await readFile(resolve(import.meta.dirname, '../../../electron-builder.yml'), 'utf8');
  const lines = text.split('\n');
  const start = lines.findIndex((l) => /^electronFuses:\s*$/.test(l));
  if (start === -1) throw new Error('electron-builder.yml has no electronFuses block');
  const found = new Map<string, boolean>();
  for (const line of lines.slice(start + 1)) {
    if (/^\S/.test(line)) break;
    const m = /^\s+([A-Za-z]+):\s*(true|false)\s*(?:#.*)?$/.exec(line);
    if (m !== null) found.set(m[1] ?? '', m[2] === 'true');
  }
  return found;
}

describe('electron-builder.yml fuses', () => {
  it('turns off the file protocol\'s extra privileges (the app loads from app://) and Node entry points, and checks the archive', async () => {
    expect(Object.fromEntries(await fuses())).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      enableCookieEncryption: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });
});
