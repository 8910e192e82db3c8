// The README's quick start is two commands, and CI (.ci/run) runs its test command exactly as written.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');

/** The commands of the first sh block under "## Quick start", each without its trailing comment. */
function quickStartCommands(readme: string): string[] {
  const section = /^## Quick start\n([\s\S]*?)(?=^## )/m.exec(readme)?.[1] ?? '';
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  return block
    .split('\n')
    .map((line) => line.replace(/\s+#\s.*$/, '').trim())
    .filter((line) => line !== '');
}

/** The commands .ci/run runs at top level, without comments and blank lines. */
function ciCommands(script: string): string[] {
  return script
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

const commands = quickStartCommands(read('README.md'));
const testCommand = commands.find((c) => /\bnpm (run )?test$/.test(c));

describe("the README's quick start", () => {
  it('is exactly two commands, one to start the app and one to test, each doing its own install', () => {
    expect(commands).toEqual(['npm ci && npm start', 'npm ci && npm test']);
  });

  it('names scripts that package.json has, with the pre-test step that finds or installs the browser and keyring', () => {
    const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
    expect([scripts['start'], scripts['pretest']]).toEqual([
      'node --import tsx scripts/start/start.ts',
      'node --import tsx scripts/prerequisites/test-prerequisites.ts',
    ]);
  });
});

describe('.ci/run', () => {
  it("ends by running the README's test command, unchanged, so CI's verdict is that command's", () => {
    expect(ciCommands(read('.ci/run')).at(-1)).toBe(testCommand);
  });

  it('closes standard input first, so nothing it runs can wait for a prompt', () => {
    expect(ciCommands(read('.ci/run'))).toContain('exec </dev/null');
  });
});
