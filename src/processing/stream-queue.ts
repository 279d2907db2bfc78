// The durable handoff: webhook events go into Redis Streams before LINE gets its 200, and workers
// (in the web process, or separate `npm run worker` processes) take them from there.
//
// Layout. Events are sharded by chat into QUEUE_SHARDS streams, `kab:{queue}:sNN`, each read by one
// consumer group. Every shard has a lease key (`kab:{queue}:lease:NN`, SET NX PX, renewed each tick)
// and only the lease holder reads the shard, so one chat's events are handled by one worker, in
// order, while different chats spread over every worker. Workers announce themselves in a sorted
// set (`kab:{queue}:workers`) and each takes a fair share (ceil(shards / live workers)); a worker
// holding more than its share hands the surplus back between two reads, once its entries are done.
// All queue keys carry the `{queue}` hash tag: in Redis Cluster they live in one slot, so one
// blocking XREADGROUP covers all of a worker's shards. Per-user state keys spread by `{userId}`.
//
// Delivery. XREADGROUP hands an entry to the shard's holder; it is acknowledged (XACK + XDEL) after
// handling. A worker that dies leaves its entries pending and stops renewing its leases; when a
// lease expires another worker takes the shard and claims every pending entry (XAUTOCLAIM) before
// reading new ones. Taken-over entries are handled with `takeover`, which lets the event's dedupe
// mark (see claims.ts) tell "never answered" from "answered but not yet acknowledged".
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Logger } from '../observability/log.ts';
import { redisClientOptions } from '../store/redis.ts';
import { orderingKey } from './events.ts';
import type { HandleOptions, Outcome } from './handle-event.ts';
import { KeyedSerialQueue } from './keyed-queue.ts';

export const QUEUE_SHARDS = 16;
/**
 * Like every key the bot writes, the queue's keys expire: a shard's stream lives a week past its
 * last event (entries are deleted as soon as they are handled, so only a queue nobody has consumed
 * for a week loses anything), the worker registry a few leases past the last heartbeat.
 */
export const QUEUE_TTL_MS = 7 * 86_400_000;
export const QUEUE_PREFIX = 'kab:{queue}';
export const CONSUMER_GROUP = 'handlers';

export function queueKeys(prefix = QUEUE_PREFIX) {
  const pad = (shard: number) => String(shard).padStart(2, '0');
  return {
    stream: (shard: number) => `${prefix}:s${pad(shard)}`,
    lease: (shard: number) => `${prefix}:lease:${pad(shard)}`,
    workers: `${prefix}:workers`,
    dead: `${prefix}:dead`,
  };
}

/** FNV-1a: a stable, cheap spread of chat keys over the shards, the same in every process. */
export function shardOf(key: string, shards = QUEUE_SHARDS): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % shards;
}

export type QueueLayout = { prefix?: string; shards?: number };

/**
 * The webhook's side: appends each accepted event to its chat's shard. Commands go out one per
 * event on an auto-pipelining client, so concurrent webhook requests share one write to Redis.
 */
export class StreamProducer {
  readonly #client: Redis;
  readonly #keys: ReturnType<typeof queueKeys>;
  readonly #shards: number;
  readonly #ttlRefreshedAt = new Map<string, number>();

  constructor(client: Redis, layout: QueueLayout = {}) {
    this.#client = client;
    this.#keys = queueKeys(layout.prefix);
    this.#shards = layout.shards ?? QUEUE_SHARDS;
  }

