// One contract, two implementations: the in-process default and Redis (against a real redis-server).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryStore } from '../src/store/memory.ts';
import { RedisStore } from '../src/store/redis.ts';
import { keys, type StateStore } from '../src/store/store.ts';
import { testRedisUrl } from './support/redis.ts';

const implementations: [string, () => Promise<StateStore>][] = [
  ['memory', async () => new MemoryStore()],
  [
    'redis',
    async () => {
      const store = new RedisStore(testRedisUrl());
      await store.connected();
      return store;
    },
  ],
];

describe.each(implementations)('%s store', (_name, make) => {
  let store: StateStore;
  const k = (name: string) => keys.user(`U${randomUUID()}`, name);

  beforeAll(async () => {
    store = await make();
  });
  afterAll(async () => {
    await store.close();
  });

  it('returns what was set, with the TTL it was given', async () => {
    const key = k('state');
    await store.set(key, 'hello', 120);
    expect(await store.get(key)).toBe('hello');
    const ttl = await store.ttl(key);
    expect(ttl).toBeGreaterThan(100);
    expect(ttl).toBeLessThanOrEqual(120);
  });

  it('returns null for a key never set', async () => {
    expect(await store.get(k('nothing'))).toBeNull();
    expect(await store.ttl(k('nothing'))).toBe(-2);
  });

  it('lets exactly one of many concurrent set-if-absent calls win', async () => {
    const key = keys.dedupe(randomUUID());
    const results = await Promise.all(Array.from({ length: 20 }, () => store.setIfAbsent(key, '1', 60)));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await store.ttl(key)).toBeGreaterThan(0);
  });

  it('replaces a value only while it still holds the expected one, and only one of racing replacements wins', async () => {
    const key = keys.dedupe(randomUUID());
    expect(await store.replaceIf(key, 'h:a', 's:r:a', 60)).toBe(false); // nothing there yet
    await store.set(key, 'h:a', 60);
    const results = await Promise.all(['b', 'c', 'd'].map((owner) => store.replaceIf(key, 'h:a', `h:${owner}`, 60)));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await store.replaceIf(key, 'h:a', 's:r:a', 60)).toBe(false);
    expect(await store.get(key)).toMatch(/^h:[bcd]$/);
    expect(await store.ttl(key)).toBeGreaterThan(0);
  });

  it('counts atomically and fixes the window TTL at the first increment', async () => {
    const key = k('rate');
    const counts = await Promise.all(Array.from({ length: 10 }, () => store.increment(key, 600)));
    expect(counts.sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(await store.ttl(key)).toBeGreaterThan(590);
  });

  it('keeps only the newest items of a bounded list, with a TTL', async () => {
    const key = k('turns');
    for (let i = 1; i <= 7; i++) await store.listPush(key, `turn ${i}`, 5, 300);
    expect(await store.listRange(key)).toEqual(['turn 3', 'turn 4', 'turn 5', 'turn 6', 'turn 7']);
    expect(await store.ttl(key)).toBeGreaterThan(0);
  });

  it('deletes every key of one user and none of another', async () => {
    const alice = `U${randomUUID()}`;
    const bob = `U${randomUUID()}`;
    await store.set(keys.user(alice, 'state'), 'a', 60);
    await store.listPush(keys.user(alice, 'turns'), 'a', 5, 60);
    await store.increment(keys.user(alice, 'rate'), 60);
    await store.set(keys.user(bob, 'state'), 'b', 60);
    expect(await store.deleteByPrefix(keys.userPrefix(alice))).toBe(3);
    expect(await store.get(keys.user(alice, 'state'))).toBeNull();
    expect(await store.listRange(keys.user(alice, 'turns'))).toEqual([]);
    expect(await store.get(keys.user(bob, 'state'))).toBe('b');
  });

  it('forgets a value once its TTL has passed', async () => {
    const key = k('short');
    await store.set(key, 'soon gone', 1);
    await new Promise((r) => setTimeout(r, 1_100));
    expect(await store.get(key)).toBeNull();
  });

  it('answers ping while connected', async () => {
    expect(await store.ping()).toBe(true);
  });
});
