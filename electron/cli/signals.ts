// Ctrl-C while a command waits on something long (a sign-in): the first asks it to stop, a second ends the command.

/** Calls `onInterrupt` at the first SIGINT; a second one exits at once (130). Returns the function that stops listening. */
export function untilInterrupted(onInterrupt: () => void): () => void {
  let interrupted = false;
  const listener = (): void => {
    if (interrupted) process.exit(130);
    interrupted = true;
    onInterrupt();
  };
  process.on('SIGINT', listener);
  return () => {
    process.off('SIGINT', listener);
  };
}
