// A tiny hash router: #accounts, #account/NAME, #clients, #settings. Real links, back and forward work.

export type Route =
  | { readonly screen: 'accounts' }
  | { readonly screen: 'account'; readonly name: string }
  | { readonly screen: 'clients' }
  | { readonly screen: 'settings' };

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#\/?/, '');
  if (path.startsWith('account/')) {
    const name = decodeURIComponent(path.slice('account/'.length));
    if (name !== '') return { screen: 'account', name };
  }
  if (path === 'clients') return { screen: 'clients' };
  if (path === 'settings') return { screen: 'settings' };
  return { screen: 'accounts' };
}

export function hrefOf(route: Route): string {
  return route.screen === 'account' ? `#account/${encodeURIComponent(route.name)}` : `#${route.screen}`;
}
