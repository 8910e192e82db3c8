// Consent for programs: a loopback client asked for an account outside its list (it got 403); the
// person answers "Allow once", "Always" or "Deny". Notification buttons where Electron has them
// (macOS); elsewhere a click on the notification opens a dialog with the same three answers.
import { dialog, Notification } from 'electron';

/** The person's answer; `deny` changes nothing (the client keeps getting 403). */
export type AccessAnswer = 'once' | 'always' | 'deny';

/** The choices in the order every prompt shows them. */
export const ACCESS_CHOICES: ReadonlyArray<{ readonly answer: AccessAnswer; readonly label: string }> = [
  { answer: 'once', label: 'Allow once' },
  { answer: 'always', label: 'Always' },
  { answer: 'deny', label: 'Deny' },
];

export function accessRequestNotice(client: string, account: string): { readonly title: string; readonly body: string } {
  return {
    title: `${client} asks for ${account}`,
    body: `The program "${client}" asked Tokenry for a token of "${account}", which its key may not use, and was refused.`,
  };
}

/** What to do with the answer: `clients:allow` once or always; nothing for deny. */
export function allowArguments(client: string, account: string, answer: AccessAnswer): readonly [string, string, { readonly once: boolean }] | null {
  return answer === 'deny' ? null : [client, account, { once: answer === 'once' }];
}

/**
 * Asks the person, and calls `decide` with the answer (not at all if they ignore the notification).
 * macOS shows the three buttons on the notification; Windows and Linux notifications have no
 * buttons in Electron, so a click opens a dialog instead.
 */
export function askForAccess(client: string, account: string, platform: NodeJS.Platform, decide: (answer: AccessAnswer) => void): void {
  const notice = accessRequestNotice(client, account);
  const viaDialog = async (): Promise<void> => {
    const { response } = await dialog.showMessageBox({
      type: 'question',
      title: notice.title,
      message: notice.title,
      detail: `${notice.body}\n\n"Allow once" lets its next request through (within 10 minutes); "Always" adds ${account} to the accounts it may use.`,
      buttons: ACCESS_CHOICES.map((c) => c.label),
      defaultId: 2,
      cancelId: 2,
      noLink: true,
    });
    decide(ACCESS_CHOICES[response]?.answer ?? 'deny');
  };
  if (!Notification.isSupported()) {
    void viaDialog();
    return;
  }
  const buttons = platform === 'darwin';
  const notification = new Notification({
    title: notice.title,
    body: buttons ? notice.body : `${notice.body} Click to answer.`,
    ...(buttons ? { actions: ACCESS_CHOICES.map((c) => ({ type: 'button' as const, text: c.label })), closeButtonText: 'Later' } : {}),
  });
  if (buttons) notification.on('action', (_event, index) => decide(ACCESS_CHOICES[index]?.answer ?? 'deny'));
  notification.on('click', () => void viaDialog());
  notification.show();
}
