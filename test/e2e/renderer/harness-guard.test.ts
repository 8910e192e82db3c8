// The web harness can see every account, so it is guarded like the loopback endpoint: loopback
// Host only, our own Origin only for the socket, and nothing answered before the per-run secret.
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ensureRendererBuilt } from '../helpers/renderer-build.js';
import { startStack, type Stack } from '../helpers/stack.js';

interface Reply {
  readonly type: string;
  readonly id?: number;
  readonly response?: { ok: boolean; value?: unknown; error?: { code: string; kind: string; message: string } };
  readonly event?: string;
}

/** A raw GET with any Host header (fetch would not let us forge one). */
function get(port: number, path: string, host: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { Host: host } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Opens a socket; resolves with the handshake's HTTP status when it is refused. */
function open(url: string, headers: Record<string, string>): Promise<WebSocket | number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
    });
    ws.once('error', reject);
  });
}

function nextMessage(ws: WebSocket): Promise<Reply> {
  return new Promise((resolve) => ws.once('message', (data) => resolve(JSON.parse(String(data)) as Reply)));
}

function closed(ws: WebSocket): Promise<number> {
  return new Promise((resolve) => ws.once('close', (code) => resolve(code)));
}

describe('web harness guards', () => {
  let stack: Stack;
  let origin: string;
  let socketUrl: string;

  beforeAll(async () => {
    await ensureRendererBuilt();
    stack = await startStack({ loopbackPort: null });
    origin = stack.harness.origin;
    socketUrl = `ws://127.0.0.1:${stack.harness.port}/ipc`;
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('serves the page with the bridge as a parser-blocking script in its head, on its own host names only', async () => {
    const page = await get(stack.harness.port, '/', `127.0.0.1:${stack.harness.port}`);
    expect(page.status).toBe(200);
    // A classic script without defer or async runs before the deferred app module, wherever it sits in the head.
    expect(page.body).toMatch(/<script src="\/web-bridge\.js"><\/script>\s*<\/head>/);
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.body).not.toContain(stack.harness.secret);
    expect((await get(stack.harness.port, '/', `localhost:${stack.harness.port}`)).status).toBe(200);
    expect((await get(stack.harness.port, '/', 'attacker.example')).status).toBe(403);
    expect((await get(stack.harness.port, '/', `attacker.example:${stack.harness.port}`)).status).toBe(403);
    expect((await get(stack.harness.port, '/web-bridge.js', `127.0.0.1:${stack.harness.port}`)).status).toBe(200);
    expect((await get(stack.harness.port, '/../package.json', `127.0.0.1:${stack.harness.port}`)).status).toBe(404);
    expect((await get(stack.harness.port, '/%2e%2e/package.json', `127.0.0.1:${stack.harness.port}`)).status).toBe(404);
  });

  it('refuses socket upgrades from another origin, without an origin, or with a foreign Host', async () => {
    expect(await open(socketUrl, { Origin: 'http://attacker.example' })).toBe(403);
    expect(await open(socketUrl, { Origin: 'null' })).toBe(403);
    expect(await open(socketUrl, {})).toBe(403);
    expect(await open(socketUrl, { Origin: origin, Host: 'attacker.example' })).toBe(403);
  });

  it('answers nothing before the secret, and closes on a wrong one', async () => {
    const early = await open(socketUrl, { Origin: origin });
    if (typeof early === 'number') throw new Error(`refused: ${early}`);
    const earlyClosed = closed(early);
    early.send(JSON.stringify({ type: 'call', id: 1, channel: 'accounts:list', args: [] }));
    expect(await earlyClosed).toBe(4401);

    const wrong = await open(socketUrl, { Origin: origin });
    if (typeof wrong === 'number') throw new Error(`refused: ${wrong}`);
    const wrongClosed = closed(wrong);
    wrong.send(JSON.stringify({ type: 'hello', secret: 'guess' }));
    expect(await wrongClosed).toBe(4401);
  });

  it('with the secret: the contract over the socket, validated by dispatch, events pushed', async () => {
    const ws = await open(socketUrl, { Origin: `http://localhost:${stack.harness.port}` });
    if (typeof ws === 'number') throw new Error(`refused: ${ws}`);
    ws.send(JSON.stringify({ type: 'hello', secret: stack.harness.secret }));
    expect((await nextMessage(ws)).type).toBe('ready');

    ws.send(JSON.stringify({ type: 'call', id: 7, channel: 'providers:list', args: [] }));
    const providers = await nextMessage(ws);
    expect(providers).toMatchObject({ type: 'result', id: 7, response: { ok: true } });

    ws.send(JSON.stringify({ type: 'call', id: 8, channel: 'accounts:add', args: [{ name: 'Bad Name!', provider: 'axosoft', extra: 1 }] }));
    expect(await nextMessage(ws)).toMatchObject({ id: 8, response: { ok: false, error: { kind: 'invalid_input' } } });

    ws.send(JSON.stringify({ type: 'call', id: 9, channel: 'shell:exec', args: [] }));
    expect(await nextMessage(ws)).toMatchObject({ id: 9, response: { ok: false, error: { code: 'unknown_channel' } } });

    // Copy cannot reach this browser's clipboard from the server: refused with a reason.
    ws.send(JSON.stringify({ type: 'call', id: 10, channel: 'tokens:copy', args: ['x'] }));
    expect(await nextMessage(ws)).toMatchObject({ id: 10, response: { ok: false, error: { code: 'clipboard_unavailable' } } });

    // A successful change is announced to every page: the result, then accounts:changed.
    const messages: Reply[] = [];
    const collected = new Promise<void>((resolve) =>
      ws.on('message', (data) => {
        messages.push(JSON.parse(String(data)) as Reply);
        if (messages.some((m) => m.event === 'accounts:changed')) resolve();
      }),
    );
    ws.send(JSON.stringify({ type: 'call', id: 11, channel: 'accounts:add', args: [{ name: 'axo', provider: 'axosoft', overrides: { baseUrl: 'https://axosoft.example' } }] }));
    await collected;
    expect(messages.find((m) => m.id === 11)).toMatchObject({ response: { ok: true, value: { name: 'axo' } } });
    ws.close();
  });
});
