// Profiling aid for the renderer's first render (not part of `npm run bench`): loads the list of
// 1,000 real accounts in Chromium with a trace, and prints where the time from navigation start to
// the rows laid out went: navigation timing, each resource's fetch, and the page's main-thread tasks.
//
//   node --import tsx test/bench/renderer-profile.ts DATA_DIR [LOADS]
//
// DATA_DIR is built once (1,000 accounts signed in against the emulators) and reused by later runs.
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { passphraseProtector, TEST_SCRYPT } from '../../electron/core/vault/protectors/passphrase.js';
import { startWebHarness } from '../../electron/harness/web-harness.js';
import { launchChromium } from '../e2e/helpers/browser.js';
import type { PageGlobals } from '../e2e/helpers/page-globals.js';
import { ensureRendererBuilt, RENDERER_OUT } from '../e2e/helpers/renderer-build.js';
import { buildDataDir } from './renderer-bench.js';

interface TraceEvent {
  readonly name: string;
  readonly cat: string;
  readonly ph: string;
  readonly ts: number;
  readonly dur?: number;
  readonly pid: number;
  readonly tid: number;
  readonly args?: { readonly name?: string; readonly data?: Record<string, unknown> };
}

interface CpuProfile {
  readonly nodes: ReadonlyArray<{ readonly id: number; readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number; readonly columnNumber: number }; readonly children?: readonly number[] }>;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** Self time by function and by script, from the page's CPU profile (navigation start to laid out, roughly). */
function printProfile(profile: CpuProfile): void {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  const byUrl = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    const dt = profile.timeDeltas[i + 1] ?? 0;
    if (node === undefined) return;
    const cf = node.callFrame;
    const file = cf.url.replace(/^.*\//, '');
    const key = `${cf.functionName || '(anon)'} ${file}:${cf.lineNumber}:${cf.columnNumber}`;
    self.set(key, (self.get(key) ?? 0) + dt);
    byUrl.set(file || cf.functionName, (byUrl.get(file || cf.functionName) ?? 0) + dt);
  });
  const top = (m: Map<string, number>, n: number): string => [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, v]) => `  ${(v / 1000).toFixed(1).padStart(6)} ms ${k}`).join('\n');
  console.log(`cpu profile self time by script:\n${top(byUrl, 12)}`);
  console.log(`cpu profile self time by function:\n${top(self, 30)}`);
}

const dataDir = process.argv[2] ?? '/tmp/tokenry-profile-data';
const loads = Number(process.argv[3] ?? '3');
const traceOut = process.env['TRACE_OUT'];

