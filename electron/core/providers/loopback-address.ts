// Loopback addresses (127.0.0.0/8, ::1, localhost): where plain http never leaves the machine.

const LOOPBACK_HOSTS = new Set(['localhost', '[::1]', '::1']);

/** Loopback addresses: 127.0.0.0/8, ::1 and localhost, where plain http cannot leave the machine. */
export function isLoopbackHost(hostname: string): boolean {
  if (LOOPBACK_HOSTS.has(hostname.toLowerCase())) return true;
  return /^127(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}$/.test(hostname);
}
