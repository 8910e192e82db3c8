// The flows, in the order the service tries them, and how it picks one for a sign-in or a renewal.
import type { SignInInput } from '../../../shared/accounts.js';
import type { ErrorValue } from '../../../shared/errors.js';
import { err, ok, type Result } from '../../../shared/result.js';
import { clientCredentialsFlow } from './client-credentials-flow.js';
import type { Flow, FlowFacts } from './flow.js';
import { passwordFlow } from './password-flow.js';
import { refreshFlow } from './refresh-flow.js';

export type { Flow, FlowFacts, FlowId, FlowNeed, FlowRun } from './flow.js';
export { clientCredentialsFlow, passwordFlow, refreshFlow };

/**
 * Every flow, in order of preference: renewal tries the refresh token before a new client
 * grant; sign-in tries what the person typed before what needs nothing from them.
 */
export const FLOWS: readonly Flow[] = [refreshFlow, passwordFlow, clientCredentialsFlow];

/** The flows that could renew the account now without the person, best first (none: it needs sign-in). */
export function renewalFlows(facts: FlowFacts, flows: readonly Flow[] = FLOWS): Flow[] {
  return flows.filter((flow) => flow.canRenew(facts));
}

/**
 * The flow a sign-in runs: one that takes what the person typed when they typed something,
 * else one that needs nothing from them, else the first the profile offers (which then says
 * what it needs).
 */
export function signInFlow(facts: FlowFacts, input: SignInInput, flows: readonly Flow[] = FLOWS): Result<Flow, ErrorValue> {
  const offered = flows.filter((flow) => flow.offersSignIn(facts));
  const typed = input.username !== undefined || input.password !== undefined || input.otp !== undefined;
  const chosen = (typed ? offered.find((flow) => flow.needs.length > 0) : offered.find((flow) => flow.needs.length === 0)) ?? offered[0];
  if (chosen === undefined) {
    return err({ code: 'no_sign_in_flow', kind: 'config', message: `${facts.profile.label} offers no way to sign in that Tokenry supports.` });
  }
  return ok(chosen);
}
