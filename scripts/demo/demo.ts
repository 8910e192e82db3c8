// `npm run demo`: Tokenry against the five providers' emulators, in two minutes, touching nothing of yours.
// Starts the emulators (test/fixtures/emulators, which follow the providers' documents) on 127.0.0.1,
// and the web harness over a throwaway data directory with an account at each already added; prints
// the page's address and, for each provider, the `tokenry` lines that work against it. While it runs,
// those commands go through the harness (it owns the data directory). No network beyond loopback.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { startWebHarness, type WebHarness } from '../../electron/harness/web-harness.js';
import { passphraseProtector } from '../../electron/core/vault/protectors/passphrase.js';
import { ensureRendererBuilt } from '../../test/e2e/helpers/renderer-build.js';
import {
  APPLIXURE_DEFAULTS,
  AXOSOFT_DEFAULTS,
  SAASU_DEFAULTS,
  startApplixure,
  startAxosoft,
  startSaasu,
  startSugarCrm,
  startTeamServer,
  SUGARCRM_DEFAULTS,
  TEAMSERVER_DEFAULTS,
} from '../../test/fixtures/emulators/index.js';
import { openInBrowser } from '../start/open-in-browser.js';

/** One emulated provider: how to add an account at it, and how to sign in. */
export interface DemoProvider {
  readonly name: string;
  readonly label: string;
  readonly baseUrl: string;
  readonly provider: string;
  readonly clientId?: string;
  readonly clientSecret?: string;
  readonly scope?: string;
  /** Username and password for the password grant; none for client credentials. */
  readonly user?: { readonly username: string; readonly password: string; readonly otp?: string };
  close(): Promise<void>;
}

const USAGE = `usage: npm run demo [-- --port N] [--no-open]

Starts the providers' emulators on 127.0.0.1 and the web harness over a throwaway data directory with
an account at each already added, and prints the tokenry commands that work against them.
--port: the page's port (default: any free one). --no-open: print the address, open no browser.
Ctrl+C stops everything and deletes the data directory.
`;

/** A word for a POSIX shell, quoted. */
export const shellQuote = (text: string): string => (/^[A-Za-z0-9_./:=@,+-]+$/.test(text) ? text : `'${text.replaceAll("'", "'\\''")}'`);

/** The commands that add an account at `p` and sign in to it, as a person types them (secrets on stdin, never as arguments). */
export function commandsFor(p: DemoProvider, name: string): { readonly add: string; readonly login: string } {
  const args = ['npx', 'tokenry', 'account', 'add', name, '--provider', p.provider, '--base-url', p.baseUrl];
  if (p.clientId !== undefined) args.push('--client-id', p.clientId);
  if (p.scope !== undefined) args.push('--scope', p.scope);
  const addWords = args.map(shellQuote).join(' ');
  const add = p.clientSecret === undefined ? addWords : `printf '%s' ${shellQuote(p.clientSecret)} | ${addWords} --client-secret-stdin`;
  const login =
    p.user === undefined
      ? `npx tokenry login ${name}`
      : `printf '%s' ${shellQuote(p.user.password)} | npx tokenry login ${name} --username ${shellQuote(p.user.username)} --password-stdin${p.user.otp === undefined ? '' : ` --otp ${p.user.otp}`}`;
  return { add, login };
}

/** The five emulators, each on a free port of 127.0.0.1. */
export async function startProviders(): Promise<DemoProvider[]> {
  const [axosoft, sugarcrm, teamserver, saasu, applixure] = await Promise.all([startAxosoft(), startSugarCrm(), startTeamServer(), startSaasu(), startApplixure()]);
  return [
    { name: 'axosoft', label: 'Axosoft', baseUrl: axosoft.baseUrl, provider: 'axosoft', clientId: AXOSOFT_DEFAULTS.clientId, clientSecret: AXOSOFT_DEFAULTS.clientSecret, user: AXOSOFT_DEFAULTS, close: () => axosoft.close() },
    { name: 'sugarcrm', label: 'SugarCRM', baseUrl: sugarcrm.baseUrl, provider: 'sugarcrm', clientId: SUGARCRM_DEFAULTS.clientId, clientSecret: SUGARCRM_DEFAULTS.clientSecret, user: SUGARCRM_DEFAULTS, close: () => sugarcrm.close() },
    { name: 'teamserver', label: 'ER/Studio Team Server', baseUrl: teamserver.baseUrl, provider: 'teamserver', clientId: TEAMSERVER_DEFAULTS.clientId, clientSecret: TEAMSERVER_DEFAULTS.clientSecret, user: TEAMSERVER_DEFAULTS, close: () => teamserver.close() },
    { name: 'saasu', label: 'Saasu', baseUrl: saasu.baseUrl, provider: 'saasu', user: { username: SAASU_DEFAULTS.username, password: SAASU_DEFAULTS.password }, close: () => saasu.close() },
    {
      name: 'applixure',
      label: 'Applixure',
      baseUrl: applixure.baseUrl,
      provider: 'applixure',
      clientId: APPLIXURE_DEFAULTS.clientId,
      clientSecret: APPLIXURE_DEFAULTS.clientSecret,
      scope: APPLIXURE_DEFAULTS.exampleScope,
      close: () => applixure.close(),
    },
  ];
}

