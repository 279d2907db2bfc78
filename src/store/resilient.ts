import type { Logger } from '../observability/log.ts';
import type { StateStore } from './store.ts';

/** How many dedupe marks a process keeps by itself while the shared store is away. */
const LOCAL_MARKS_MAX = 10_000;

export type StoreStatus = 'ok' | 'degraded';

/**
 * Keeps the bot answering while its store (Redis) is unreachable: reads come back empty, writes
 * are dropped, counters start from 1 (rate limits fail open), deletions fail loudly (nobody is told
 * their data is gone when it is not), and set-if-absent says "fresh" — dedupe fails open, so an
 * event is answered rather than dropped (a redelivery that reaches another process during an
 * outage may be answered twice). Within one process, dedupe marks are still kept in a bounded
 * local map so a redelivery to the same process stays single. Every call tries the real store
 * first, so the bot recovers by itself the moment it answers again.
 */
export class ResilientStore implements StateStore {
  readonly inner: StateStore;
  readonly #log: Logger;
  readonly #now: () => number;
  readonly #localMarks = new Map<string, number>();
  #status: StoreStatus = 'ok';
  #listeners = new Set<(status: StoreStatus) => void>();

  constructor(inner: StateStore, log: Logger, now: () => number = Date.now) {
    this.inner = inner;
    this.#log = log;
    this.#now = now;
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
      this.#localMarks.clear();
      this.#log.info('state store reachable again');
    }
    for (const listener of this.#listeners) listener(status);
  }

  async #try<T>(call: () => Promise<T>, fallback: (err: unknown) => T): Promise<T> {
    try {
      const result = await call();
      this.#set('ok');
      return result;
    } catch (err) {
      this.#set('degraded', err);
      return fallback(err);
    }
  }

  get(key: string): Promise<string | null> {
    return this.#try(() => this.inner.get(key), () => null);
  }

  set(key: string, value: string, ttlSeconds: number): Promise<void> {
    return this.#try(() => this.inner.set(key, value, ttlSeconds), () => undefined);
  }

  setIfAbsent(key: string, value: string, ttlSeconds: number): Promise<boolean> {
    return this.#try(
      () => this.inner.setIfAbsent(key, value, ttlSeconds),
      () => this.#markLocally(key, ttlSeconds),
    );
  }

  #markLocally(key: string, ttlSeconds: number): boolean {
    const now = this.#now();
    const expiresAt = this.#localMarks.get(key);
    if (expiresAt !== undefined && expiresAt > now) return false;
    this.#localMarks.set(key, now + ttlSeconds * 1000);
    if (this.#localMarks.size > LOCAL_MARKS_MAX) {
      const oldest = this.#localMarks.keys().next().value;
      if (oldest !== undefined) this.#localMarks.delete(oldest);
    }
    return true;
  }

  increment(key: string, ttlSeconds: number): Promise<number> {
    // Rate limits fail open: nobody is refused because the counter is out of reach.
    return this.#try(() => this.inner.increment(key, ttlSeconds), () => 1);
  }

  listPush(key: string, value: string, maxLength: number, ttlSeconds: number): Promise<void> {
    return this.#try(() => this.inner.listPush(key, value, maxLength, ttlSeconds), () => undefined);
  }

  listRange(key: string): Promise<string[]> {
    return this.#try(() => this.inner.listRange(key), () => []);
  }

  // Deletions do not pretend: a user who asked for their data to go must not be told it went.
  delete(...keys: string[]): Promise<void> {
    return this.#try(() => this.inner.delete(...keys), (err) => {
      throw err;
    });
  }

  deleteByPrefix(prefix: string): Promise<number> {
    return this.#try(() => this.inner.deleteByPrefix(prefix), (err) => {
      throw err;
    });
  }

  ttl(key: string): Promise<number> {
    return this.#try(() => this.inner.ttl(key), () => -2);
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
