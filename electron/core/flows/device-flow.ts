// Sign-in with a code typed on another device (RFC 8628): for machines without a browser and for providers
// that prefer it. The user code and the verification URI go to the person; the token endpoint is polled.

import { err, ok } from '../../../shared/result.js';
import { buildDeviceAuthorizationRequest, pollDeviceToken, requestDeviceAuthorization } from '../grants/device-authorization.js';
import { GrantError } from '../grants/grant-error.js';
import type { Flow } from './flow.js';
import { requestedScope, requireClientId, requiredEndpoint, signInTimeoutMs, signedInIdentity } from './interactive.js';

export const deviceFlow: Flow = {
  id: 'device',
  grant: 'device_code',
  needs: ['device'],
  offersSignIn: ({ profile }) => profile.grants.includes('device_code') && (profile.deviceAuthorizationUrl ?? '').trim() !== '',
  canRenew: () => false,
  prepare(facts, input) {
    const endpoint = requiredEndpoint(facts, 'deviceAuthorizationUrl', 'signing in with a code');
    if (!endpoint.ok) return endpoint;
    const missing = requireClientId(facts, 'Signing in with a code');
    if (missing !== null) return err(missing);
    return ok({ kind: 'device', timeoutMs: signInTimeoutMs(input) });
  },
  async run(run, start) {
    if (start.kind !== 'device') return err(new GrantError('invalid_config', 'The device flow was started without its plan.'));
    const endpoint = requiredEndpoint(run, 'deviceAuthorizationUrl', 'signing in with a code');
    if (!endpoint.ok) return err(new GrantError('invalid_config', endpoint.error.message));
    let request;
    try {
      request = buildDeviceAuthorizationRequest(run.profile, endpoint.value, run.client, {
        scope: requestedScope(run),
        ...(run.account.basicEncoding === undefined ? {} : { basicEncoding: run.account.basicEncoding }),
      });
    } catch (error) {
      if (error instanceof GrantError) return err(error);
      throw error;
    }
    const authorization = await requestDeviceAuthorization(request, run.deps, {
      dialect: run.profile,
      ...(run.profile.timeoutSeconds === undefined ? {} : { timeoutSeconds: run.profile.timeoutSeconds }),
      ...(run.signal === undefined ? {} : { signal: run.signal }),
    });
    if (!authorization.ok) return authorization;
    const codes = authorization.value;
    const deadline = run.deps.now() + start.timeoutMs;
    run.progress({
      kind: 'device',
      userCode: codes.userCode,
      verificationUri: codes.verificationUri,
      verificationUriComplete: codes.verificationUriComplete,
      expiresAt: Math.min(codes.expiresAt, deadline),
      message: codes.message,
    });
    const outcome = await pollDeviceToken(codes, () => run.grant({ grant: 'device_code', deviceCode: codes.deviceCode }), run.deps, {
      deadline,
      ...(run.signal === undefined ? {} : { signal: run.signal }),
    });
    if (!outcome.ok) return outcome;
    const identity = await signedInIdentity(run, outcome.value.record, null);
    if (!identity.ok) return identity;
    return ok({ ...outcome.value, ...identity.value });
  },
};
