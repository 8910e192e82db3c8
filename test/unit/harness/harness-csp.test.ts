// Specifies the web harness's page policy: the renderer's own, plus the harness's socket on its port, and nothing else.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withHarnessSocket } from '../../../electron/harness/harness-csp.js';

const cspOf = (html: string): string => /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/i.exec(html)?.[1] ?? '';

describe('withHarnessSocket()', () => {
  it('adds the harness socket on its port to connect-src of the shipped page, and changes nothing else', async () => {
    const shipped = await readFile(resolve(import.meta.dirname, '../../../renderer/index.html'), 'utf8');
    const served = withHarnessSocket(shipped, 5174);
    const before = cspOf(shipped).split(';').map((d) => d.trim());
    const after = cspOf(served).split(';').map((d) => d.trim());
    expect(after.find((d) => d.startsWith('connect-src'))).toBe("connect-src 'self' ws://127.0.0.1:5174 ws://localhost:5174");
    expect(after.filter((d) => !d.startsWith('connect-src'))).toEqual(before.filter((d) => !d.startsWith('connect-src')));
    expect(served.replace(cspOf(served), '')).toBe(shipped.replace(cspOf(shipped), ''));
  });

  it('adds a connect-src when the policy has none', () => {
    const html = '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; script-src \'self\'" />';
    expect(cspOf(withHarnessSocket(html, 1))).toBe("default-src 'none'; script-src 'self'; connect-src 'self' ws://127.0.0.1:1 ws://localhost:1");
  });
});
