// Shared test support for the grant engine: catching GrantErrors and a throwaway node:http server on 127.0.0.1.

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { GrantError } from '../../../../electron/core/grants/grant-error.js';

/** The GrantError `fn` throws; fails the test when it returns or throws anything else. */
export function errorOf(fn: () => unknown): GrantError {
  try {
    fn();
  } catch (error) {
    if (error instanceof GrantError) return error;
    throw error;
  }
  throw new Error('expected a GrantError, but the call returned normally');
}

/** The GrantError `promise` rejects with; fails the test when it resolves or rejects with anything else. */
export async function rejectionOf(promise: Promise<unknown>): Promise<GrantError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof GrantError) return error;
    throw error;
  }
  throw new Error('expected a GrantError, but the promise resolved');
}

export interface RecordedRequest {
  readonly method: string;
  /** Path and query, as the server saw them. */
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
}

export type Handler = (request: RecordedRequest, response: http.ServerResponse) => void;

export interface LocalServer {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  readonly origin: string;
  readonly port: number;
  /** Every request received, in order, body read in full. */
  readonly requests: RecordedRequest[];
  close(): Promise<void>;
}

/** Starts a server on 127.0.0.1 and an ephemeral port; `handler` answers each request once its body is read. */
export async function startServer(handler: Handler): Promise<LocalServer> {
  const requests: RecordedRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks),
      };
      requests.push(recorded);
      handler(recorded, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port on 127.0.0.1 that nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Answers with a JSON body and status. */
export function sendJson(res: http.ServerResponse, status: number, value: unknown, headers: http.OutgoingHttpHeaders = {}): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8', 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}
