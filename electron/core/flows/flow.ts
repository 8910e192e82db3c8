// What a sign-in or renewal flow is: a strategy that says which grant it runs, what it needs from the person,
// and whether it can get a new token without them. The service picks from the list in flows/index.ts.
import type { ErrorValue } from '../../../shared/errors.js';
import type { Result } from '../../../shared/result.js';
import type { AccountIdentity, SignInInput, SignInProgress } from '../../../shared/accounts.js';
import type { Account } from '../accounts/account-store.js';
import type { RandomBytes } from '../grants/authorization-request.js';
import type { ClientCredentials } from '../grants/client-auth.js';
import type { GrantDeps, TokenOutcome } from '../grants/grant-client.js';
import type { GrantError } from '../grants/grant-error.js';
import type { TokenRecord } from '../grants/token-record.js';
import type { GrantInput } from '../grants/token-request.js';
import type { GrantType, ProviderProfile } from '../providers/profile.js';
import type { RedirectListen } from './redirect-listener.js';

export type FlowId = 'password' | 'client_credentials' | 'refresh_token' | 'browser' | 'device';

/**
 * What a flow asks of the person: typed credentials, their browser (authorization code), a code
 * typed on another device (device code), or nothing at all.
 */
export type FlowNeed = 'username' | 'password' | 'otp' | 'browser' | 'device';

/** The facts a flow decides on: the account, its effective profile, its current token. */
export interface FlowFacts {
  readonly account: Account;
  readonly profile: ProviderProfile;
  readonly record: TokenRecord | null;
}

/** How a prepared flow starts: one token request, or an interaction with the person first. */
export type FlowStart =
  | { readonly kind: 'grant'; readonly input: GrantInput }
  | { readonly kind: 'browser'; readonly openBrowser: boolean; readonly timeoutMs: number }
  | { readonly kind: 'device'; readonly timeoutMs: number };

/** A flow's result: the token (not yet stored) and, where an ID token said so, who signed in. */
export interface FlowOutcome extends TokenOutcome {
  /** From a validated ID token (OIDC Core §3.1.3.7); absent when the flow learnt nothing about the person. */
  readonly identity?: AccountIdentity | null;
  /** Why the identity could not be read (a userinfo endpoint that failed); the sign-in stands all the same. */
  readonly identityProblem?: string;
}

/** What a running flow may use: one grant request in the account's dialect (scope, client, retries already bound), and the world around. */
export interface FlowRun extends FlowFacts {
  grant(input: GrantInput): Promise<Result<TokenOutcome, GrantError>>;
  /** The client's id and (in memory only) secret. */
  readonly client: ClientCredentials;
  /** Fetch and clock for the requests beside the token request (device authorization, JWKS). */
  readonly deps: GrantDeps;
  /** The person cancelled: stop listening or polling. */
  readonly signal?: AbortSignal;
  /** Tells the person what to do (the URL to open, the code to enter); never a secret. */
  progress(progress: SignInProgress): void;
  /** Opens a URL in the system browser through the shell's opener; false when there is none or it failed. */
  openBrowser(url: string): Promise<boolean>;
  /** Starts the one-shot loopback listener for the browser flow's redirect. */
  readonly listen: RedirectListen;
  /** Randomness for PKCE, state and nonce (tests may fix it). */
  readonly random?: RandomBytes;
}

export interface Flow {
  readonly id: FlowId;
  /** The grant it runs at the token endpoint (RFC 6749 §4.1, §4.3, §4.4, §6; RFC 8628). */
  readonly grant: GrantType;
  /** What the person must provide; empty for flows that run unattended. */
  readonly needs: readonly FlowNeed[];
  /** Whether the profile lets this flow sign the account in. */
  offersSignIn(facts: FlowFacts): boolean;
  /** Whether this flow can get a new token now without the person (renewal). */
  canRenew(facts: FlowFacts): boolean;
  /** Checks what the person gave (and what the account has) before anything is sent; the error names what is missing. */
  prepare(facts: FlowFacts, input: SignInInput): Result<FlowStart, ErrorValue>;
  /** Runs the flow; the caller persists what it returns. */
  run(run: FlowRun, start: FlowStart): Promise<Result<FlowOutcome, GrantError>>;
}
