// Specifies the passphrase prompt's page and how its answers are read: escaped text, no script, validated answers.

import { describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => ({ BrowserWindow: class {} }));

const { interpretAnswer, passphrasePageHtml, READ_ANSWER_SCRIPT } = await import('../../../electron/main/passphrase-window.js');

const REQUEST = { dataDir: '/home/ada/.config/Tokenry', creating: false, warning: null, error: null };

describe('passphrasePageHtml', () => {
  it('is a static page that forbids every script and form submission', () => {
    const html = passphrasePageHtml(REQUEST);
    expect(html).toContain(`script-src 'none'`);
    expect(html).toContain(`form-action 'none'`);
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('Unlock Tokenry');
    expect(html).not.toContain('id="repeat"');
  });

  it('asks twice for a new vault and shows the warning and the error, escaped', () => {
    const html = passphrasePageHtml({ ...REQUEST, creating: true, warning: 'No keyring <b>basic_text</b>', error: `Wrong "one" & 'two'`, dataDir: '/tmp/<x>' });
    expect(html).toContain('id="repeat"');
    expect(html).toContain('Create vault');
    expect(html).toContain('No keyring &lt;b&gt;basic_text&lt;/b&gt;');
    expect(html).toContain('Wrong &quot;one&quot; &amp; &#39;two&#39;');
    expect(html).toContain('/tmp/&lt;x&gt;');
    expect(html).not.toContain('<b>');
  });

  it('is read by a script that looks only at the form fields', () => {
    expect(READ_ANSWER_SCRIPT).toContain("getElementById('unlock')");
    expect(READ_ANSWER_SCRIPT).toContain('preventDefault');
  });
});

describe('interpretAnswer', () => {
  it('returns the passphrase to try, or a cancel', () => {
    expect(interpretAnswer({ action: 'submit', passphrase: 'open sesame', repeat: null }, false)).toEqual({ kind: 'passphrase', passphrase: 'open sesame' });
    expect(interpretAnswer({ action: 'cancel' }, false)).toEqual({ kind: 'cancel' });
    expect(interpretAnswer(null, false)).toEqual({ kind: 'cancel' });
  });

  it('asks again for an empty passphrase, a short or mismatched new one', () => {
    expect(interpretAnswer({ action: 'submit', passphrase: '', repeat: null }, false)).toEqual({ kind: 'retry', problem: 'Type the passphrase.' });
    expect(interpretAnswer({ action: 'submit', passphrase: 'short', repeat: 'short' }, true)).toEqual({ kind: 'retry', problem: 'Use at least 8 characters.' });
    expect(interpretAnswer({ action: 'submit', passphrase: 'long enough', repeat: 'different!' }, true)).toEqual({ kind: 'retry', problem: 'The two passphrases differ.' });
    expect(interpretAnswer({ action: 'submit', passphrase: 'long enough', repeat: 'long enough' }, true)).toEqual({ kind: 'passphrase', passphrase: 'long enough' });
  });

  it('treats anything malformed from the page as a cancel', () => {
    expect(interpretAnswer({ action: 'submit', passphrase: 42 }, false)).toEqual({ kind: 'cancel' });
    expect(interpretAnswer({ action: 'submit', passphrase: 'x'.repeat(5000), repeat: null }, false)).toEqual({ kind: 'cancel' });
    expect(interpretAnswer('open sesame', false)).toEqual({ kind: 'cancel' });
  });
});
