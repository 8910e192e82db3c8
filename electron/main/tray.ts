// The tray: accounts with their status; a click copies a current token (or, when the account needs the
// person, opens the window). With few accounts it lists them all; with many (1,000) it stays a menu a
// person can use: the pinned accounts, then the recently used, then "Open Tokenry…" for the rest. The
// menu is a pure template rebuilt on state events.
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

/** What the tray shows first when there are too many accounts to list. */
export interface TrayPicks {
  /** Pinned account names (the settings' pinnedAccounts). */
  readonly pinned: readonly string[];
  /** Recently used account names, most recent first. */
  readonly recent: readonly string[];
}

const MAX_LABEL = 70;
/** Up to this many accounts, the menu lists them all. */
export const TRAY_LIST_ALL = 15;
/** Recently used accounts shown beside the pinned ones. */
export const TRAY_RECENT = 8;

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

function accountItem(account: TrayAccount, actions: TrayActions): MenuItemConstructorOptions {
  return {
    label: accountLabel(account),
    toolTip: canCopy(account.state) ? 'Copy a current access token' : 'Open Tokenry to sign in',
    click: canCopy(account.state) ? () => actions.copy(account.name) : () => actions.open(account.name),
  };
}

/**
 * The tray menu. Up to TRAY_LIST_ALL accounts: all of them, by name. More: the pinned ones (by name),
 * then up to TRAY_RECENT recently used ones (most recent first), then a line saying how many more
 * there are, which opens the window. Pure: the callbacks are the only effects.
 */
export function trayMenuTemplate(accounts: readonly TrayAccount[], actions: TrayActions, picks: TrayPicks = { pinned: [], recent: [] }): MenuItemConstructorOptions[] {
  const byName = (a: TrayAccount, b: TrayAccount): number => a.name.localeCompare(b.name);
  let items: MenuItemConstructorOptions[];
  if (accounts.length === 0) {
    items = [{ label: 'No accounts yet', enabled: false }];
  } else if (accounts.length <= TRAY_LIST_ALL) {
    items = [{ label: 'Click an account to copy its token', enabled: false }, ...[...accounts].sort(byName).map((a) => accountItem(a, actions))];
  } else {
    const known = new Map(accounts.map((a) => [a.name, a]));
    const pinned = [...new Set(picks.pinned)].flatMap((n) => known.get(n) ?? []).sort(byName);
    const pinnedNames = new Set(pinned.map((a) => a.name));
    const recent = [...new Set(picks.recent)]
      .filter((n) => !pinnedNames.has(n))
      .flatMap((n) => known.get(n) ?? [])
      .slice(0, TRAY_RECENT);
    const shown = pinned.length + recent.length;
    items = [
      ...(pinned.length > 0 ? [{ label: 'Pinned', enabled: false }, ...pinned.map((a) => accountItem(a, actions))] : []),
      ...(recent.length > 0 ? [{ label: 'Recently used', enabled: false }, ...recent.map((a) => accountItem(a, actions))] : []),
      ...(shown === 0 ? [{ label: 'Pin accounts in Tokenry to list them here', enabled: false }] : []),
      { label: `${accounts.length - shown} more account${accounts.length - shown === 1 ? '' : 's'}: search in Tokenry…`, click: () => actions.open() },
    ];
  }
  return [...items, { type: 'separator' }, { label: 'Open Tokenry…', click: () => actions.open() }, { type: 'separator' }, { label: 'Quit Tokenry', click: () => actions.quit() }];
}

/** The tooltip: how many accounts, and how many need the person. */
export function trayTooltip(accounts: readonly TrayAccount[]): string {
  const waiting = accounts.filter((a) => !canCopy(a.state)).length;
  const count = `${accounts.length} account${accounts.length === 1 ? '' : 's'}`;
  return waiting === 0 ? `Tokenry: ${count}` : `Tokenry: ${count}, ${waiting} need${waiting === 1 ? 's' : ''} sign-in`;
}

/** The recently used accounts, most recent first, at most `max` (kept in memory: a tray hint, not a record). */
export function createRecentList(max = TRAY_RECENT * 2): { touch(name: string): void; names(): readonly string[] } {
  let names: string[] = [];
  return {
    touch(name) {
      names = [name, ...names.filter((n) => n !== name)].slice(0, max);
    },
    names: () => names,
  };
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

/** Creates the tray; `accounts` (and `picks`) are read at every rebuild. */
export function createTray(
  accounts: () => readonly TrayAccount[],
  actions: TrayActions,
  platform: NodeJS.Platform = process.platform,
  picks: () => TrayPicks = () => ({ pinned: [], recent: [] }),
): TokenryTray {
  const tray = new Tray(trayImage(platform));
  let timer: ReturnType<typeof setTimeout> | null = null;
  const rebuild = (): void => {
    timer = null;
    if (tray.isDestroyed()) return;
    const current = accounts();
    tray.setContextMenu(Menu.buildFromTemplate(trayMenuTemplate(current, actions, picks())));
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
