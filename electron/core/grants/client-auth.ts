// Client authentication strategies (RFC 6749 §2.3): HTTP Basic, parameters in the request, or none.

import type { BasicCredentialEncoding, ClientAuthMethod } from '../providers/profile.js';
import { formEncodeValue } from './encoders.js';

export interface ClientCredentials {
  readonly clientId?: string;
  readonly clientSecret?: string;
}

/** Where a strategy puts the client's identity: headers and extra parameters. */
export interface ClientAuthResult {
  readonly headers: Readonly<Record<string, string>>;
  readonly params: ReadonlyArray<readonly [string, string]>;
}

export interface ClientAuthOptions {
  readonly idParam: string;
  readonly secretParam: string;
  readonly sendEmptySecret: boolean;
}

export type ClientAuthStrategy = (client: ClientCredentials, options: ClientAuthOptions) => ClientAuthResult;

/**
 * RFC 6749 §2.3.1: id and secret are form-encoded (Appendix B), joined by a colon and
 * sent as HTTP Basic (RFC 7617). `raw` skips the form-encoding for servers that never decode.
 */
export const basicAuth =
  (encoding: BasicCredentialEncoding): ClientAuthStrategy =>
  (client) => {
    const encode = encoding === 'form' ? formEncodeValue : (value: string) => value;
    const pair = `${encode(client.clientId ?? '')}:${encode(client.clientSecret ?? '')}`;
    return { headers: { authorization: `Basic ${Buffer.from(pair, 'utf8').toString('base64')}` }, params: [] };
  };

/** RFC 6749 §2.3.1 (not recommended, but what query and JSON dialects need): id and secret as parameters. */
export const bodyAuth: ClientAuthStrategy = (client, options) => {
  const params: Array<readonly [string, string]> = [];
  if (client.clientId !== undefined) params.push([options.idParam, client.clientId]);
  if (client.clientSecret !== undefined && (client.clientSecret !== '' || options.sendEmptySecret)) {
    params.push([options.secretParam, client.clientSecret]);
  } else if (client.clientSecret === undefined && options.sendEmptySecret) {
    params.push([options.secretParam, '']);
  }
  return { headers: {}, params };
};

/**
 * A public client (RFC 6749 §2.1) has no secret to authenticate with, but still says who it is:
 * §3.2.1 lets it send `client_id` at the token endpoint, and servers that know it as a public
 * client require it there (§4.1.3 for codes; many do so for every grant). No secret is sent.
 */
export const noAuth: ClientAuthStrategy = (client, options) => ({
  headers: {},
  params: client.clientId === undefined || client.clientId === '' ? [] : [[options.idParam, client.clientId]],
});

export function clientAuthStrategy(method: ClientAuthMethod, basicEncoding: BasicCredentialEncoding): ClientAuthStrategy {
  switch (method) {
    case 'basic':
      return basicAuth(basicEncoding);
    case 'body':
      return bodyAuth;
    case 'none':
      return noAuth;
  }
}

/** Whether the raw and the form-encoded Basic credentials differ, so that trying the other form means something. */
export const basicFormsDiffer = (client: ClientCredentials): boolean =>
  formEncodeValue(client.clientId ?? '') !== (client.clientId ?? '') ||
  formEncodeValue(client.clientSecret ?? '') !== (client.clientSecret ?? '');
