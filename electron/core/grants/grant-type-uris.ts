// Grant type names as they travel on the wire where they are not plain words.

/** RFC 8628 §3.4's grant type, an absolute URI. */
export const DEVICE_CODE_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:device_code';
