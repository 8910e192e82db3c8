// Specifies the CLI's and the harness's browser opener: http(s) only; $BROWSER, else the open package.
import { EventEmitter } from 'node:events';
import type { ChildProcess } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { isWebUrl, systemBrowser } from '../../../../electron/core/flows/system-browser.js';

function fakeSpawn(outcome: 'spawn' | 'error') {
  const calls: Array<{ command: string; args: readonly string[] }> = [];
  const spawn = (command: string, args: readonly string[]): ChildProcess => {
    calls.push({ command, args });
    const child = Object.assign(new EventEmitter(), { unref: () => undefined });
    setImmediate(() => (outcome === 'spawn' ? child.emit('spawn') : child.emit('error', new Error('ENOENT'))));
    return child as unknown as ChildProcess;
  };
  return { spawn, calls };
}

describe('systemBrowser()', () => {
  it('runs $BROWSER with the URL as its one argument, without a shell', async () => {
    const { spawn, calls } = fakeSpawn('spawn');
    await systemBrowser({ env: { BROWSER: '/usr/bin/firefox' }, spawn, open: () => Promise.reject(new Error('not this')) })('https://id.example.test/a?b=1&c=2');
    expect(calls).toEqual([{ command: '/usr/bin/firefox', args: ['https://id.example.test/a?b=1&c=2'] }]);
  });

  it('uses the open package without $BROWSER', async () => {
    const opened: string[] = [];
    await systemBrowser({ env: {}, open: async (url) => void opened.push(url) })('http://127.0.0.1:9/x');
    expect(opened).toEqual(['http://127.0.0.1:9/x']);
  });

  it('rejects when the program cannot be started', async () => {
    const { spawn } = fakeSpawn('error');
    await expect(systemBrowser({ env: { BROWSER: 'nowhere' }, spawn })('https://id.example.test/')).rejects.toThrow('ENOENT');
  });

  it.each(['file:///etc/passwd', 'javascript:alert(1)', 'https://user:pw@id.example.test/', 'not a url'])('never opens %s', async (url) => {
    const opened: string[] = [];
    await expect(systemBrowser({ env: {}, open: async (u) => void opened.push(u) })(url)).rejects.toThrow();
    expect([isWebUrl(url), opened]).toEqual([false, []]);
  });
});
