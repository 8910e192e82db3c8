// The control channel's wire format: one JSON message per line, the handshake that proves both ends
// read control.json, and the zod schemas every message is checked against on arrival.
// Requests and results are the IPC contract's (shared/ipc.ts); only the envelope is defined here.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
// zod/mini, as shared/token-answer.ts: a client checks every message without loading classic zod.
import * as z from 'zod/mini';
import { errorValueSchema } from '../../../shared/token-answer.js';

export const CONTROL_PROTOCOL_VERSION = 1;

const nonce = z.string().check(z.regex(/^[A-Za-z0-9_-]{43}$/));
const proof = nonce;

/** Who owns the data directory, as the owner tells a client once the handshake is done. */
export const ownerInfoSchema = z.object({
  pid: z.int().check(z.positive()),
  purpose: z.string().check(z.maxLength(200)),
  /** A long-lived owner (the app, `tokenry serve`), or a one-shot command serving others until it is done. */
  lasting: z.boolean(),
});
export type OwnerInfo = z.infer<typeof ownerInfoSchema>;

const shortString = z.string().check(z.maxLength(100));

export const clientMessageSchema = z.discriminatedUnion('t', [
  z.strictObject({ t: z.literal('hello'), v: z.literal(CONTROL_PROTOCOL_VERSION), nonce, proof }),
  z.strictObject({ t: z.literal('call'), id: z.int().check(z.nonnegative(), z.maximum(2 ** 31)), channel: shortString, args: z.array(z.unknown()).check(z.maxLength(10)) }),
  z.strictObject({ t: z.literal('subscribe'), events: z.array(shortString).check(z.maxLength(50)) }),
]);
export type ClientMessage = z.infer<typeof clientMessageSchema>;

export const responseSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: errorValueSchema }),
]);

export const serverMessageSchema = z.discriminatedUnion('t', [
  z.strictObject({ t: z.literal('welcome'), v: z.literal(CONTROL_PROTOCOL_VERSION), nonce }),
  z.strictObject({ t: z.literal('ready'), proof, owner: ownerInfoSchema }),
  z.strictObject({ t: z.literal('result'), id: z.int().check(z.nonnegative()), response: responseSchema }),
  z.strictObject({ t: z.literal('event'), event: shortString, payload: z.unknown() }),
]);
export type ServerMessage = z.infer<typeof serverMessageSchema>;

/** A request reached an owner that could not serve it (it failed to open, or is closing): nothing ran, ask again. */
export const OWNER_UNAVAILABLE = 'owner_unavailable';

export const newNonce = (): string => randomBytes(32).toString('base64url');

/**
 * The proof one side gives for the other's nonce: HMAC-SHA256 under the key in control.json, with
 * its role in the message so that a client's proof can never be replayed as the server's.
 */
export function handshakeProof(key: string, role: 'client' | 'server', theirNonce: string): string {
  return createHmac('sha256', Buffer.from(key, 'base64url')).update(`tokenry-control/v${CONTROL_PROTOCOL_VERSION}\n${role}\n${theirNonce}`).digest('base64url');
}

export function proofMatches(key: string, role: 'client' | 'server', theirNonce: string, given: string): boolean {
  const expected = Buffer.from(handshakeProof(key, role, theirNonce));
  const actual = Buffer.from(given);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** Encodes one message as a line (JSON never holds a raw newline). */
export const encodeMessage = (message: unknown): string => `${JSON.stringify(message)}\n`;

/**
 * Splits a byte stream into lines, refusing any line longer than `maxBytes` (`onLine` gets null:
 * the caller ends the connection).
 */
export function lineSplitter(maxBytes: number, onLine: (line: string | null) => void): (chunk: Buffer) => void {
  let parts: Buffer[] = [];
  let size = 0;
  let over = false;
  return (chunk) => {
    if (over) return;
    let start = 0;
    for (let at = chunk.indexOf(10, start); at !== -1; at = chunk.indexOf(10, start)) {
      const piece = chunk.subarray(start, at);
      if (size + piece.length > maxBytes) {
        over = true;
        onLine(null);
        return;
      }
      const line = parts.length === 0 ? piece.toString('utf8') : Buffer.concat([...parts, piece]).toString('utf8');
      parts = [];
      size = 0;
      start = at + 1;
      onLine(line);
    }
    const rest = chunk.subarray(start);
    if (rest.length === 0) return;
    if (size + rest.length > maxBytes) {
      over = true;
      onLine(null);
      return;
    }
    parts.push(Buffer.from(rest));
    size += rest.length;
  };
}

/** Parses one line against a schema; anything else (not JSON, wrong shape) is null. */
export function parseLine<T>(line: string, schema: z.ZodMiniType<T>): T | null {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return null;
  }
  const parsed = schema.safeParse(value);
  return parsed.success ? parsed.data : null;
}
