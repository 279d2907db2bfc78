import type { StateStore } from './store.ts';

export type Entry = { value: string | string[]; expiresAt: number };

/** The embedded default: one process, no persistence. Expired entries vanish on read and on sweep. */
export class MemoryStore implements StateStore {
  readonly kind = 'memory' as const;
  readonly #entries = new Map<string, Entry>();
  readonly #now: () => number;
  readonly #sweeper: NodeJS.Timeout;

  constructor(now: () => number = Date.now) {
    this.#now = now;
    this.#sweeper = setInterval(() => this.#sweep(), 60_000);
    this.#sweeper.unref();
  }

  #live(key: string): Entry | undefined {
    const entry = this.#entries.get(key);
    if (entry && entry.expiresAt <= this.#now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry;
  }

  #sweep(): void {
    for (const key of this.#entries.keys()) this.#live(key);
  }

  #expiry(ttlSeconds: number): number {
    return this.#now() + ttlSeconds * 1000;
  }

  async get(key: string): Promise<string | null> {
    const entry = this.#live(key);
    return typeof entry?.value === 'string' ? entry.value : null;
  }

  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    this.#entries.set(key, { value, expiresAt: this.#expiry(ttlSeconds) });
  }

  async setIfAbsent(key: string, value: string, ttlSeconds: number): Promise<boolean> {
    if (this.#live(key)) return false;
    this.#entries.set(key, { value, expiresAt: this.#expiry(ttlSeconds) });
    return true;
  }

  async replaceIf(key: string, expected: string, value: string, ttlSeconds: number): Promise<boolean> {
    if (this.#live(key)?.value !== expected) return false;
    this.#entries.set(key, { value, expiresAt: this.#expiry(ttlSeconds) });
    return true;
  }

  async increment(key: string, ttlSeconds: number): Promise<number> {
    const entry = this.#live(key);
    const next = (entry && typeof entry.value === 'string' ? Number(entry.value) : 0) + 1;
    this.#entries.set(key, { value: String(next), expiresAt: entry?.expiresAt ?? this.#expiry(ttlSeconds) });
    return next;
  }

  async listPush(key: string, value: string, maxLength: number, ttlSeconds: number): Promise<void> {
    const entry = this.#live(key);
    const list = Array.isArray(entry?.value) ? entry.value : [];
    list.push(value);
    if (list.length > maxLength) list.splice(0, list.length - maxLength);
    this.#entries.set(key, { value: list, expiresAt: this.#expiry(ttlSeconds) });
  }

  async listRange(key: string): Promise<string[]> {
    const entry = this.#live(key);
    return Array.isArray(entry?.value) ? [...entry.value] : [];
  }

  async delete(...keys: string[]): Promise<void> {
    for (const key of keys) this.#entries.delete(key);
  }

  async deleteByPrefix(prefix: string): Promise<number> {
    let deleted = 0;
    for (const key of [...this.#entries.keys()]) {
      if (key.startsWith(prefix)) {
        this.#entries.delete(key);
        deleted++;
      }
    }
    return deleted;
  }

  async ttl(key: string): Promise<number> {
    const entry = this.#live(key);
    if (!entry) return -2;
    return Math.ceil((entry.expiresAt - this.#now()) / 1000);
  }

  /** Live entries with their absolute expiry, for saving the store to a file. */
  exportEntries(): [string, Entry][] {
    this.#sweep();
    return [...this.#entries.entries()];
  }

  importEntries(entries: Iterable<[string, Entry]>): void {
    for (const [key, entry] of entries) if (entry.expiresAt > this.#now()) this.#entries.set(key, entry);
  }

  async ping(): Promise<boolean> {
    return true;
  }

  async close(): Promise<void> {
    clearInterval(this.#sweeper);
    this.#entries.clear();
  }
}
