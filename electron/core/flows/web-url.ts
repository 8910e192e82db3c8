// Which addresses may be handed to a browser: http(s) web pages only (never file:, javascript: or a custom scheme).

/** http(s), without a user name or password in it. */
export function isWebUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.username === '' && url.password === '';
  } catch {
    return false;
  }
}
