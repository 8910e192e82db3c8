// Specifies the desktop app's consent prompt: "deploy-script asks for crm: Allow once / Always / Deny",
// as notification buttons on macOS and as a dialog (after a click) where notifications have none.
import { beforeEach, describe, expect, it, vi } from 'vitest';

interface Shown {
  readonly options: { title: string; body: string; actions?: Array<{ type: string; text: string }> };
  readonly listeners: Map<string, (...args: unknown[]) => void>;
}
const shown: Shown[] = [];
const supported = { value: true };
const dialogAnswer = { response: 2 };
const dialogs: Array<{ buttons: string[]; message: string }> = [];
vi.mock('electron', () => ({
  Notification: class {
    static isSupported = () => supported.value;
    private readonly entry: Shown;
    constructor(options: Shown['options']) {
      this.entry = { options, listeners: new Map() };
    }
    on(name: string, listener: (...args: unknown[]) => void) {
      this.entry.listeners.set(name, listener);
    }
    show() {
      shown.push(this.entry);
    }
  },
  dialog: {
    showMessageBox: async (options: { buttons: string[]; message: string }) => {
      dialogs.push(options);
      return { response: dialogAnswer.response };
    },
  },
}));

const { accessRequestNotice, allowArguments, askForAccess } = await import('../../../electron/main/access-requests.js');

beforeEach(() => {
  shown.length = 0;
  dialogs.length = 0;
  supported.value = true;
});

const answered = () => {
  let resolve!: (answer: string) => void;
  const promise = new Promise<string>((r) => (resolve = r));
  return { promise, decide: (answer: string) => resolve(answer) };
};

describe('the consent prompt', () => {
  it('names the program and the account', () => {
    expect(accessRequestNotice('deploy-script', 'crm').title).toBe('deploy-script asks for crm');
  });

  it('turns the answer into clients:allow arguments: once, always, or nothing', () => {
    expect(allowArguments('deploy-script', 'crm', 'once')).toEqual(['deploy-script', 'crm', { once: true }]);
    expect(allowArguments('deploy-script', 'crm', 'always')).toEqual(['deploy-script', 'crm', { once: false }]);
    expect(allowArguments('deploy-script', 'crm', 'deny')).toBeNull();
  });

  it('on macOS, offers Allow once / Always / Deny as notification buttons', async () => {
    const { promise, decide } = answered();
    askForAccess('deploy-script', 'crm', 'darwin', decide);
    expect(shown[0]?.options.actions?.map((a) => a.text)).toEqual(['Allow once', 'Always', 'Deny']);
    shown[0]?.listeners.get('action')?.({}, 1);
    expect(await promise).toBe('always');
  });

  it('on Linux and Windows (no buttons), a click opens a dialog with the same three answers', async () => {
    const { promise, decide } = answered();
    dialogAnswer.response = 0;
    askForAccess('deploy-script', 'crm', 'linux', decide);
    expect(shown[0]?.options.actions).toBeUndefined();
    shown[0]?.listeners.get('click')?.();
    expect(await promise).toBe('once');
    expect(dialogs[0]?.buttons).toEqual(['Allow once', 'Always', 'Deny']);
  });

  it('without notifications, asks with the dialog at once; closing it denies', async () => {
    supported.value = false;
    dialogAnswer.response = 2;
    const { promise, decide } = answered();
    askForAccess('deploy-script', 'crm', 'linux', decide);
    expect(await promise).toBe('deny');
    expect(shown).toHaveLength(0);
  });
});
