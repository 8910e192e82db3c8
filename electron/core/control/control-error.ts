// The control channel's one error type: a stable code to act on and a message a person can read.

export type ControlErrorCode =
  /** The socket or its directory is not private to this user: nothing is sent through it. */
  | 'not_private'
  /** The other end did not prove it can read control.json: not our owner (or not our client). */
  | 'handshake_failed'
  /** The owner did not answer in time. */
  | 'timeout'
  /** The connection ended before the answer came. */
  | 'closed'
  /** The other end sent something outside the protocol. */
  | 'protocol'
  /** The data directory's path is too long for a UNIX socket. */
  | 'path_too_long';

export class ControlError extends Error {
  override readonly name = 'ControlError';

  constructor(
    readonly code: ControlErrorCode,
    message: string,
    options: { readonly cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
  }
}
