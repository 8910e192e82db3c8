// Ctrl-C while a command waits on something long (a sign-in): the first asks it to stop, a second ends the command.

/**
 * One press of Ctrl-C can reach the process as two SIGINTs within the same millisecond (seen here: a
 * single kill() from the parent, heard twice); a person cannot press twice this fast.
 */
const SAME_PRESS_MS = 100;

/** Calls `onInterrupt` at the first SIGINT; a second one exits at once (130). Returns the function that stops listening. */
export function untilInterrupted(onInterrupt: () => void): () => void {
  let firstAt: number | null = null;
  const listener = (): void => {
    const now = performance.now();
    if (firstAt !== null) {
      if (now - firstAt >= SAME_PRESS_MS) process.exit(130);
      return;
    }
    firstAt = now;
    onInterrupt();
  };
  process.on('SIGINT', listener);
  return () => {
    process.off('SIGINT', listener);
  };
}
