// Accounts: the list with each one's live state, the whole view of the accounts a screen or dialog
// shows, and every action on an account, over window.tokenry.
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import { listItemOf } from '../../../shared/accounts.js';
import type { AccountListItem, AccountPatch, AccountState, AccountView, ErrorValue, NewAccount, SignInInput, SignInProgress } from '../lib/types.js';
import { mark } from '../lib/perf.js';
import { reconcile } from '../lib/reconcile.js';

const tokenOf = (state: AccountState): number | null | undefined =>
  state.kind === 'valid' || state.kind === 'expiring' || state.kind === 'refreshing' || state.kind === 'expired' ? state.expiresAt : undefined;

export const useAccountsStore = defineStore('accounts', () => {
  /** Replaced, never mutated: each account object is immutable, so unchanged rows keep their props. */
  const accounts = shallowRef<readonly AccountListItem[]>([]);
  const loaded = ref(false);
  const loadError = shallowRef<ErrorValue | null>(null);
  const names = computed(() => accounts.value.map((a) => a.name));
  /**
   * The whole views of the accounts shown in full (a detail screen, a dialog), by name: the list
   * carries only what its rows show, so these are asked for one at a time and kept current here.
   */
  const views = shallowRef<ReadonlyMap<string, AccountView>>(new Map());
  /** How many screens and dialogs show each account in full: its view is kept while one does. */
  const holders = new Map<string, number>();
  /** What each waiting browser or device sign-in asks of the person (the URL, the code), by account. */
  const signInProgress = shallowRef<Readonly<Record<string, SignInProgress>>>({});

  let reloadTimer: ReturnType<typeof setTimeout> | null = null;
  let listening = false;

  async function load(): Promise<void> {
    if (!loaded.value) mark('tokenry:accounts-asked');
    const result = await window.tokenry.accounts();
    if (!result.ok) {
      loadError.value = result.error;
      return;
    }
    if (!loaded.value) mark('tokenry:accounts-loaded');
    accounts.value = reconcile(accounts.value, result.value);
    loadError.value = null;
    loaded.value = true;
    // What the list does not carry may have changed too (settings, scopes, endpoints).
    await Promise.all([...holders.keys()].map((name) => loadView(name)));
  }

  function setView(view: AccountView): void {
    const next = new Map(views.value);
    next.set(view.name, view);
    views.value = next;
  }

  /** Asks for one account's whole view; its list item follows. */
  async function loadView(name: string) {
    const result = await window.tokenry.account(name);
    if (result.ok) upsert(result.value);
    return result;
  }

  /** Shows `name` in full: its view is asked for now and kept current until `releaseView(name)`. */
  function holdView(name: string) {
    holders.set(name, (holders.get(name) ?? 0) + 1);
    return loadView(name);
  }

  function releaseView(name: string): void {
    const count = (holders.get(name) ?? 0) - 1;
    if (count > 0) {
      holders.set(name, count);
      return;
    }
    holders.delete(name);
    if (!views.value.has(name)) return;
    const next = new Map(views.value);
    next.delete(name);
    views.value = next;
  }

  /** Several changes in a burst (a renewal, a sign-in) cost one reload. */
  function scheduleReload(delayMs = 150): void {
    if (reloadTimer !== null) clearTimeout(reloadTimer);
    reloadTimer = setTimeout(() => {
      reloadTimer = null;
      void load();
    }, delayMs);
  }

  function find(name: string): AccountListItem | undefined {
    return accounts.value.find((a) => a.name === name);
  }

  /** A whole view the core just answered with: laid into the list, and kept when that account is shown in full. */
  function upsert(view: AccountView): void {
    if (holders.has(view.name)) setView(view);
    const item = listItemOf(view);
    const list = accounts.value;
    const i = list.findIndex((a) => a.name === view.name);
    const before = list[i];
    if (before !== undefined && JSON.stringify(before) === JSON.stringify(item)) return;
    accounts.value = i === -1 ? [...list, item] : list.map((a, j) => (j === i ? item : a));
  }

  /** A state event: patch that one account; after a renewal ends, reload for its new expiry and scope. */
  function applyState(name: string, state: AccountState): void {
    const list = accounts.value;
    const i = list.findIndex((a) => a.name === name);
    const account = list[i];
    if (account === undefined) {
      scheduleReload();
      return;
    }
    if (JSON.stringify(account.state) === JSON.stringify(state)) return;
    const expiresAt = tokenOf(state);
    const patch = { state, expiresAt: expiresAt === undefined ? account.expiresAt : expiresAt };
    accounts.value = list.map((a, j) => (j === i ? { ...account, ...patch } : a));
    const view = views.value.get(name);
    if (view !== undefined) setView({ ...view, ...patch });
    if (account.state.kind === 'refreshing' && state.kind !== 'refreshing') scheduleReload();
  }

  /** Subscribes to the bridge's events once for the life of the app. */
  function listen(): void {
    if (listening) return;
    listening = true;
    window.tokenry.onAccountState((event) => applyState(event.name, event.state));
    window.tokenry.onAccountsChanged(() => scheduleReload());
    window.tokenry.onSignInProgress((event) => {
      signInProgress.value = { ...signInProgress.value, [event.name]: event.progress };
    });
  }

  function clearProgress(name: string): void {
    if (!(name in signInProgress.value)) return;
    const { [name]: _gone, ...rest } = signInProgress.value;
    signInProgress.value = rest;
  }

  async function add(input: NewAccount) {
    const result = await window.tokenry.addAccount(input);
    if (result.ok) upsert(result.value);
    return result;
  }

  async function update(name: string, patch: AccountPatch) {
    const result = await window.tokenry.updateAccount(name, patch);
    if (result.ok) upsert(result.value);
    return result;
  }

  async function remove(name: string) {
    const result = await window.tokenry.removeAccount(name);
    if (result.ok) {
      accounts.value = accounts.value.filter((a) => a.name !== name);
      if (views.value.has(name)) {
        const next = new Map(views.value);
        next.delete(name);
        views.value = next;
      }
    }
    return result;
  }

  async function signIn(name: string, input: SignInInput) {
    clearProgress(name);
    const result = await window.tokenry.signIn(name, input);
    clearProgress(name);
    if (result.ok) upsert(result.value);
    return result;
  }

  /** Revokes the tokens where the provider can and forgets them; the account stays. */
  async function logout(name: string) {
    const result = await window.tokenry.logout(name);
    if (result.ok) scheduleReload(0);
    return result;
  }

  async function rediscover(name: string) {
    const result = await window.tokenry.rediscover(name);
    if (result.ok) upsert(result.value);
    return result;
  }

  /** Opens the waiting sign-in's page again in the system browser (the core knows which page). */
  const openSignInPage = (name: string) => window.tokenry.openSignInPage(name);

  /** Stops the account's sign-in in flight; its signIn() then resolves with a `cancelled` error. */
  const cancelSignIn = (name: string) => window.tokenry.cancelSignIn(name);

  async function refresh(name: string) {
    const result = await window.tokenry.refresh(name);
    if (result.ok) upsert(result.value);
    return result;
  }

  // Tokens are handed to the caller and never kept in the store.
  const reveal = (name: string) => window.tokenry.revealToken(name);
  const copy = (name: string) => window.tokenry.copyToken(name);
  const details = (name: string) => window.tokenry.tokenDetails(name);

  return {
    accounts,
    loaded,
    loadError,
    names,
    views,
    signInProgress,
    load,
    holdView,
    releaseView,
    listen,
    find,
    applyState,
    add,
    update,
    remove,
    signIn,
    cancelSignIn,
    openSignInPage,
    logout,
    rediscover,
    refresh,
    reveal,
    copy,
    details,
  };
});
