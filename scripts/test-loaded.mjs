// `npm run test:loaded`: the whole suite while two busy loops keep both cores occupied, as a loaded CI machine would.
import { spawn } from 'node:child_process';

const LOOPS = 2;
const busy = Array.from({ length: LOOPS }, () =>
  spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }),
);
const stopLoops = () => {
  for (const child of busy) if (child.exitCode === null) child.kill('SIGKILL');
};
process.on('exit', stopLoops);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    stopLoops();
    process.exit(130);
  });
}

process.stderr.write(`test:loaded: ${LOOPS} busy loops running (pids ${busy.map((c) => c.pid).join(', ')}); running npm test\n`);
const started = Date.now();
const test = spawn(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['test'], { stdio: 'inherit' });
test.on('exit', (code, signal) => {
  stopLoops();
  process.stderr.write(`test:loaded: npm test ended (${signal ?? `exit ${code}`}) after ${Math.round((Date.now() - started) / 1000)} s under load\n`);
  process.exit(code ?? 1);
});
