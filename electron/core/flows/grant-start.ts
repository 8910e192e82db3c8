// The simple flows' start: one token request with what prepare() built.
import { err, type Result } from '../../../shared/result.js';
import type { TokenOutcome } from '../grants/grant-client.js';
import { GrantError } from '../grants/grant-error.js';
import type { FlowRun, FlowStart } from './flow.js';

/** Runs the one grant a simple flow prepared; any other start is a defect of the caller. */
export function runGrantStart(run: FlowRun, start: FlowStart): Promise<Result<TokenOutcome, GrantError>> {
  if (start.kind !== 'grant') return Promise.resolve(err(new GrantError('invalid_config', `A ${start.kind} start cannot run a plain grant.`)));
  return run.grant(start.input);
}
