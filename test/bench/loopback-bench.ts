// Benchmark: the loopback provider serving a cached token against a bare node:http server answering the same bytes.
import { createRequire } from 'node:module';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { get, makeWorld, must, serve, type Served, type World } from '../integration/loopback/support.js';

/** The part of autocannon's programmatic API used here (the package ships no types). */
interface CannonResult {
  readonly requests: { readonly average: number; readonly total: number };
  readonly latency: { readonly p99: number; readonly average: number };
  readonly non2xx: number;
  readonly errors: number;
}
type Cannon = (options: { url: string; connections: number; duration: number; workers?: number; headers?: Record<string, string> }) => Promise<CannonResult>;

const require = createRequire(import.meta.url);
const autocannon = require('autocannon') as Cannon;

const CONNECTIONS = 10;
/** Seconds of load per server, in 1 s slices taken turn about so that both see the same background noise. */
const DURATION_S = 5;
const WARMUP_S = 1;
const TARGET_RATIO = 0.9;
const TARGET_P99_MS = 5;

interface Slice {
  readonly result: CannonResult;
  /** Main-thread (servers') busy time during the slice, in ms: the load generator runs in a worker. */
  readonly busyMs: number;
}

interface Measured {
  readonly rps: number;
  /** Servers' event-loop busy time per answered request, in µs: less sensitive than req/s to other load on the machine. */
  readonly busyUsPerRequest: number;
  /** The median of the slices' p99s, and the worst. */
  readonly p99: number;
  readonly worstP99: number;
  readonly avgMs: number;
  readonly non2xx: number;
  readonly errors: number;
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
};

function summarise(measured: readonly Slice[]): Measured {
  const slices = measured.map((m) => m.result);
  return {
    busyUsPerRequest: (measured.reduce((n, m) => n + m.busyMs, 0) * 1000) / Math.max(1, slices.reduce((n, r) => n + r.requests.total, 0)),
    rps: slices.reduce((n, r) => n + r.requests.average, 0) / slices.length,
    p99: median(slices.map((r) => r.latency.p99)),
    worstP99: Math.max(...slices.map((r) => r.latency.p99)),
    avgMs: slices.reduce((n, r) => n + r.latency.average, 0) / slices.length,
    non2xx: slices.reduce((n, r) => n + r.non2xx, 0),
    errors: slices.reduce((n, r) => n + r.errors, 0),
  };
}

async function bareServer(body: string): Promise<{ server: Server; url: string }> {
  // The same status line, headers and body as the loopback answer, written the same way.
  const length = String(Buffer.byteLength(body, 'utf8'));
  const server = createServer((_req, res) => {
    res.writeHead(200, ['Content-Type', 'application/json; charset=utf-8', 'Cache-Control', 'no-store', 'X-Content-Type-Options', 'nosniff', 'Content-Length', length]);
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/accounts/work/token` };
}

/** Runs the load generator in a worker thread, so it does not share the servers' event loop. */
async function fire(url: string, duration: number, headers: Record<string, string> = {}): Promise<Slice> {
  const before = performance.eventLoopUtilization();
  const result = await autocannon({ url, connections: CONNECTIONS, duration, workers: 1, headers });
  return { result, busyMs: performance.eventLoopUtilization(before).active };
}

/** Prints requests per second and p99 latency for both servers, their ratio and the targets. */
export async function benchLoopback(): Promise<void> {
  let world: World | undefined;
  let loopback: Served | undefined;
  let bare: Server | undefined;
  try {
    world = await makeWorld();
    // Generous audit and last-used settings are the defaults; only the auth limiter is irrelevant here.
    loopback = await serve(world);
    const key = must(await loopback.clients.addClient('bench', ['work'])).key;
    const path = '/v1/accounts/work/token';
    const sample = await get(loopback.server.port, path, { key });
    if (sample.status !== 200) throw new Error(`loopback answered ${sample.status}: ${sample.body}`);
    const started = await bareServer(sample.body);
    bare = started.server;
    const headers = { authorization: `Bearer ${key}` };
    const loopbackUrl = `${loopback.server.url}${path}`;

    // Both servers get the very same requests (the client key included) and answer the same bytes.
    await fire(started.url, WARMUP_S, headers);
    await fire(loopbackUrl, WARMUP_S, headers);
    const bareSlices: Slice[] = [];
    const loopSlices: Slice[] = [];
    for (let i = 0; i < DURATION_S; i++) {
      // ABBA order: neither server always goes first.
      const bareFirst = i % 2 === 0;
      if (bareFirst) bareSlices.push(await fire(started.url, 1, headers));
      loopSlices.push(await fire(loopbackUrl, 1, headers));
      if (!bareFirst) bareSlices.push(await fire(started.url, 1, headers));
    }
    const bareResult = summarise(bareSlices);
    const loopResult = summarise(loopSlices);

    const ratio = loopResult.rps / bareResult.rps;
    const row = (name: string, r: Measured): string =>
      `  ${name.padEnd(18)} ${r.rps.toFixed(0).padStart(8)} req/s   p99 ${r.p99} ms (worst slice ${r.worstP99} ms)   avg ${r.avgMs.toFixed(2)} ms   non-2xx ${r.non2xx}   errors ${r.errors}`;
    console.log(`loopback token provider: cached token, ${CONNECTIONS} connections, ${DURATION_S} x 1 s each (interleaved), 127.0.0.1`);
    console.log(row('bare node:http', bareResult));
    console.log(row('loopback provider', loopResult));
    console.log(`  throughput ratio   ${ratio.toFixed(3)} (target >= ${TARGET_RATIO}) ${ratio >= TARGET_RATIO ? 'ok' : 'BELOW TARGET'}`);
    console.log(`  loopback p99       ${loopResult.p99} ms (target <= ${TARGET_P99_MS} ms) ${loopResult.p99 <= TARGET_P99_MS ? 'ok' : 'ABOVE TARGET'}`);
    console.log(`  bare p99           ${bareResult.p99} ms`);
    console.log(`  event loop busy    ${bareResult.busyUsPerRequest.toFixed(1)} µs/request bare, ${loopResult.busyUsPerRequest.toFixed(1)} µs/request loopback (syscalls included)`);
    // Both servers and the load generator share this machine's CPUs: a loaded machine skews the ratio.
    console.log(`  machine            ${cpus().length} CPUs, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    const audited = (await loopback.audit.readAudit({ limit: 1 })).length;
    console.log(`  audit              ${audited > 0 ? 'written' : 'EMPTY'}, ${loopback.audit.dropped} entries dropped under load`);
  } finally {
    await new Promise<void>((resolve) => (bare ? bare.close(() => resolve()) : resolve()));
    await loopback?.close();
    await world?.close();
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await benchLoopback();
}
