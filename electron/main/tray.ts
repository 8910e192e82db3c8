// The tray: every account with its status; a click copies a current token (or, when the account needs the
// person, opens the window). The menu is a pure template rebuilt on state events.
import { Menu, nativeImage, Tray, type MenuItemConstructorOptions, type NativeImage } from 'electron';
import { describeState, type AccountState } from '../../shared/account-state.js';
import { keyIconDataUrl, trayIconSize } from './icon.js';

export interface TrayAccount {
  readonly name: string;
  readonly providerLabel: string;
  readonly state: AccountState;
}

export interface TrayActions {
  /** Copy a current token of the account (renewed first if needed). */
  copy(name: string): void;
  /** Show the window (on the account, when given). */
  open(name?: string): void;
  quit(): void;
}

const MAX_LABEL = 70;

const shorten = (text: string): string => (text.length > MAX_LABEL ? `${text.slice(0, MAX_LABEL - 1)}…` : text);

/** Whether a tray click can get a token for the account without the person (else it opens the window). */
export function canCopy(state: AccountState): boolean {
  return state.kind !== 'signed_out' && state.kind !== 'needs_sign_in';
}

/** The menu label of an account: its name and status. */
export function accountLabel(account: TrayAccount): string {
  const status = canCopy(account.state) ? describeState(account.state) : `${describeState(account.state)}…`;
  return shorten(`${account.name} (${account.providerLabel}): ${status}`);
}

/** The tray menu for these accounts, sorted by name. Pure: the callbacks are the only effects. */
export function trayMenuTemplate(accounts: readonly TrayAccount[], actions: TrayActions): MenuItemConstructorOptions[] {
  const sorted = [...accounts].sort((a, b) => a.name.localeCompare(b.name));
  const items: MenuItemConstructorOptions[] =
    sorted.length === 0
      ? [{ label: 'No accounts yet', enabled: false }]
      : [
          { label: 'Click an account to copy its token', enabled: false },
          ...sorted.map(
            (account): MenuItemConstructorOptions => ({
              label: accountLabel(account),
              toolTip: canCopy(account.state) ? 'Copy a current access token' : 'Open Tokenry to sign in',
              click: canCopy(account.state) ? () => actions.copy(account.name) : () => actions.open(account.name),
            }),
          ),
        ];
  return [...items, { type: 'separator' }, { label: 'Open Tokenry', click: () => actions.open() }, { type: 'separator' }, { label: 'Quit Tokenry', click: () => actions.quit() }];
}

/** The tooltip: how many accounts, and how many need the person. */
export function trayTooltip(accounts: readonly TrayAccount[]): string {
  const waiting = accounts.filter((a) => !canCopy(a.state)).length;
  const count = `${accounts.length} account${accounts.length === 1 ? '' : 's'}`;
  return waiting === 0 ? `Tokenry: ${count}` : `Tokenry: ${count}, ${waiting} need${waiting === 1 ? 's' : ''} sign-in`;
}

function trayImage(platform: NodeJS.Platform): NativeImage {
  const size = trayIconSize(platform);
  const style = platform === 'darwin' ? 'template' : 'tray';
  const image = nativeImage.createEmpty();
  for (const scaleFactor of [1, 2]) image.addRepresentation({ scaleFactor, dataURL: keyIconDataUrl(size * scaleFactor, style) });
  if (platform === 'darwin') image.setTemplateImage(true);
  return image;
}

export interface TokenryTray {
  /** Rebuilds the menu soon (several state events in a row cost one rebuild). */
  refresh(): void;
  destroy(): void;
}

/** Creates the tray; `accounts` is read at every rebuild. */
export function createTray(accounts: () => readonly TrayAccount[], actions: TrayActions, platform: NodeJS.Platform = process.platform): TokenryTray {
  const tray = new Tray(trayImage(platform));
  let timer: ReturnType<typeof setTimeout> | null = null;
  const rebuild = (): void => {
    timer = null;
    if (tray.isDestroyed()) return;
    const current = accounts();
    tray.setContextMenu(Menu.buildFromTemplate(trayMenuTemplate(current, actions)));
    tray.setToolTip(trayTooltip(current));
  };
  rebuild();
  // Windows and Linux (where supported): a left click on the icon shows the menu too.
  if (platform === 'win32') tray.on('click', () => tray.popUpContextMenu());
  return {
    refresh() {
      if (timer === null) timer = setTimeout(rebuild, 100);
    },
    destroy() {
      if (timer !== null) clearTimeout(timer);
      timer = null;
      if (!tray.isDestroyed()) tray.destroy();
    },
  };
}
