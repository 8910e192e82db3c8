// Specifies the tray: each account with its status, a click copies (or opens the window when the person is needed).

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AccountState } from '../../../shared/account-state.js';

const trays: FakeTray[] = [];
class FakeTray {
  menu: unknown = null;
  tooltip = '';
  destroyed = false;
  readonly listeners = new Map<string, () => void>();
  constructor(readonly image: unknown) {
    trays.push(this);
  }
  setContextMenu(menu: unknown) {
    this.menu = menu;
  }
  setToolTip(text: string) {
    this.tooltip = text;
  }
  on(name: string, listener: () => void) {
    this.listeners.set(name, listener);
  }
  popUpContextMenu = vi.fn();
  isDestroyed() {
    return this.destroyed;
  }
  destroy() {
    this.destroyed = true;
  }
}
const image = { representations: [] as unknown[], template: false };
vi.mock('electron', () => ({
  Tray: FakeTray,
  Menu: { buildFromTemplate: vi.fn((template: unknown[]) => ({ template })) },
  nativeImage: {
    createEmpty: () => ({
      addRepresentation: (rep: unknown) => image.representations.push(rep),
      setTemplateImage: (flag: boolean) => (image.template = flag),
    }),
  },
}));

const { accountLabel, canCopy, createRecentList, createTray, TRAY_LIST_ALL, TRAY_RECENT, trayMenuTemplate, trayTooltip } = await import('../../../electron/main/tray.js');
type Account = Parameters<typeof trayMenuTemplate>[0][number];

const account = (name: string, state: AccountState, providerLabel = 'SugarCRM'): Account => ({ name, providerLabel, state });
const actions = () => ({ copy: vi.fn(), open: vi.fn(), quit: vi.fn() });

describe('canCopy and accountLabel', () => {
  it('copies whenever the core may get a token without the person', () => {
    const copyable: AccountState[] = [
      { kind: 'valid', expiresAt: null },
      { kind: 'expiring', expiresAt: 1 },
      { kind: 'refreshing', expiresAt: 1 },
      { kind: 'expired', expiresAt: 1 },
      { kind: 'error', error: { code: 'unavailable', kind: 'unavailable', message: 'HTTP 503' }, retryAt: null },
    ];
    for (const state of copyable) expect(canCopy(state), state.kind).toBe(true);
    expect(canCopy({ kind: 'signed_out' })).toBe(false);
    expect(canCopy({ kind: 'needs_sign_in', reason: 'x' })).toBe(false);
  });

  it('shows name, provider and status, with an ellipsis where the person must act', () => {
    expect(accountLabel(account('work', { kind: 'valid', expiresAt: 1 }))).toBe('work (SugarCRM): valid');
    expect(accountLabel(account('home', { kind: 'needs_sign_in', reason: 'x' }, 'Saasu'))).toBe('home (Saasu): needs sign-in…');
    const long = accountLabel(account('w', { kind: 'error', error: { code: 'x', kind: 'network', message: 'a'.repeat(200) }, retryAt: null }));
    expect(long.length).toBeLessThanOrEqual(70);
    expect(long.endsWith('…')).toBe(true);
  });
});

describe('trayMenuTemplate', () => {
  it('lists the accounts by name; a click copies, or opens the window for sign-in', () => {
    const a = actions();
    const template = trayMenuTemplate(
      [account('work', { kind: 'valid', expiresAt: 1 }), account('alpha', { kind: 'needs_sign_in', reason: 'expired' })],
      a,
    );
    expect(template.map((item) => item.label ?? item.type)).toEqual([
      'Click an account to copy its token',
      'alpha (SugarCRM): needs sign-in…',
      'work (SugarCRM): valid',
      'separator',
      'Open Tokenry…',
      'separator',
      'Quit Tokenry',
    ]);
    const click = (index: number) => (template[index]?.click as unknown as () => void)();
    click(2);
    expect(a.copy).toHaveBeenCalledWith('work');
    click(1);
    expect(a.open).toHaveBeenCalledWith('alpha');
    expect(a.copy).toHaveBeenCalledTimes(1);
    click(4);
    click(6);
    expect(a.quit).toHaveBeenCalled();
  });

  it('says so when there are no accounts', () => {
    const template = trayMenuTemplate([], actions());
    expect(template[0]).toEqual({ label: 'No accounts yet', enabled: false });
    expect(template.at(-1)?.label).toBe('Quit Tokenry');
  });
});

