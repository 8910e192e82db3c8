// The passphrase prompt: a small sandboxed window with a static form and no preload, no IPC and no page
// script. Main reads the answer by running a fixed script in an isolated world of that page.
import { BrowserWindow, type NativeImage } from 'electron';
import { z } from 'zod';
import type { AskPassphrase, PassphraseRequest } from './open-core.js';
import { newPassphraseProblem } from './vault-protection.js';
import { WINDOW_WEB_PREFERENCES } from './window-security.js';

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/** The prompt page: no script of its own (CSP script-src 'none'), nothing loaded from anywhere. */
export function passphrasePageHtml(request: PassphraseRequest): string {
  const title = request.creating ? 'Choose a vault passphrase' : 'Unlock Tokenry';
  const intro = request.creating
    ? 'Tokenry keeps your tokens in an encrypted vault. Choose the passphrase that protects it; you will type it each time Tokenry starts.'
    : 'Type the passphrase that protects your Tokenry vault.';
  const paragraph = (cls: string, text: string | null): string => (text === null ? '' : `<p class="${cls}">${escapeHtml(text)}</p>`);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'none'; style-src 'unsafe-inline'; form-action 'none'; base-uri 'none'">
<title>${escapeHtml(title)}</title>
<style>
body{font:14px system-ui,sans-serif;margin:20px;color:#1f2933;background:#fff}
h1{font-size:17px;margin:0 0 10px}p{margin:0 0 10px;line-height:1.4}
.warning{background:#fff7e6;border:1px solid #f0b429;padding:8px;border-radius:4px}
.error{color:#b42318;font-weight:600}.dir{color:#52606d;font-size:12px;word-break:break-all}
label{display:block;margin:10px 0 4px}input{width:100%;box-sizing:border-box;padding:6px;font-size:14px}
.buttons{display:flex;justify-content:flex-end;gap:8px;margin-top:16px}button{padding:6px 14px;font-size:14px}
form[aria-busy=true] button,form[aria-busy=true] input{opacity:.6}
@media (prefers-color-scheme:dark){body{background:#1f2933;color:#e4e7eb}.warning{background:#3d2e00;border-color:#8d6a00}.dir{color:#9aa5b1}}
</style></head><body>
<h1>${escapeHtml(title)}</h1>
${paragraph('warning', request.warning)}
<p>${escapeHtml(intro)}</p>
${paragraph('error', request.error)}
<form id="unlock" autocomplete="off">
<label for="passphrase">Passphrase</label><input id="passphrase" type="password" autofocus>
${request.creating ? '<label for="repeat">Repeat the passphrase</label><input id="repeat" type="password">' : ''}
<div class="buttons"><button type="button" id="cancel">Quit</button><button type="submit" id="ok">${request.creating ? 'Create vault' : 'Unlock'}</button></div>
</form>
<p class="dir">Vault: ${escapeHtml(request.dataDir)}</p>
</body></html>`;
}

/** Runs in an isolated world of the prompt page (not subject to its CSP); resolves on submit or cancel. */
export const READ_ANSWER_SCRIPT = `new Promise((resolve) => {
  const form = document.getElementById('unlock');
  const value = (id) => { const el = document.getElementById(id); return el ? el.value : null; };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    form.setAttribute('aria-busy', 'true');
    for (const el of form.querySelectorAll('input,button')) el.disabled = true;
    resolve({ action: 'submit', passphrase: value('passphrase') ?? '', repeat: value('repeat') });
  });
  document.getElementById('cancel').addEventListener('click', () => resolve({ action: 'cancel' }));
  document.addEventListener('keydown', (event) => { if (event.key === 'Escape') resolve({ action: 'cancel' }); });
  document.getElementById('passphrase').focus();
})`;

const answerSchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('submit'), passphrase: z.string().max(4000), repeat: z.string().max(4000).nullable() }),
  z.object({ action: z.literal('cancel') }),
]);

export type PromptAnswer = z.infer<typeof answerSchema>;

/** What an answer means: a passphrase to try, a problem to show and ask again, or a cancel. */
export function interpretAnswer(answer: unknown, creating: boolean): { readonly kind: 'passphrase'; readonly passphrase: string } | { readonly kind: 'retry'; readonly problem: string } | { readonly kind: 'cancel' } {
  const parsed = answerSchema.safeParse(answer);
  if (!parsed.success || parsed.data.action === 'cancel') return { kind: 'cancel' };
  const { passphrase, repeat } = parsed.data;
  if (creating) {
    const problem = newPassphraseProblem(passphrase, repeat ?? '');
    if (problem !== null) return { kind: 'retry', problem };
  } else if (passphrase === '') {
    return { kind: 'retry', problem: 'Type the passphrase.' };
  }
  return { kind: 'passphrase', passphrase };
}

/** An isolated world id of our own (Electron's preload world is 999; this window has no preload). */
const PROMPT_WORLD = 1999;

export interface PassphrasePrompt {
  readonly ask: AskPassphrase;
  close(): void;
}

/** Opens the prompt window lazily on the first question; `close` once the vault is open. */
export function createPassphrasePrompt(icon?: NativeImage): PassphrasePrompt {
  let promptWindow: BrowserWindow | null = null;
  let closed: Promise<null> = Promise.resolve(null);

  const ensureWindow = (): BrowserWindow => {
    if (promptWindow !== null && !promptWindow.isDestroyed()) return promptWindow;
    const created = new BrowserWindow({
      width: 480,
      height: 420,
      resizable: false,
      minimizable: false,
      maximizable: false,
      fullscreenable: false,
      show: false,
      title: 'Tokenry',
      autoHideMenuBar: true,
      ...(icon === undefined ? {} : { icon }),
      // No preload: this page gets no bridge and no IPC at all.
      webPreferences: { ...WINDOW_WEB_PREFERENCES, devTools: false },
    });
    closed = new Promise((resolve) => created.once('closed', () => resolve(null)));
    created.once('ready-to-show', () => created.show());
    promptWindow = created;
    return created;
  };

  const ask: AskPassphrase = async (request) => {
    let current = request;
    for (;;) {
      const win = ensureWindow();
      try {
        await win.loadURL(`data:text/html;charset=utf-8,${encodeURIComponent(passphrasePageHtml(current))}`);
      } catch (error) {
        if (win.isDestroyed()) return null; // closed by the person while loading
        throw error;
      }
      if (!win.isVisible()) win.show();
      win.focus();
      const raw: unknown = await Promise.race([
        win.webContents.executeJavaScriptInIsolatedWorld(PROMPT_WORLD, [{ code: READ_ANSWER_SCRIPT }], true).catch(() => null),
        closed,
      ]);
      const answer = interpretAnswer(raw, current.creating);
      if (answer.kind === 'cancel') return null;
      if (answer.kind === 'passphrase') return answer.passphrase;
      current = { ...current, error: answer.problem };
    }
  };

  return {
    ask,
    close() {
      if (promptWindow !== null && !promptWindow.isDestroyed()) promptWindow.destroy();
      promptWindow = null;
    },
  };
}
