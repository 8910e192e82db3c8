// Sign-in in the system browser (RFC 6749 §4.1 for a native app, RFC 8252): authorization code with
// PKCE S256 (RFC 7636), a one-shot loopback listener, state and iss checked (RFC 9207), the ID token validated.

import { err, ok } from '../../../shared/result.js';
import { createAuthorizationRequest } from '../grants/authorization-request.js';
import { GrantError } from '../grants/grant-error.js';
import { systemSetTimer } from '../grants/http-transport.js';
import type { Flow } from './flow.js';
import { clientIdOf, requestedScope, requireClientId, requiredEndpoint, signInTimeoutMs, signedInIdentity } from './interactive.js';
import { redirectTarget } from './redirect-listener.js';

export const browserFlow: Flow = {
  id: 'browser',
  grant: 'authorization_code',
  needs: ['browser'],
  offersSignIn: ({ profile }) => profile.grants.includes('authorization_code') && (profile.authorizationUrl ?? '').trim() !== '',
  // Only the person can say yes in the browser.
  canRenew: () => false,
  prepare(facts, input) {
    const endpoint = requiredEndpoint(facts, 'authorizationUrl', 'signing in with the browser');
    if (!endpoint.ok) return endpoint;
    const missing = requireClientId(facts, 'Signing in with the browser');
    if (missing !== null) return err(missing);
    return ok({ kind: 'browser', openBrowser: input.openBrowser ?? true, timeoutMs: signInTimeoutMs(input) });
  },
  async run(run, start) {
    if (start.kind !== 'browser') return err(new GrantError('invalid_config', 'The browser flow was started without its plan.'));
    const endpoint = requiredEndpoint(run, 'authorizationUrl', 'signing in with the browser');
    const clientId = clientIdOf(run);
    if (!endpoint.ok || clientId === undefined) return err(new GrantError('invalid_config', endpoint.ok ? 'Signing in with the browser needs a client id.' : endpoint.error.message));
    const { profile } = run;
    const scope = requestedScope(run);
    let listener;
    try {
      listener = await run.listen({
        target: redirectTarget(profile),
        timeoutMs: start.timeoutMs,
        setTimer: run.deps.setTimer ?? systemSetTimer,
        ...(run.signal === undefined ? {} : { signal: run.signal }),
      });
    } catch (error) {
      if (error instanceof GrantError) return err(error);
      throw error;
    }
    try {
      const request = createAuthorizationRequest(
        {
          endpoint: endpoint.value,
          clientId,
          redirectUri: listener.redirectUri,
          scope,
          openid: profile.openid === true,
          ...(profile.offlineAccessPrompt === undefined ? {} : { consentForOffline: profile.offlineAccessPrompt }),
          withNonce: scope.includes('openid'),
          ...(profile.authorizationParams === undefined ? {} : { extraParams: profile.authorizationParams }),
        },
        run.random,
      );
      const expiresAt = run.deps.now() + start.timeoutMs;
      // Expected before the browser opens: a provider that remembers the person may redirect back at once.
      const answered = listener.wait({ state: request.state, issuer: profile.issuer ?? null, issRequired: profile.authorizationResponseIss === true });
      const opened = start.openBrowser ? await run.openBrowser(request.url) : false;
      run.progress({ kind: 'browser', url: request.url, opened, expiresAt });
      const callback = await answered;
      if (!callback.ok) return callback;
      run.progress({ kind: 'exchanging' });
      const outcome = await run.grant({ grant: 'authorization_code', code: callback.value.code, redirectUri: request.redirectUri, codeVerifier: request.codeVerifier });
      if (!outcome.ok) return outcome;
      const identity = await signedInIdentity(run, outcome.value.record, request.nonce);
      if (!identity.ok) return identity;
      return ok({ ...outcome.value, ...identity.value });
    } finally {
      await listener.close();
    }
  },
};
