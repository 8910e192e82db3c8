// Request body encoders: the four ways providers want token parameters (query, form, JSON, XML).

import { XMLBuilder } from 'fast-xml-parser';
import type { RequestEncoding } from '../providers/profile.js';

export type TokenParams = ReadonlyArray<readonly [string, string]>;

export interface EncodedParams {
  /** Appended to the URL (GET dialects), without the leading `?`. */
  readonly query?: string;
  readonly body?: string;
  readonly contentType?: string;
}

/** application/x-www-form-urlencoded, UTF-8 (RFC 6749 Appendix B). */
export const formEncode = (params: TokenParams): string => new URLSearchParams(params.map(([k, v]): [string, string] => [k, v])).toString();

/** Form-encodes one value alone, as RFC 6749 §2.3.1 asks of Basic credentials. */
export const formEncodeValue = (value: string): string => new URLSearchParams([['', value]]).toString().slice(1);

const xmlBuilder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', format: false, suppressEmptyNode: false });

/** XML as the Saasu document shows it: a named root, one child element per parameter. */
export function xmlEncode(root: string, params: TokenParams): string {
  const children: Record<string, string> = {};
  for (const [key, value] of params) children[key] = value;
  return xmlBuilder.build({
    [root]: {
      '@_xmlns:xsd': 'http://www.w3.org/2001/XMLSchema',
      '@_xmlns:xsi': 'http://www.w3.org/2001/XMLSchema-instance',
      ...children,
    },
  }) as string;
}

export function encodeParams(encoding: RequestEncoding, params: TokenParams, xmlRoot: string): EncodedParams {
  switch (encoding) {
    case 'query':
      return { query: formEncode(params) };
    case 'form':
      return { body: formEncode(params), contentType: 'application/x-www-form-urlencoded;charset=UTF-8' };
    case 'json':
      return { body: JSON.stringify(Object.fromEntries(params)), contentType: 'application/json; charset=utf-8' };
    case 'xml':
      return { body: xmlEncode(xmlRoot, params), contentType: 'application/xml; charset=utf-8' };
  }
}
