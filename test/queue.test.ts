// The durable queue against a real Redis: every queued event handled once, in order per chat,
// shards split between workers, and a dead worker's events taken over.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RoutingLineGateway } from '../src/line/routing-gateway.ts';
import { createLogger } from '../src/observability/log.ts';
import { ClaimLostError, EventClaims } from '../src/processing/claims.ts';
import type { HandleOptions, Outcome } from '../src/processing/handle-event.ts';
import { CONSUMER_GROUP, queueKeys, QUEUE_SHARDS, shardOf, StreamProducer, StreamWorker } from '../src/processing/stream-queue.ts';
import { MemoryStore } from '../src/store/memory.ts';
import { StoreUnavailableError } from '../src/store/store.ts';
import { startBot, TEST_CHANNEL_SECRET } from './support/bot-server.ts';
import { testRedisUrl } from './support/redis.ts';
import { fixture, postWebhook, uniqueUserId } from './support/webhook.ts';

const log = createLogger('silent');
let redis: Redis;
const workers: StreamWorker[] = [];

beforeAll(async () => {
  redis = new Redis(testRedisUrl());
  await redis.ping();
});
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.stop()));
});
afterAll(async () => {
  await redis.quit();
});

const newPrefix = () => `kab:{queue-test-${randomUUID().slice(0, 8)}}`;

/** A LINE-shaped user id ("U" + 32 hex digits) for a short test name. */
const lineId = (name: string) => `U${Buffer.from(name).toString('hex').padEnd(32, '0').slice(0, 32)}`;

const userEvent = (userId: string, n: number) => ({
  type: 'message',
  webhookEventId: `${userId}-${n}`,
  timestamp: Date.now(),
  source: { type: 'user', userId: lineId(userId) },
  message: { type: 'text', id: String(n), text: `message ${n}` },
});

type Handled = { id: string; worker: string; takeover: boolean };

function startWorker(prefix: string, handled: Handled[], name: string, handle?: (event: { webhookEventId: string }, o: HandleOptions) => Promise<Outcome>) {
  const worker = new StreamWorker({
    redisUrl: testRedisUrl(),
    prefix,
    log,
    consumer: name,
    leaseMs: 600,
    tickMs: 100,
    blockMs: 200,
    retryDelaysMs: [100, 100],
    handle: async (event, options) => {
      const e = event as { webhookEventId: string };
      const outcome = handle ? await handle(e, options) : 'answered';
      handled.push({ id: e.webhookEventId, worker: name, takeover: options.takeover === true });
      return outcome;
    },
  });
  workers.push(worker);
  worker.start();
  return worker;
}

