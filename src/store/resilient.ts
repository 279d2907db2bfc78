import type { Logger } from '../observability/log.ts';
import { StoreUnavailableError, type StateStore } from './store.ts';

export type StoreStatus = 'ok' | 'degraded';

/**
 * Watches the shared store (Redis) for outages. Every call goes to the real store; a failure turns
 * the status to `degraded` and reaches the caller as a typed `StoreUnavailableError`, so each caller
 * decides what an outage means for it and none mistakes "could not read" for "nothing stored":
 * the conversation answers without memory and saves nothing that depended on a failed read, rate
 * limits fail open, and event claims fall back to marks held in the process (see claims.ts). The
 * first call that succeeds again turns the status back to `ok`.
 */
export class ResilientStore implements StateStore {
  readonly inner: StateStore;
  readonly #log: Logger;
  #status: StoreStatus = 'ok';
  #listeners = new Set<(status: StoreStatus) => void>();

  constructor(inner: StateStore, log: Logger) {
    this.inner = inner;
    this.#log = log;
  }

  get kind(): 'redis' | 'memory' {
    return this.inner.kind;
  }

  get status(): StoreStatus {
    return this.#status;
  }

  onStatus(listener: (status: StoreStatus) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #set(status: StoreStatus, err?: unknown): void {
    if (this.#status === status) return;
    this.#status = status;
    if (status === 'degraded') {
      this.#log.warn({ err: err instanceof Error ? err.message : String(err) }, 'state store unreachable: answering statelessly until it returns');
    } else {
      this.#log.info('state store reachable again');
    }
    for (const listener of this.#listeners) listener(status);
  }

  async #try<T>(call: () => Promise<T>): Promise<T> {
    try {
      const result = await call();
      this.#set('ok');
      return result;
    } catch (err) {
      this.#set('degraded', err);
      throw err instanceof StoreUnavailableError ? err : new StoreUnavailableError(err);
    }
  }

  get(key: string): Promise<string | null> {
    return this.#try(() => this.inner.get(key));
  }

  set(key: string, value: string, ttlSeconds: number): Promise<void> {
    return this.#try(() => this.inner.set(key, value, ttlSeconds));
  }

  setIfAbsent(key: string, value: string, ttlSeconds: number): Promise<boolean> {
    return this.#try(() => this.inner.setIfAbsent(key, value, ttlSeconds));
  }

  replaceIf(key: string, expected: string, value: string, ttlSeconds: number): Promise<boolean> {
    return this.#try(() => this.inner.replaceIf(key, expected, value, ttlSeconds));
  }

  increment(key: string, ttlSeconds: number): Promise<number> {
    return this.#try(() => this.inner.increment(key, ttlSeconds));
  }

  listPush(key: string, value: string, maxLength: number, ttlSeconds: number): Promise<void> {
    return this.#try(() => this.inner.listPush(key, value, maxLength, ttlSeconds));
  }

  listRange(key: string): Promise<string[]> {
    return this.#try(() => this.inner.listRange(key));
  }

  delete(...keys: string[]): Promise<void> {
    return this.#try(() => this.inner.delete(...keys));
  }

  deleteByPrefix(prefix: string): Promise<number> {
    return this.#try(() => this.inner.deleteByPrefix(prefix));
  }

  ttl(key: string): Promise<number> {
    return this.#try(() => this.inner.ttl(key));
  }

  async ping(): Promise<boolean> {
    const ok = await this.inner.ping().catch(() => false);
    this.#set(ok ? 'ok' : 'degraded', ok ? undefined : new Error('ping failed'));
    return ok;
  }

  close(): Promise<void> {
    this.#listeners.clear();
    return this.inner.close();
  }
}
