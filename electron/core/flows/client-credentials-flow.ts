// The client's own token (RFC 6749 §4.4): signs in and renews with the stored client credentials, nothing asked of the person.
import { ok } from '../../../shared/result.js';
import type { Flow, FlowFacts } from './flow.js';
import { runGrantStart } from './grant-start.js';

/**
 * Whether a client_credentials grant may stand for this account's token: only for accounts that
 * signed in that way (or can sign in no other way), so that a person's token is never silently
 * swapped for the client's own.
 */
function clientTokenIsTheAccounts({ account, profile }: FlowFacts): boolean {
  // Signed out on purpose: nothing gets a token until the person signs in again.
  if (account.signedOut === true) return false;
  if (!profile.grants.includes('client_credentials') || (account.clientId ?? profile.defaultClientId) === undefined) return false;
  const personal = profile.grants.some((grant) => grant === 'password' || grant === 'authorization_code' || grant === 'device_code');
  return account.signInGrant === 'client_credentials' || (account.signInGrant === undefined && !personal);
}

export const clientCredentialsFlow: Flow = {
  id: 'client_credentials',
  grant: 'client_credentials',
  needs: [],
  offersSignIn: ({ profile }) => profile.grants.includes('client_credentials'),
  canRenew: clientTokenIsTheAccounts,
  prepare: () => ok({ kind: 'grant', input: { grant: 'client_credentials' } }),
  run: runGrantStart,
};