export interface Demo {
  readonly harness: WebHarness;
  readonly dataDir: string;
  readonly passphrase: string;
  readonly providers: readonly DemoProvider[];
  /** What to print: the page, the environment to reuse, each provider's commands. */
  readonly text: string;
  close(): Promise<void>;
}

/** Starts everything over a fresh temporary data directory (page on `port`, 0: any free one). */
export async function startDemo(options: { readonly port: number; readonly rendererDir?: string }): Promise<Demo> {
  const dataDir = await mkdtemp(join(tmpdir(), 'tokenry-demo-'));
  const passphrase = `demo-${randomBytes(9).toString('base64url')}`;
  const providers = await startProviders();
  let harness: WebHarness;
  try {
    harness = await startWebHarness({
      dataDir,
      port: options.port,
      protector: passphraseProtector(passphrase),
      // Any free port: a Tokenry of yours may be serving on the default one.
      loopbackPort: 0,
      osStore: null,
      ...(options.rendererDir === undefined ? {} : { rendererDir: options.rendererDir }),
      log: () => undefined,
    });
  } catch (error) {
    await Promise.all(providers.map((p) => p.close()));
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  for (const p of providers) {
    const added = await harness.core.service.addAccount({
      name: p.name,
      provider: p.provider,
      overrides: { baseUrl: p.baseUrl },
      ...(p.clientId === undefined ? {} : { clientId: p.clientId }),
      ...(p.clientSecret === undefined ? {} : { clientSecret: p.clientSecret }),
      ...(p.scope === undefined ? {} : { scope: p.scope }),
    });
    if (!added.ok) throw new Error(`Could not add the ${p.label} account: ${added.error.message}`);
  }
  const lines = [
    `Tokenry demo: ${harness.url}`,
    `  (the page, with an account at each emulated provider already added; the part after #k= is its key)`,
    '',
    'In another terminal, in this folder (the commands go through the page\'s process, which owns the data):',
    `  export TOKENRY_DATA_DIR=${shellQuote(dataDir)} TOKENRY_PASSPHRASE=${shellQuote(passphrase)}`,
    '',
  ];
  for (const p of providers) {
    const own = commandsFor(p, p.name);
    const another = commandsFor(p, `my-${p.name}`);
    lines.push(`${p.label} (emulated at ${p.baseUrl}):`, `  ${own.login}`, `  npx tokenry token ${p.name}`, `  ${another.add}`, '');
  }
  const loopback = harness.loopback();
  lines.push(
    'Then, for a script:',
    `  npx tokenry exec sugarcrm -- sh -c 'echo "\${#TOKENRY_ACCESS_TOKEN} characters of token, in the environment only"'`,
    `  KEY=$(npx tokenry client add demo-script --accounts sugarcrm)`,
    `  curl -s -H "Authorization: Bearer $KEY" ${loopback?.url ?? 'http://127.0.0.1:PORT'}/v1/accounts/sugarcrm/token`,
    '',
    'Ctrl+C stops the demo and deletes its data directory.',
  );
  let closing: Promise<void> | null = null;
  return {
    harness,
    dataDir,
    passphrase,
    providers,
    text: `${lines.join('\n')}\n`,
    close() {
      closing ??= (async () => {
        await harness.close();
        await Promise.all(providers.map((p) => p.close()));
        await rm(dataDir, { recursive: true, force: true });
      })();
      return closing;
    },
  };
}

async function main(argv: readonly string[]): Promise<number> {
  let values;
  try {
    values = parseArgs({ args: [...argv], options: { port: { type: 'string', default: '0' }, 'no-open': { type: 'boolean', default: false }, help: { type: 'boolean', default: false } }, strict: true }).values;
  } catch (error) {
    process.stderr.write(`npm run demo: ${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    process.stderr.write(`npm run demo: --port takes 0 to 65535, not ${values.port}\n`);
    return 2;
  }
  process.stdout.write('Preparing the page (the renderer is built the first time)...\n');
  await ensureRendererBuilt();
  const demo = await startDemo({ port });
  process.stdout.write(demo.text);
  // The data directory goes at the end anyway, and the redirect file (never the URL on a command line) with it.
  if (!values['no-open']) await openInBrowser(demo.harness.url, { dir: demo.dataDir, env: process.env });
  return new Promise<number>((done) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      demo.close().then(
        () => done(0),
        (error: unknown) => {
          process.stderr.write(`npm run demo: closing failed: ${error instanceof Error ? error.message : String(error)}\n`);
          done(1);
        },
      );
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`npm run demo: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
