// `npm run bench`: every benchmark, each printing figures measured side by side in one run.
import { benchCli } from './cli-bench.js';
import { benchLoopback } from './loopback-bench.js';
import { benchRenderer } from './renderer-bench.js';
import { benchRotationCrash } from './rotation-crash-bench.js';
import { benchVault, printVaultBench } from './vault-bench.js';

const only = new Set(process.argv.slice(2));
const wanted = (name: string): boolean => only.size === 0 || only.has(name);

if (wanted('vault')) {
  console.log('\n## Vault (1,000 accounts)');
  printVaultBench(await benchVault());
}
if (wanted('crash')) {
  console.log('\n## Rotated refresh tokens under kill -9 (the loss window)');
  await benchRotationCrash();
}
if (wanted('loopback')) {
  console.log('\n## Loopback token provider (cached token, autocannon)');
  await benchLoopback();
}
if (wanted('cli')) {
  console.log('\n## The tokenry command (start-up against `node -e 0`, same run)');
  await benchCli();
}
if (wanted('renderer')) {
  console.log('\n## Renderer (1,000 and 10,000 accounts in Chromium; bundle size)');
  await benchRenderer();
}