describe('trayMenuTemplate with 1,000 accounts', () => {
  const many = Array.from({ length: 1000 }, (_, i) => account(`acct-${String(i).padStart(4, '0')}`, { kind: 'valid', expiresAt: 1 }));

  it('lists the pinned accounts, then the recently used, then one line for the rest', () => {
    const a = actions();
    const template = trayMenuTemplate(many, a, { pinned: ['acct-0500', 'acct-0007', 'gone'], recent: ['acct-0999', 'acct-0007', 'acct-0001'] });
    expect(template.map((item) => item.label ?? item.type)).toEqual([
      'Pinned',
      'acct-0007 (SugarCRM): valid',
      'acct-0500 (SugarCRM): valid',
      'Recently used',
      'acct-0999 (SugarCRM): valid',
      'acct-0001 (SugarCRM): valid',
      '996 more accounts: search in Tokenry…',
      'separator',
      'Open Tokenry…',
      'separator',
      'Quit Tokenry',
    ]);
    (template[4]?.click as unknown as () => void)();
    expect(a.copy).toHaveBeenCalledWith('acct-0999');
    (template[6]?.click as unknown as () => void)();
    expect(a.open).toHaveBeenCalledWith();
  });

  it('stays short whatever is recent, and says how to pin when nothing is', () => {
    const recent = many.slice(0, 50).map((x) => x.name);
    expect(trayMenuTemplate(many, actions(), { pinned: [], recent }).length).toBe(1 + TRAY_RECENT + 1 + 4);
    expect(trayMenuTemplate(many, actions()).map((item) => item.label)[0]).toBe('Pin accounts in Tokenry to list them here');
  });

  it('lists every account while they fit', () => {
    const few = many.slice(0, TRAY_LIST_ALL);
    expect(trayMenuTemplate(few, actions(), { pinned: ['acct-0003'], recent: [] }).filter((item) => item.click !== undefined).length).toBe(TRAY_LIST_ALL + 2);
  });
});

describe('createRecentList', () => {
  it('keeps the most recent first, once each, up to its size', () => {
    const list = createRecentList(3);
    for (const name of ['a', 'b', 'c', 'a', 'd']) list.touch(name);
    expect(list.names()).toEqual(['d', 'a', 'c']);
  });
});

describe('trayTooltip', () => {
  it('counts accounts and those waiting for the person', () => {
    expect(trayTooltip([])).toBe('Tokenry: 0 accounts');
    expect(trayTooltip([account('a', { kind: 'valid', expiresAt: 1 })])).toBe('Tokenry: 1 account');
    expect(trayTooltip([account('a', { kind: 'signed_out' }), account('b', { kind: 'valid', expiresAt: 1 })])).toBe('Tokenry: 2 accounts, 1 needs sign-in');
  });
});

describe('createTray', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    trays.length = 0;
    image.representations.length = 0;
  });
  afterEach(() => vi.useRealTimers());

  it('builds the menu at once and rebuilds once per burst of state events', async () => {
    let accounts: Account[] = [account('work', { kind: 'valid', expiresAt: 1 })];
    const read = vi.fn(() => accounts);
    const tray = createTray(read, actions(), 'linux');
    const fake = trays[0]!;
    expect(fake.tooltip).toBe('Tokenry: 1 account');
    expect(image.representations).toHaveLength(2);
    accounts = [...accounts, account('home', { kind: 'needs_sign_in', reason: 'x' })];
    tray.refresh();
    tray.refresh();
    tray.refresh();
    await vi.advanceTimersByTimeAsync(200);
    expect(read).toHaveBeenCalledTimes(2);
    expect(fake.tooltip).toBe('Tokenry: 2 accounts, 1 needs sign-in');
    tray.destroy();
    expect(fake.destroyed).toBe(true);
    tray.refresh();
    await vi.advanceTimersByTimeAsync(200);
    expect(read).toHaveBeenCalledTimes(2);
  });

  it('uses a template image on macOS and opens the menu on a left click on Windows', () => {
    createTray(() => [], actions(), 'darwin');
    expect(image.template).toBe(true);
    createTray(() => [], actions(), 'win32');
    trays[1]!.listeners.get('click')?.();
    expect(trays[1]!.popUpContextMenu).toHaveBeenCalled();
  });
});
