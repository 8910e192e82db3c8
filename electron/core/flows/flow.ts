// What a sign-in or renewal flow is: a strategy that says which grant it runs, what it needs from the person,
// and whether it can get a new token without them. The service picks from the list in flows/index.ts.
import type { ErrorValue } from '../../../shared/errors.js';
import type { Result } from '../../../shared/result.js';
import type { SignInInput } from '../../../shared/accounts.js';
import type { Account } from '../accounts/account-store.js';
import type { TokenOutcome } from '../grants/grant-client.js';
import type { GrantError } from '../grants/grant-error.js';
import type { TokenRecord } from '../grants/token-record.js';
import type { GrantInput } from '../grants/token-request.js';
import type { GrantType, ProviderProfile } from '../providers/profile.js';

export type FlowId = 'password' | 'client_credentials' | 'refresh_token';

/** What a flow asks of the person: typed credentials, or nothing at all. */
export type FlowNeed = 'username' | 'password' | 'otp';

/** The facts a flow decides on: the account, its effective profile, its current token. */
export interface FlowFacts {
  readonly account: Account;
  readonly profile: ProviderProfile;
  readonly record: TokenRecord | null;
}

/** What a running flow may use: one grant request in the account's dialect (scope, client, retries already bound). */
export interface FlowRun extends FlowFacts {
  grant(input: GrantInput): Promise<Result<TokenOutcome, GrantError>>;
}

export interface Flow {
  readonly id: FlowId;
  /** The grant it runs at the token endpoint (RFC 6749 §4.3, §4.4, §6). */
  readonly grant: GrantType;
  /** What the person must provide; empty for flows that run unattended. */
  readonly needs: readonly FlowNeed[];
  /** Whether the profile lets this flow sign the account in. */
  offersSignIn(facts: FlowFacts): boolean;
  /** Whether this flow can get a new token now without the person (renewal). */
  canRenew(facts: FlowFacts): boolean;
  /** Checks what the person gave before anything is sent; the error names what is missing. */
  prepare(facts: FlowFacts, input: SignInInput): Result<GrantInput, ErrorValue>;
  /** Runs the grant; the caller persists what it returns. */
  run(run: FlowRun, input: GrantInput): Promise<Result<TokenOutcome, GrantError>>;
}
