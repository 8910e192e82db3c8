// Renewal with the refresh token (RFC 6749 §6): unattended, only while the account holds a refresh token.
import { err, ok } from '../../../shared/result.js';
import type { Flow } from './flow.js';
import { runGrantStart } from './grant-start.js';

export const refreshFlow: Flow = {
  id: 'refresh_token',
  grant: 'refresh_token',
  needs: [],
  // A refresh token comes from another grant; it never signs an account in by itself.
  offersSignIn: () => false,
  canRenew: ({ profile, record }) => record?.refreshToken != null && profile.grants.includes('refresh_token'),
  prepare({ record }) {
    if (record?.refreshToken == null) return err({ code: 'needs_sign_in', kind: 'needs_sign_in', message: 'There is no refresh token to renew with.' });
    return ok({ kind: 'grant', input: { grant: 'refresh_token', refreshToken: record.refreshToken } });
  },
  run: runGrantStart,
};
