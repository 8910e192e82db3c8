// The web harness's page policy: the renderer's own Content-Security-Policy, plus the one thing the harness needs
// and the packaged app must not allow: its WebSocket on this port.

/**
 * `html` (the built index.html) with its meta Content-Security-Policy's connect-src widened to the
 * harness's own socket on `port` (127.0.0.1 and localhost, the two hosts the harness answers to).
 * The shipped page allows no socket at all; the harness adds its own here.
 */
export function withHarnessSocket(html: string, port: number): string {
  const sockets = `ws://127.0.0.1:${port} ws://localhost:${port}`;
  return html.replace(/(<meta\s+http-equiv="Content-Security-Policy"\s+content=")([^"]*)(")/i, (_all, open: string, policy: string, close: string) => {
    const directives = policy.split(';').map((d) => d.trim()).filter((d) => d !== '');
    const at = directives.findIndex((d) => d.split(/\s+/)[0] === 'connect-src');
    if (at === -1) directives.push(`connect-src 'self' ${sockets}`);
    else directives[at] = `${directives[at]} ${sockets}`;
    return `${open}${directives.join('; ')}${close}`;
  });
}
