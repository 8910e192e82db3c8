// The flows, in the order the service tries them, and how it picks one for a sign-in or a renewal.
import type { SignInFlowId, SignInInput } from '../../../shared/accounts.js';
import type { ErrorValue } from '../../../shared/errors.js';
import { err, ok, type Result } from '../../../shared/result.js';
import { browserFlow } from './browser-flow.js';
import { clientCredentialsFlow } from './client-credentials-flow.js';
import { deviceFlow } from './device-flow.js';
import type { Flow, FlowFacts } from './flow.js';
import { passwordFlow } from './password-flow.js';
import { refreshFlow } from './refresh-flow.js';

export type { Flow, FlowFacts, FlowId, FlowNeed, FlowOutcome, FlowRun, FlowStart } from './flow.js';
export { browserFlow, clientCredentialsFlow, deviceFlow, passwordFlow, refreshFlow };

/**
 * Every flow, in order of preference: renewal tries the refresh token before a new client
 * grant; sign-in tries what the person typed, then the browser, then the device code, then what
 * needs nothing from them.
 */
export const FLOWS: readonly Flow[] = [refreshFlow, passwordFlow, browserFlow, deviceFlow, clientCredentialsFlow];

/** The flows that could renew the account now without the person, best first (none: it needs sign-in). */
export function renewalFlows(facts: FlowFacts, flows: readonly Flow[] = FLOWS): Flow[] {
  return flows.filter((flow) => flow.canRenew(facts));
}

const isSignInFlow = (id: Flow['id']): id is SignInFlowId => id !== 'refresh_token';

/** The sign-in flows the account can use, in the order a person is offered them. */
export function signInFlowIds(facts: FlowFacts, flows: readonly Flow[] = FLOWS): SignInFlowId[] {
  return flows.filter((flow) => flow.offersSignIn(facts)).map((flow) => flow.id).filter(isSignInFlow);
}

/**
 * The flow a sign-in runs: the one asked for (`input.flow`); else one that takes what the person
 * typed when they typed something; else the client's own grant for an account that signed in that
 * way; else the browser, the device code, or one that needs nothing from the person; else the
 * first the profile offers (which then says what it needs).
 */
export function signInFlow(facts: FlowFacts, input: SignInInput, flows: readonly Flow[] = FLOWS): Result<Flow, ErrorValue> {
  const offered = flows.filter((flow) => flow.offersSignIn(facts));
  if (input.flow !== undefined) {
    const asked = offered.find((flow) => flow.id === input.flow);
    if (asked !== undefined) return ok(asked);
    const ways = offered.map((flow) => flow.id).join(', ');
    return err({
      code: 'flow_not_offered',
      kind: 'config',
      message: `${facts.profile.label} offers no ${input.flow} sign-in for this account${ways === '' ? '' : ` (it offers: ${ways})`}.`,
    });
  }
  const typed = input.username !== undefined || input.password !== undefined || input.otp !== undefined;
  const credentials = (flow: Flow): boolean => flow.needs.some((need) => need === 'username' || need === 'password');
  const interactive = (flow: Flow): boolean => flow.needs.includes('browser') || flow.needs.includes('device');
  const chosen =
    (typed ? offered.find(credentials) : undefined) ??
    (facts.account.signInGrant === 'client_credentials' ? offered.find((flow) => flow.id === 'client_credentials') : undefined) ??
    offered.find(interactive) ??
    offered.find((flow) => flow.needs.length === 0) ??
    offered[0];
  if (chosen === undefined) {
    return err({ code: 'no_sign_in_flow', kind: 'config', message: `${facts.profile.label} offers no way to sign in that Tokenry supports.` });
  }
  return ok(chosen);
}
