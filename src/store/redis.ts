import { Redis, type RedisOptions } from 'ioredis';
import type { StateStore } from './store.ts';

// INCR and EXPIRE in one step, so a crash between them cannot leave a counter without a TTL.
const INCREMENT_WITH_TTL = `
local n = redis.call('INCR', KEYS[1])
if n == 1 or redis.call('TTL', KEYS[1]) < 0 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return n`;

/** Compare-and-set: the dedupe mark of an event moves on only from the step its owner last wrote. */
const REPLACE_IF = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
return 1`;

/**
 * Connection settings shared by every client the bot opens: fail fast while Redis is away instead
 * of queueing commands forever (callers degrade), give up on a hung server after a second,
 * reconnect at most half a second apart so recovery is quick once it returns, and pipeline.
 */
export function redisClientOptions(overrides: RedisOptions = {}): RedisOptions {
  return {
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    connectTimeout: 2_000,
    commandTimeout: 1_000,
    retryStrategy: (attempt) => Math.min(attempt * 100, 500),
    lazyConnect: false,
    // Commands issued in the same turn of the event loop share one write: concurrent webhooks
    // and turns cost one round trip and one syscall, not one each.
    enableAutoPipelining: true,
    ...overrides,
  };
}

export type RedisStoreOptions = {
  /** Called when the connection state changes, for /healthz and logs. */
  onStatus?: (status: 'ready' | 'down', error?: Error) => void;
};

export class RedisStore implements StateStore {
  readonly kind = 'redis' as const;
  readonly client: Redis;

  constructor(url: string, options: RedisStoreOptions = {}) {
    this.client = new Redis(url, redisClientOptions());
    this.client.on('ready', () => options.onStatus?.('ready'));
    this.client.on('error', (err: Error) => options.onStatus?.('down', err));
    this.client.on('end', () => options.onStatus?.('down'));
    this.client.defineCommand('incrementWithTtl', { numberOfKeys: 1, lua: INCREMENT_WITH_TTL });
    this.client.defineCommand('replaceIf', { numberOfKeys: 1, lua: REPLACE_IF });
  }

  /** Resolves once connected, or rejects after the timeout. */
  async connected(timeoutMs = 3_000): Promise<void> {
    if (this.client.status === 'ready') return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`Redis not reachable within ${timeoutMs} ms`));
      }, timeoutMs);
      const onReady = () => {
        cleanup();
        resolve();
      };
      const cleanup = () => {
        clearTimeout(timer);
        this.client.off('ready', onReady);
      };
      this.client.on('ready', onReady);
    });
  }

  async get(key: string): Promise<string | null> {
    return this.client.get(key);
  }

  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    await this.client.set(key, value, 'EX', ttlSeconds);
  }

  async setIfAbsent(key: string, value: string, ttlSeconds: number): Promise<boolean> {
    return (await this.client.set(key, value, 'EX', ttlSeconds, 'NX')) === 'OK';
  }

  async replaceIf(key: string, expected: string, value: string, ttlSeconds: number): Promise<boolean> {
    const client = this.client as Redis & { replaceIf(key: string, expected: string, value: string, ttl: number): Promise<number> };
    return (await client.replaceIf(key, expected, value, ttlSeconds)) === 1;
  }

  async increment(key: string, ttlSeconds: number): Promise<number> {
    const client = this.client as Redis & { incrementWithTtl(key: string, ttl: number): Promise<number> };
    return client.incrementWithTtl(key, ttlSeconds);
  }

  async listPush(key: string, value: string, maxLength: number, ttlSeconds: number): Promise<void> {
    await this.client
      .multi()
      .rpush(key, value)
      .ltrim(key, -maxLength, -1)
      .expire(key, ttlSeconds)
      .exec();
  }

  async listRange(key: string): Promise<string[]> {
    return this.client.lrange(key, 0, -1);
  }

  async delete(...keys: string[]): Promise<void> {
    if (keys.length > 0) await this.client.del(...keys);
  }

  async deleteByPrefix(prefix: string): Promise<number> {
    let deleted = 0;
    const pattern = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
    for await (const batch of this.client.scanStream({ match: pattern, count: 200 })) {
      const found = batch as string[];
      if (found.length > 0) deleted += await this.client.del(...found);
    }
    return deleted;
  }

  async ttl(key: string): Promise<number> {
    return this.client.ttl(key);
  }

  async ping(): Promise<boolean> {
    try {
      return (await this.client.ping()) === 'PONG';
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    try {
      await this.client.quit();
    } catch {
      this.client.disconnect();
    }
  }
}