async function waitFor(check: () => boolean, timeoutMs = 8_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function streamLengths(prefix: string): Promise<number> {
  const keys = queueKeys(prefix);
  const lengths = await Promise.all(Array.from({ length: QUEUE_SHARDS }, (_, s) => redis.xlen(keys.stream(s))));
  return lengths.reduce((a, b) => a + b, 0);
}

describe('the stream queue', () => {
  it('hands every queued event to a worker once and leaves the streams empty', async () => {
    const prefix = newPrefix();
    const handled: Handled[] = [];
    startWorker(prefix, handled, 'w1');
    const producer = new StreamProducer(redis, { prefix });
    const events = Array.from({ length: 50 }, (_, i) => userEvent(`U${i % 7}`, i));
    expect(await producer.enqueue(events)).toEqual([]);
    await waitFor(() => handled.length === 50);
    await new Promise((r) => setTimeout(r, 300));
    expect(new Set(handled.map((h) => h.id)).size).toBe(50);
    expect(handled).toHaveLength(50);
    expect(await streamLengths(prefix)).toBe(0);
  });

  it('splits the shards between two workers, each chat on exactly one of them, in order', async () => {
    const prefix = newPrefix();
    const handled: Handled[] = [];
    const first = startWorker(prefix, handled, 'w1');
    const second = startWorker(prefix, handled, 'w2');
    await waitFor(() => first.shards.length === QUEUE_SHARDS / 2 && second.shards.length === QUEUE_SHARDS / 2);
    expect(new Set([...first.shards, ...second.shards]).size).toBe(QUEUE_SHARDS);

    const producer = new StreamProducer(redis, { prefix });
    const users = Array.from({ length: 20 }, (_, u) => `Uorder${u}`);
    for (let n = 0; n < 10; n++) await producer.enqueue(users.map((u) => userEvent(u, n)));
    await waitFor(() => handled.length === 200);

    for (const user of users) {
      const mine = handled.filter((h) => h.id.startsWith(`${user}-`));
      expect(mine.map((h) => h.id)).toEqual(Array.from({ length: 10 }, (_, n) => `${user}-${n}`));
      expect(new Set(mine.map((h) => h.worker)).size).toBe(1);
    }
    expect(new Set(handled.map((h) => h.worker))).toEqual(new Set(['w1', 'w2']));
  });

  it('gives a stopping worker’s shards to the one that stays, at once', async () => {
    const prefix = newPrefix();
    const handled: Handled[] = [];
    const leaving = startWorker(prefix, handled, 'w1');
    const staying = startWorker(prefix, handled, 'w2');
    await waitFor(() => leaving.shards.length === QUEUE_SHARDS / 2 && staying.shards.length === QUEUE_SHARDS / 2);
    await leaving.stop();
    await waitFor(() => staying.shards.length === QUEUE_SHARDS, 3_000);
  });

  it('takes over the events a dead worker left pending once its lease runs out, flagged as takeovers', async () => {
    const prefix = newPrefix();
    const keys = queueKeys(prefix);
    const producer = new StreamProducer(redis, { prefix });
    const events = Array.from({ length: 5 }, (_, n) => userEvent('Udead', n));
    const shard = shardOf(`user:${lineId('Udead')}`);
    for (let s = 0; s < QUEUE_SHARDS; s++) await redis.xgroup('CREATE', keys.stream(s), CONSUMER_GROUP, '0', 'MKSTREAM');
    await producer.enqueue(events);
    // What a worker killed mid-work leaves behind: its lease, and the entries it had read.
    await redis.set(keys.lease(shard), 'dead-worker', 'PX', 700);
    await redis.xreadgroup('GROUP', CONSUMER_GROUP, 'dead-worker', 'COUNT', 10, 'STREAMS', keys.stream(shard), '>');

    const handled: Handled[] = [];
    const started = Date.now();
    startWorker(prefix, handled, 'heir');
    await waitFor(() => handled.length === 5);
    expect(Date.now() - started).toBeGreaterThanOrEqual(500);
    expect(handled.map((h) => h.id)).toEqual(events.map((e) => e.webhookEventId));
    expect(handled.every((h) => h.takeover)).toBe(true);
    expect(await streamLengths(prefix)).toBe(0);
  });

  it('tries an event again when its handling reports a passing failure, then acknowledges it', async () => {
    const prefix = newPrefix();
    const handled: Handled[] = [];
    let failuresLeft = 2;
    startWorker(prefix, handled, 'w1', async () => (failuresLeft-- > 0 ? 'retry' : 'answered'));
    await new StreamProducer(redis, { prefix }).enqueue([userEvent('Uretry', 1)]);
    await waitFor(() => handled.length === 3);
    expect(handled.map((h) => h.takeover)).toEqual([false, true, true]);
    await waitFor(() => failuresLeft < 0);
    await new Promise((r) => setTimeout(r, 200));
    expect(await streamLengths(prefix)).toBe(0);
  });

  it('moves an event that fails every attempt to the dead-letter stream', async () => {
    const prefix = newPrefix();
    const handled: Handled[] = [];
    startWorker(prefix, handled, 'w1', async () => 'retry');
    await new StreamProducer(redis, { prefix }).enqueue([userEvent('Upoison', 1)]);
    await waitFor(() => handled.length === 3);
    await waitFor(() => false, 300).catch(() => {});
    expect(await redis.xlen(queueKeys(prefix).dead)).toBe(1);
    expect(await streamLengths(prefix)).toBe(0);
  });

  it('gives every event back to the caller when Redis cannot be reached', async () => {
    const unreachable = new Redis('redis://127.0.0.1:1', { lazyConnect: true, enableOfflineQueue: false });
    const producer = new StreamProducer(unreachable, { prefix: newPrefix() });
    const events = [userEvent('Ux', 1), userEvent('Uy', 2)];
    expect(await producer.enqueue(events)).toEqual(events);
    unreachable.disconnect();
  });
});

describe('event claims (the dedupe mark)', () => {
  it('lets one handler take an event, and tells a racing redelivery it is busy', async () => {
    const store = new MemoryStore();
    const a = new EventClaims(store, 'a');
    const b = new EventClaims(store, 'b');
    expect(await a.claim('E1')).toMatchObject({ status: 'fresh', predecessorSending: undefined, local: false });
    expect(await b.claim('E1')).toEqual({ status: 'busy', owner: 'a' });
  });

  it('says done once the answer went out', async () => {
    const store = new MemoryStore();
    const a = new EventClaims(store, 'a');
    const claim = await a.claim('E1');
    if (claim.status !== 'fresh') throw new Error('expected a fresh claim');
    await a.markDone('E1', claim);
    expect(await new EventClaims(store, 'b').claim('E1', { takeover: true })).toEqual({ status: 'done' });
  });

  it('lets the heir of a dead handler take the event, and says how it was sending when it died', async () => {
    const store = new MemoryStore();
    const dead = new EventClaims(store, 'dead');
    await dead.claim('E1');
    const e2 = await dead.claim('E2');
    const e3 = await dead.claim('E3');
    if (e2.status !== 'fresh' || e3.status !== 'fresh') throw new Error('expected fresh claims');
    await dead.markSending('E2', e2, 'reply');
    await dead.markSending('E3', e3, 'push');
    const heir = new EventClaims(store, 'heir');
    expect(await heir.claim('E1', { takeover: true })).toMatchObject({ status: 'fresh', predecessorSending: undefined, local: false });
    expect(await heir.claim('E2', { takeover: true })).toMatchObject({ status: 'fresh', predecessorSending: 'reply', local: false });
    expect(await heir.claim('E3', { takeover: true })).toMatchObject({ status: 'fresh', predecessorSending: 'push', local: false });
  });

  it('stops a handler whose event was taken over while it worked: its next step fails before it sends', async () => {
    const store = new MemoryStore();
    const first = new EventClaims(store, 'first');
    const heir = new EventClaims(store, 'heir');
    const slow = await first.claim('E1');
    if (slow.status !== 'fresh') throw new Error('expected a fresh claim');
    const taken = await heir.claim('E1', { takeover: true });
    expect(taken).toMatchObject({ status: 'fresh', predecessorSending: undefined });
    await expect(first.markSending('E1', slow, 'reply')).rejects.toBeInstanceOf(ClaimLostError);
    if (taken.status !== 'fresh') throw new Error('expected a fresh claim');
    await heir.markSending('E1', taken, 'reply');
    await heir.markDone('E1', taken);
    await expect(first.markDone('E1', slow)).rejects.toBeInstanceOf(ClaimLostError);
    expect(await new EventClaims(store, 'late').claim('E1', { takeover: true })).toEqual({ status: 'done' });
  });

  it('fails loudly when a step of a claim taken in the store cannot be written, and keeps marks locally only for claims taken while it was away', async () => {
    const store = new MemoryStore();
    let away = false;
    const flaky = new Proxy(store, {
      get(target, key, receiver) {
        const value = Reflect.get(target, key, receiver) as unknown;
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => (away ? Promise.reject(new StoreUnavailableError(new Error('paused'))) : (value as (...a: unknown[]) => unknown).apply(target, args));
      },
    });
    const claims = new EventClaims(flaky, 'w');
    const inStore = await claims.claim('E1');
    if (inStore.status !== 'fresh') throw new Error('expected a fresh claim');
    away = true;
    await expect(claims.markSending('E1', inStore, 'reply')).rejects.toBeInstanceOf(StoreUnavailableError);
    const local = await claims.claim('E2');
    expect(local).toMatchObject({ status: 'fresh', predecessorSending: undefined, local: true });
    if (local.status !== 'fresh') throw new Error('expected a fresh claim');
    await claims.markSending('E2', local, 'reply');
    await claims.markDone('E2', local);
    expect(await claims.claim('E2')).toEqual({ status: 'done' });
  });
});

describe('the handoff the runtime picks', () => {
  it('with WORKER=off, acknowledges and leaves the event in the stream for the worker processes', async () => {
    const bot = await startBot({ LINE_API_BASE_URL: 'http://127.0.0.1:9', REDIS_URL: testRedisUrl(), QUEUE: 'stream', WORKER: 'off' });
    try {
      const userId = uniqueUserId();
      const body = fixture('text', { userId });
      const stream = queueKeys().stream(shardOf(`user:${userId}`));
      const before = await redis.xlen(stream);
      expect((await postWebhook(bot.url, body, TEST_CHANNEL_SECRET)).status).toBe(200);
      const entries = await redis.xrange(stream, '-', '+');
      expect(entries.length).toBe(before + 1);
      expect(JSON.parse(entries.at(-1)![1][1]!)).toMatchObject({ webhookEventId: body.events[0]!.webhookEventId });
      await redis.xdel(stream, entries.at(-1)![0]);
    } finally {
      await bot.stop();
    }
  });

  it('with SIMULATOR=on and a real channel, answers simulated users in the web process, even with WORKER=off', async () => {
    const bot = await startBot({ LINE_API_BASE_URL: 'http://127.0.0.1:9', REDIS_URL: testRedisUrl(), QUEUE: 'stream', WORKER: 'off', SIMULATOR: 'on' });
    try {
      expect(bot.runtime.line).toBeInstanceOf(RoutingLineGateway);
      const res = await fetch(`${bot.url}/simulator/send`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ userId: 'Usimqueue1', text: 'カフェ会って怪しい？' }),
      });
      expect(res.status).toBe(200);
      const simulated = (bot.runtime.line as RoutingLineGateway).simulated;
      await waitFor(() => simulated.calls.some((c) => c.kind === 'reply'));
    } finally {
      await bot.stop();
    }
  });
});
