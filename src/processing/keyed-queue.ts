/**
 * Runs tasks concurrently across keys and strictly in order within one key (one LINE chat),
 * and knows what is still in flight so shutdown can wait for it.
 */
export class KeyedSerialQueue {
  readonly #tails = new Map<string, Promise<void>>();
  readonly #inFlight = new Set<Promise<void>>();

  run(key: string, task: () => Promise<void>): Promise<void> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const current = previous.then(task, task).catch(() => {
      // The task reports its own errors; the chain must survive them.
    });
    this.#tails.set(key, current);
    this.#inFlight.add(current);
    void current.finally(() => {
      this.#inFlight.delete(current);
      if (this.#tails.get(key) === current) this.#tails.delete(key);
    });
    return current;
  }

  get size(): number {
    return this.#inFlight.size;
  }

  /** Resolves when everything queued so far (and anything queued meanwhile) has finished. */
  async drain(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
  }
}