  /** Resolves with the events that could not be queued (all of them when Redis is away). */
  async enqueue(events: readonly unknown[]): Promise<unknown[]> {
    if (events.length === 0) return [];
    if (this.#client.status !== 'ready') return [...events];
    const acceptedAt = String(Date.now());
    const results = await Promise.allSettled(
      events.map((event) => {
        const stream = this.#keys.stream(shardOf(orderingKey(event), this.#shards));
        this.#refreshTtl(stream);
        return this.#client.xadd(stream, '*', 'e', JSON.stringify(event), 'a', acceptedAt);
      }),
    );
    return events.filter((_, i) => results[i]!.status === 'rejected');
  }

  /** The stream's week-long TTL, pushed forward about once a minute rather than on every event. */
  #refreshTtl(stream: string): void {
    const now = Date.now();
    if (now - (this.#ttlRefreshedAt.get(stream) ?? 0) < 60_000) return;
    this.#ttlRefreshedAt.set(stream, now);
    this.#client.pexpire(stream, QUEUE_TTL_MS).catch(() => this.#ttlRefreshedAt.delete(stream));
  }
}

export type StreamHandler = (event: unknown, options: HandleOptions) => Promise<Outcome>;

export type StreamWorkerOptions = QueueLayout & {
  redisUrl: string;
  handle: StreamHandler;
  log: Logger;
  consumer?: string;
  /** A shard whose lease is not renewed within this is taken over by another worker. */
  leaseMs?: number;
  tickMs?: number;
  blockMs?: number;
  batch?: number;
  maxInFlight?: number;
  /** Delays before each new attempt at an event whose handling failed for a passing reason. */
  retryDelaysMs?: number[];
  onOutcome?: (outcome: Outcome | 'dead-lettered') => void;
};

type ShardState = 'recovering' | 'reading' | 'releasing';
type Retry = { shard: number; id: string; event: unknown; attempts: number; dueAt: number };

// Renew or give back a lease only while it is still ours.
const RENEW_IF_OWNER = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`;
const DELETE_IF_OWNER = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

type StreamEntry = [id: string, fields: string[]];
type LeaseCommands = Redis & {
  renewIfOwner(key: string, owner: string, ttlMs: number): Promise<number>;
  deleteIfOwner(key: string, owner: string): Promise<number>;
};

export class StreamWorker {
  readonly consumer: string;
  readonly #options: Required<Omit<StreamWorkerOptions, 'prefix' | 'onOutcome' | 'consumer'>> & Pick<StreamWorkerOptions, 'onOutcome'>;
  readonly #keys: ReturnType<typeof queueKeys>;
  readonly #command: LeaseCommands;
  readonly #reader: Redis;
  readonly #queue = new KeyedSerialQueue();
  readonly #owned = new Map<number, ShardState>();
  readonly #inFlightByShard = new Map<number, number>();
  readonly #inFlightIds = new Set<string>();
  readonly #unacked = new Map<number, Set<string>>();
  readonly #retries = new Map<string, Retry>();
  readonly #tidied = new Set<number>();
  readonly #capacityWaiters: (() => void)[] = [];
  #inFlight = 0;
  #running = false;
  #groupsReady = false;
  #ackScheduled = false;
  #lastError = '';
  #quietUntil = 0;
  #wakeTick: (() => void) | undefined;
  #loops: Promise<void>[] = [];

  constructor(options: StreamWorkerOptions) {
    this.#options = {
      shards: QUEUE_SHARDS,
      leaseMs: 5_000,
      tickMs: 1_000,
      blockMs: 1_000,
      batch: 64,
      maxInFlight: 256,
      retryDelaysMs: [2_000, 8_000, 30_000, 120_000],
      ...options,
    };
    this.#keys = queueKeys(options.prefix);
    this.consumer = options.consumer ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
    this.#command = new Redis(options.redisUrl, redisClientOptions()) as LeaseCommands;
    this.#command.defineCommand('renewIfOwner', { numberOfKeys: 1, lua: RENEW_IF_OWNER });
    this.#command.defineCommand('deleteIfOwner', { numberOfKeys: 1, lua: DELETE_IF_OWNER });
    this.#reader = new Redis(options.redisUrl, redisClientOptions({ commandTimeout: this.#options.blockMs + 2_000, enableAutoPipelining: false }));
    this.#command.on('ready', () => {
      this.#groupsReady = false; // a restarted Redis may have lost them
    });
    for (const client of [this.#command, this.#reader]) client.on('error', () => {}); // reported by the loops
  }

  /** Shards this worker reads now, for tests and the logs. */
  get shards(): number[] {
    return [...this.#owned.keys()].sort((a, b) => a - b);
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#quietUntil = Date.now() + 3_000;
    this.#loops = [this.#tickLoop(), this.#readLoop()];
  }

  /** Stops reading, finishes what it holds, acknowledges it and gives its shards back at once. */
  async stop(): Promise<void> {
    if (!this.#running) return this.#quit();
    this.#running = false;
    this.#wakeTick?.();
    await Promise.allSettled(this.#loops);
    await this.#queue.drain();
    await this.#flushAcks().catch(() => {});
    await this.#releaseAll().catch(() => {});
    await this.#quit();
  }

  async #quit(): Promise<void> {
    await Promise.allSettled([this.#command.quit(), this.#reader.quit()]);
    this.#command.disconnect();
    this.#reader.disconnect();
  }

  #report(err: unknown, what: string): void {
    if (Date.now() < this.#quietUntil) return; // still connecting at start-up
    const message = err instanceof Error ? err.message : String(err);
    if (message === this.#lastError) return; // one line per kind of trouble, not one per second
    this.#lastError = message;
    this.#options.log.warn({ err: message, consumer: this.consumer }, `queue worker: ${what} failed; retrying`);
  }

  #healthy(): void {
    if (!this.#lastError) return;
    this.#lastError = '';
    this.#options.log.info({ consumer: this.consumer, shards: this.shards.length }, 'queue worker: Redis reachable again');
  }

  async #sleep(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#wakeTick = done;
    });
  }

  async #tickLoop(): Promise<void> {
    while (this.#running) {
      try {
        await this.#tick();
        this.#healthy();
      } catch (err) {
        this.#report(err, 'lease upkeep');
      }
      if (this.#running) await this.#sleep(this.#options.tickMs);
    }
  }

  async #ensureGroups(): Promise<void> {
    if (this.#groupsReady) return;
    const pipeline = this.#command.pipeline();
    for (let shard = 0; shard < this.#options.shards; shard++) {
      pipeline.xgroup('CREATE', this.#keys.stream(shard), CONSUMER_GROUP, '0', 'MKSTREAM');
      pipeline.pexpire(this.#keys.stream(shard), QUEUE_TTL_MS, 'NX');
    }
    const results = (await pipeline.exec()) ?? [];
    for (const [err] of results) if (err && !/BUSYGROUP/.test(err.message)) throw err;
    this.#groupsReady = true;
  }

  async #tick(): Promise<void> {
    const { leaseMs, shards } = this.#options;
    await this.#ensureGroups();
    await this.#flushAcks();

    const now = Date.now();
    const [, , live] = ((await this.#command
      .multi()
      .zadd(this.#keys.workers, now, this.consumer)
      .zremrangebyscore(this.#keys.workers, '-inf', now - leaseMs)
      .zcard(this.#keys.workers)
      .pexpire(this.#keys.workers, 3 * leaseMs)
      .exec()) ?? []).map(([err, value]) => {
      if (err) throw err;
      return value;
    });
    const fairShare = Math.ceil(shards / Math.max(1, Number(live)));

    const held = [...this.#owned.keys()];
    const renewed = await Promise.all(held.map((shard) => this.#command.renewIfOwner(this.#keys.lease(shard), this.consumer, leaseMs)));
    const lost = held.filter((shard, i) => renewed[i] === 0 && this.#owned.has(shard));
    for (const shard of lost) this.#owned.delete(shard);
    if (lost.length > 0) {
      // After a Redis outage longer than a lease, or a pause of this process: take them again below.
      this.#options.log.warn({ shards: lost, consumer: this.consumer }, 'queue worker: shard leases expired');
    }

    const keeping = [...this.#owned].filter(([, state]) => state !== 'releasing').map(([shard]) => shard);
    if (keeping.length > fairShare) {
      for (const shard of keeping.slice(fairShare)) this.#owned.set(shard, 'releasing');
    } else if (keeping.length < fairShare && this.#running) {
      await this.#acquire(fairShare - keeping.length);
    }

    for (const [key, retry] of this.#retries) {
      if (!this.#owned.has(retry.shard)) {
        this.#retries.delete(key); // the shard's new holder claims the entry and tries again
      } else if (retry.dueAt <= now) {
        this.#retries.delete(key);
        this.#dispatch(retry.shard, retry.id, retry.event, { takeover: true, attempts: retry.attempts });
      }
    }
  }

  /** Takes up to `wanted` free shards, starting at a random one so workers do not collide. */
  async #acquire(wanted: number): Promise<void> {
    const { shards, leaseMs } = this.#options;
    const start = Math.floor(Math.random() * shards);
    const candidates = Array.from({ length: shards }, (_, i) => (start + i) % shards).filter((shard) => !this.#owned.has(shard));
    const taken = await Promise.all(candidates.map((shard) => this.#command.set(this.#keys.lease(shard), this.consumer, 'PX', leaseMs, 'NX')));
    const won = candidates.filter((_, i) => taken[i] === 'OK');
    const keep = won.slice(0, wanted);
    await Promise.all(won.slice(wanted).map((shard) => this.#command.deleteIfOwner(this.#keys.lease(shard), this.consumer)));
    for (const shard of keep) this.#owned.set(shard, 'recovering');
    await Promise.all(
      keep.map(async (shard) => {
        await this.#recover(shard);
        if (this.#owned.get(shard) === 'recovering') this.#owned.set(shard, 'reading');
      }),
    );
  }

  /** Takes over every entry left pending in the shard (by a dead worker, or by this one). */
  async #recover(shard: number): Promise<void> {
    const stream = this.#keys.stream(shard);
    let cursor = '0-0';
    let recovered = 0;
    for (let page = 0; page < 1_000; page++) {
      const [next, entries] = (await this.#command.xautoclaim(stream, CONSUMER_GROUP, this.consumer, 0, cursor, 'COUNT', 100)) as [string, (StreamEntry | null)[], string[]];
      for (const entry of entries) {
        if (!entry) continue;
        recovered++;
        this.#dispatchEntry(shard, entry, { takeover: true, attempts: 1 });
      }
      if (next === '0-0') break;
      cursor = next;
    }
    if (recovered > 0) this.#options.log.info({ shard, recovered, consumer: this.consumer }, 'queue worker: took over pending events');
    if (recovered > 0 || !this.#tidied.has(shard)) {
      this.#tidied.add(shard);
      await this.#forgetIdleConsumers(stream);
    }
  }

  /** Consumers of dead processes stay listed in the group; drop the ones with nothing pending. */
  async #forgetIdleConsumers(stream: string): Promise<void> {
    const consumers = (await this.#command.xinfo('CONSUMERS', stream, CONSUMER_GROUP)) as unknown[][];
    for (const fields of consumers) {
      const info = new Map<string, unknown>();
      for (let i = 0; i + 1 < fields.length; i += 2) info.set(String(fields[i]), fields[i + 1]);
      const name = String(info.get('name'));
      if (name !== this.consumer && Number(info.get('pending')) === 0 && Number(info.get('idle')) > 60_000) {
        await this.#command.xgroup('DELCONSUMER', stream, CONSUMER_GROUP, name);
      }
    }
  }

  async #readLoop(): Promise<void> {
    const { batch, blockMs } = this.#options;
    while (this.#running) {
      await this.#capacity();
      if (!this.#running) break;
      await this.#releaseFinished().catch((err: unknown) => this.#report(err, 'giving back a shard'));
      const reading = [...this.#owned].filter(([, state]) => state === 'reading').map(([shard]) => shard);
      if (reading.length === 0) {
        await new Promise((r) => setTimeout(r, 100));
        continue;
      }
      try {
        const streams = reading.map((shard) => this.#keys.stream(shard));
        const result = (await this.#reader.xreadgroup(
          'GROUP', CONSUMER_GROUP, this.consumer,
          'COUNT', batch, 'BLOCK', blockMs,
          'STREAMS', ...streams, ...streams.map(() => '>'),
        )) as [string, StreamEntry[]][] | null;
        for (const [stream, entries] of result ?? []) {
          const shard = reading[streams.indexOf(stream)];
          if (shard === undefined) continue;
          for (const entry of entries) this.#dispatchEntry(shard, entry, { takeover: false, attempts: 1 });
        }
      } catch (err) {
        if (err instanceof Error && /NOGROUP/.test(err.message)) this.#groupsReady = false;
        this.#report(err, 'reading the queue');
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  }

  /** Gives back shards marked for release once nothing of theirs is in hand; between two reads. */
  async #releaseFinished(): Promise<void> {
    for (const [shard, state] of this.#owned) {
      if (state !== 'releasing' || (this.#inFlightByShard.get(shard) ?? 0) > 0) continue;
      await this.#flushAcks();
      await this.#command.deleteIfOwner(this.#keys.lease(shard), this.consumer);
      this.#owned.delete(shard);
    }
  }

  async #releaseAll(): Promise<void> {
    const clean = this.#retries.size === 0 && this.#unacked.size === 0;
    await Promise.all(
      [...this.#owned.keys()].map(async (shard) => {
        await this.#command.deleteIfOwner(this.#keys.lease(shard), this.consumer);
        this.#owned.delete(shard);
        // Nothing of ours is pending here any more, so the group can forget this consumer.
        if (clean) await this.#command.xgroup('DELCONSUMER', this.#keys.stream(shard), CONSUMER_GROUP, this.consumer);
      }),
    );
    await this.#command.zrem(this.#keys.workers, this.consumer);
  }

  async #capacity(): Promise<void> {
    while (this.#inFlight >= this.#options.maxInFlight) {
      await new Promise<void>((resolve) => this.#capacityWaiters.push(resolve));
    }
  }

  #dispatchEntry(shard: number, [id, fields]: StreamEntry, options: { takeover: boolean; attempts: number }): void {
    const json = fields[fields.indexOf('e') + 1];
    let event: unknown;
    try {
      event = JSON.parse(json ?? '');
    } catch {
      this.#options.log.error({ shard, id }, 'queue worker: unreadable entry dropped');
      this.#ack(shard, id);
      return;
    }
    this.#dispatch(shard, id, event, options);
  }

  #dispatch(shard: number, id: string, event: unknown, options: { takeover: boolean; attempts: number }): void {
    const key = `${shard}/${id}`;
    if (this.#inFlightIds.has(key) || this.#retries.has(key)) return; // already in hand here
    if (this.#unacked.get(shard)?.has(id)) return; // handled; its acknowledgement is on its way
    this.#inFlightIds.add(key);
    this.#inFlight++;
    this.#inFlightByShard.set(shard, (this.#inFlightByShard.get(shard) ?? 0) + 1);
    void this.#queue.run(orderingKey(event), async () => {
      try {
        const outcome = await this.#options.handle(event, { takeover: options.takeover }).catch((): Outcome => 'failed');
        if (outcome === 'retry') this.#retryLater({ shard, id, event, attempts: options.attempts, dueAt: 0 });
        else this.#ack(shard, id);
        this.#options.onOutcome?.(outcome);
      } finally {
        this.#inFlightIds.delete(key);
        this.#inFlight--;
        this.#inFlightByShard.set(shard, (this.#inFlightByShard.get(shard) ?? 1) - 1);
        this.#capacityWaiters.shift()?.();
      }
    });
  }

  #retryLater(retry: Retry): void {
    const delay = this.#options.retryDelaysMs[retry.attempts - 1];
    if (delay === undefined) {
      this.#options.log.error({ shard: retry.shard, id: retry.id, attempts: retry.attempts }, 'queue worker: event failed every attempt; moved to the dead-letter stream');
      void this.#command
        .multi()
        .xadd(this.#keys.dead, 'MAXLEN', '~', 10_000, '*', 'e', JSON.stringify(retry.event), 's', String(retry.shard))
        .pexpire(this.#keys.dead, QUEUE_TTL_MS)
        .exec()
        .catch((err: unknown) => this.#report(err, 'dead-lettering'));
      this.#ack(retry.shard, retry.id);
      this.#options.onOutcome?.('dead-lettered');
      return;
    }
    this.#retries.set(`${retry.shard}/${retry.id}`, { ...retry, attempts: retry.attempts + 1, dueAt: Date.now() + delay });
  }

  /** Acknowledgements are batched per turn of the event loop; kept for later when Redis is away. */
  #ack(shard: number, id: string): void {
    let ids = this.#unacked.get(shard);
    if (!ids) this.#unacked.set(shard, (ids = new Set()));
    ids.add(id);
    if (this.#ackScheduled) return;
    this.#ackScheduled = true;
    setImmediate(() => {
      this.#ackScheduled = false;
      this.#flushAcks().catch((err: unknown) => this.#report(err, 'acknowledging'));
    });
  }

  async #flushAcks(): Promise<void> {
    if (this.#unacked.size === 0) return;
    const batch = [...this.#unacked].map(([shard, ids]) => [shard, [...ids]] as const).filter(([, ids]) => ids.length > 0);
    if (batch.length === 0) return;
    const pipeline = this.#command.pipeline();
    for (const [shard, ids] of batch) {
      pipeline.xack(this.#keys.stream(shard), CONSUMER_GROUP, ...ids);
      pipeline.xdel(this.#keys.stream(shard), ...ids);
    }
    const results = (await pipeline.exec()) ?? [];
    const failed = results.find(([err]) => err);
    if (failed) throw failed[0];
    for (const [shard, ids] of batch) {
      const pending = this.#unacked.get(shard);
      for (const id of ids) pending?.delete(id);
      if (pending?.size === 0) this.#unacked.delete(shard);
    }
  }
}
