/**
 * The state the bot keeps: per-user conversation, contacts and verdicts, plus dedupe marks and
 * counters. Every write carries a TTL, so nothing lives forever.
 */
export interface StateStore {
  readonly kind: 'redis' | 'memory';
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
  /** Atomic set-if-absent with expiry; true when this call created the key. */
  setIfAbsent(key: string, value: string, ttlSeconds: number): Promise<boolean>;
  /** Atomic increment; the TTL is set when the key is created, so a window is fixed. */
  increment(key: string, ttlSeconds: number): Promise<number>;
  /** Appends to a list, keeps its last `maxLength` items and refreshes the TTL. */
  listPush(key: string, value: string, maxLength: number, ttlSeconds: number): Promise<void>;
  listRange(key: string): Promise<string[]>;
  delete(...keys: string[]): Promise<void>;
  /** Deletes every key under the prefix; returns how many were deleted. */
  deleteByPrefix(prefix: string): Promise<number>;
  /** Seconds left to live; -1 no expiry, -2 no such key (as Redis TTL). */
  ttl(key: string): Promise<number>;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

const NAMESPACE = 'kab';

/**
 * Key layout. A user's keys share a `{userId}` hash tag so they live in one Redis Cluster slot,
 * and deleting a user is one prefix scan.
 */
export const keys = {
  userPrefix: (userId: string) => `${NAMESPACE}:u:{${userId}}:`,
  user: (userId: string, name: string) => `${NAMESPACE}:u:{${userId}}:${name}`,
  dedupe: (webhookEventId: string) => `${NAMESPACE}:dedupe:${webhookEventId}`,
  all: `${NAMESPACE}:`,
};
