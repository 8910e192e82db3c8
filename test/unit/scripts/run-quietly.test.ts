// runQuietly(): real child processes, no stdin, exit codes and the tail of their output.
import { describe, expect, it } from 'vitest';
import { runQuietly } from '../../../scripts/run-quietly.js';

const node = (script: string): string[] => [process.execPath, '-e', script];

describe('runQuietly()', () => {
  it('reports the exit code and keeps stdout and stderr', async () => {
    const run = await runQuietly(node('process.stdout.write("out\\n"); process.stderr.write("err\\n"); process.exit(3)'));
    expect(run).toEqual({ code: 3, signal: null, output: 'out\nerr\n' });
  });

  it('gives the program no standard input, so nothing can wait for a person', async () => {
    const run = await runQuietly(node('process.stdin.on("data", () => {}); process.stdin.on("end", () => process.exit(7))'));
    expect(run.code).toBe(7);
  });

  it('keeps only the last 16 KiB of a long output', async () => {
    const run = await runQuietly(node('process.stdout.write("x".repeat(100000) + "END")'));
    expect([run.output.length, run.output.endsWith('END')]).toEqual([16_384, true]);
  });

  it('says why a program that does not exist did not start', async () => {
    const run = await runQuietly(['/nonexistent/tokenry-tool']);
    expect([run.code, run.output]).toEqual([null, expect.stringContaining('ENOENT')]);
  });

  it('stops a program that outlives its time', async () => {
    const run = await runQuietly(node('setInterval(() => {}, 1000)'), { timeoutMs: 200 });
    expect(run.signal).toBe('SIGTERM');
  });
});