await ensureRendererBuilt();
if (!existsSync(join(dataDir, 'accounts.json'))) {
  await mkdir(dataDir, { recursive: true });
  const stop = await buildDataDir(dataDir);
  await stop();
}
const harness = await startWebHarness({
  dataDir,
  port: 0,
  loopbackPort: null,
  rendererDir: RENDERER_OUT,
  protector: passphraseProtector('renderer bench', { scrypt: TEST_SCRYPT }),
});
// When the core answered the list, on the trace's clock (both are CLOCK_MONOTONIC on Linux).
const listCalls: Array<{ start: number; end: number }> = [];
const realList = harness.core.handlers['accounts:list'];
harness.core.handlers['accounts:list'] = async () => {
  const start = Number(process.hrtime.bigint() / 1000n);
  const result = await realList();
  listCalls.push({ start, end: Number(process.hrtime.bigint() / 1000n) });
  return result;
};
try {
  for (let n = 0; n < loads; n++) {
    listCalls.length = 0;
    const browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.addInitScript(() => {
      (globalThis as unknown as PageGlobals).__TOKENRY_PERF__ = true;
    });
    const page = await context.newPage();
    await browser.startTracing(page, {
      categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink.user_timing', 'v8', 'v8.execute', 'disabled-by-default-v8.compile', 'loading', 'toplevel', 'blink'],
    });
    const cdp = await context.newCDPSession(page);
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
    await cdp.send('Profiler.start');
    await page.goto(harness.url);
    await page.waitForFunction(() => performance.getEntriesByName('tokenry:accounts-laid-out').length > 0, undefined, { timeout: 30_000 });
    const timing = await page.evaluate(() => {
      // Typed by hand: the Node typecheck has no DOM lib.
      type Timing = Record<'startTime' | 'fetchStart' | 'requestStart' | 'responseStart' | 'responseEnd' | 'domInteractive' | 'domContentLoadedEventEnd' | 'transferSize', number> & { name: string };
      // No named functions inside evaluate(): tsx's keepNames would reference a helper the page lacks.
      const perf = performance as unknown as { getEntriesByType(t: string): Timing[] };
      const nav = perf.getEntriesByType('navigation')[0]!;
      const marks = performance.getEntriesByType('mark').map((m) => [m.name, m.startTime] as const);
      const resources = perf.getEntriesByType('resource').map((r) => ({
        name: r.name.replace(/^.*\//, ''),
        start: r.startTime,
        requestStart: r.requestStart,
        responseStart: r.responseStart,
        end: r.responseEnd,
        size: r.transferSize,
      }));
      return {
        nav: { fetchStart: nav.fetchStart, requestStart: nav.requestStart, responseStart: nav.responseStart, responseEnd: nav.responseEnd, domInteractive: nav.domInteractive, domContentLoaded: nav.domContentLoadedEventEnd },
        marks,
        resources,
        timeOrigin: performance.timeOrigin,
      };
    });
    const { profile } = (await cdp.send('Profiler.stop')) as unknown as { profile: CpuProfile };
    const buffer = await browser.stopTracing();
    await context.close();
    await browser.close();
    const trace = JSON.parse(buffer.toString('utf8')) as { traceEvents: TraceEvent[] };
    if (traceOut !== undefined) await writeFile(`${traceOut}-${n}.json`, buffer);
    const events = trace.traceEvents;
    printProfile(profile);
    const f = (v: number): string => v.toFixed(1).padStart(7);
    console.log(`\n=== load ${n + 1}`);
    console.log('navigation:', Object.entries(timing.nav).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', '));
    for (const [name, at] of timing.marks) console.log(`mark ${name.padEnd(32)} ${f(at)}`);
    for (const r of timing.resources) console.log(`resource ${r.name.padEnd(40)} start ${f(r.start)} req ${f(r.requestStart)} resp ${f(r.responseStart)} end ${f(r.end)} (${r.size} B)`);
    // The page's main thread: the renderer process whose thread ran our user-timing marks.
    const markEvent = events.find((e) => e.name === 'tokenry:boot');
    const navStart = events.find((e) => e.name === 'navigationStart' && (markEvent === undefined || e.pid === markEvent.pid));
    if (markEvent === undefined || navStart === undefined) {
      console.log('no tokenry:boot or navigationStart in the trace');
      continue;
    }
    const main = events.filter((e) => e.pid === markEvent.pid && e.tid === markEvent.tid);
    const t0 = navStart.ts;
    for (const e of events) {
      if (e.name.startsWith('WebSocket') || e.name === 'ResourceSendRequest' || e.name === 'ResourceFinish' || e.name.startsWith('tokenry:')) {
        const data = e.args?.data;
        console.log(`event ${((e.ts - t0) / 1000).toFixed(1).padStart(7)} ${e.name} ${data === undefined ? '' : String(data['url'] ?? '').replace(/^.*\//, '')}`);
      }
    }
    for (const c of listCalls) console.log(`core accounts:list ${((c.start - t0) / 1000).toFixed(1)} to ${((c.end - t0) / 1000).toFixed(1)}`);
    const laidOut = events.find((e) => e.name === 'tokenry:accounts-laid-out');
    const tEnd = laidOut === undefined ? Number.POSITIVE_INFINITY : laidOut.ts;
    // Top-level tasks (RunTask / ThreadControllerImpl::RunTask) on the main thread, with what they contained.
    const tasks = main.filter((e) => e.ph === 'X' && (e.name === 'RunTask' || e.name === 'ThreadControllerImpl::RunTask') && e.ts + (e.dur ?? 0) >= t0 && e.ts <= tEnd);
    let busy = 0;
    for (const task of tasks) {
      const end = task.ts + (task.dur ?? 0);
      busy += task.dur ?? 0;
      if ((task.dur ?? 0) < 2000) continue;
      const inside = main.filter((e) => e.ph === 'X' && e !== task && e.ts >= task.ts && e.ts + (e.dur ?? 0) <= end && (e.dur ?? 0) >= 1000);
      const named = inside
        .filter((e) => !['RunTask', 'ThreadControllerImpl::RunTask'].includes(e.name))
        .slice(0, 12)
        .map((e) => {
          const data = e.args?.data;
          const what = data === undefined ? '' : String(data['url'] ?? data['functionName'] ?? data['type'] ?? '').replace(/^.*\//, '').slice(0, 40);
          return `${e.name}${what === '' ? '' : `(${what})`} ${((e.dur ?? 0) / 1000).toFixed(1)}`;
        });
      console.log(`task at ${f((task.ts - t0) / 1000)} for ${f((task.dur ?? 0) / 1000)} ms: ${named.join(' | ')}`);
    }
    console.log(`main thread busy between navigation start and laid out: ${(busy / 1000).toFixed(1)} ms of ${((tEnd - t0) / 1000).toFixed(1)} ms`);
    // Whole-trace summaries by event name on the main thread in the window (self time not computed: inclusive).
    const byName = new Map<string, number>();
    for (const e of main) {
      if (e.ph !== 'X' || e.ts < t0 || e.ts > tEnd) continue;
      byName.set(e.name, (byName.get(e.name) ?? 0) + (e.dur ?? 0));
    }
    const top = [...byName.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25);
    console.log('inclusive time by event name:', top.map(([k, v]) => `${k} ${(v / 1000).toFixed(1)}`).join(', '));
  }
} finally {
  await harness.close();
}
