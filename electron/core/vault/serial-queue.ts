// A serial queue: tasks run one at a time in call order; a failed task does not block the next.

/**
 * Every place that must write a file, an entry or a change in order (the accounts file, a data
 * store, the loopback server's start and stop) queues through one of these, so that two quick
 * changes can never land out of order and one failure never wedges the queue.
 */
export class SerialQueue {
  #tail: Promise<void> = Promise.resolve();

  /** Runs `task` after every task queued before it has settled; resolves or rejects with its result. */
  run<T>(task: () => T | Promise<T>): Promise<T> {
    const result = this.#tail.then(task);
    this.#tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  /** Resolves once every task queued so far has settled (successfully or not). */
  idle(): Promise<void> {
    return this.#tail;
  }
}
