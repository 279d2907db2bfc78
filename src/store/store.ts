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
  /** Atomic compare-and-set with expiry: writes `value` only while the key holds `expected`; true when it did. */
  replaceIf(key: string, expected: string, value: string, ttlSeconds: number): Promise<boolean>;
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

/** A store call that did not reach the store (Redis away, timed out): nothing was read or written. */
export class StoreUnavailableError extends Error {
  override name = 'StoreUnavailableError';
  constructor(cause: unknown) {
    super(`state store unavailable: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

const NAMESPACE = 'kab';

/**
 * An id as it goes into a key: characters that would end the hash tag (`}`), start a new one, split
 * the key (`:`) or act in a SCAN pattern are percent-encoded, so no id can reach into another
 * id's keys. LINE's own ids (U, C or R and 32 hex digits) come out unchanged.
 */
export const keyPart = (id: string): string => encodeURIComponent(id).replace(/[*!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * Key layout. A user's keys share a `{userId}` hash tag so they live in one Redis Cluster slot,
 * and deleting a user is one prefix scan. Abuse counters (rate limit, LLM budget) live outside
 * that prefix on purpose: they hold no personal data, and deleting one's data must not reset them.
 */
export const keys = {
  userPrefix: (userId: string) => `${NAMESPACE}:u:{${keyPart(userId)}}:`,
  user: (userId: string, name: string) => `${NAMESPACE}:u:{${keyPart(userId)}}:${name}`,
  limit: (userId: string, name: string) => `${NAMESPACE}:limit:{${keyPart(userId)}}:${name}`,
  dedupe: (webhookEventId: string) => `${NAMESPACE}:dedupe:${keyPart(webhookEventId)}`,
  all: `${NAMESPACE}:`,
};
