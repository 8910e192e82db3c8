// Sign-in with the person's username and password (RFC 6749 §4.3): the password goes to the provider once and is never stored.
import { err, ok } from '../../../shared/result.js';
import type { Flow } from './flow.js';
import { runGrantStart } from './grant-start.js';

export const passwordFlow: Flow = {
  id: 'password',
  grant: 'password',
  needs: ['username', 'password', 'otp'],
  offersSignIn: ({ profile }) => profile.grants.includes('password'),
  // Passwords are never stored, so this flow can never run without the person.
  canRenew: () => false,
  prepare({ profile }, input) {
    const missing = [input.username ? null : 'username', input.password ? null : 'password'].filter((m): m is string => m !== null);
    if (missing.length > 0 || input.username === undefined || input.password === undefined) {
      return err({
        code: 'missing_credentials',
        kind: 'invalid_input',
        message: `Signing in to ${profile.label} needs a ${missing.join(' and a ')}.`,
      });
    }
    return ok({ kind: 'grant', input: { grant: 'password', username: input.username, password: input.password, ...(input.otp ? { otp: input.otp } : {}) } });
  },
  run: runGrantStart,
};
