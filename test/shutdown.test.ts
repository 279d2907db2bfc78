// Real processes (`node src/server.ts`, `node src/worker.ts`) stopped the polite way (SIGTERM) and
// the hard way (SIGKILL): no acknowledged event goes unanswered, none is answered twice.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { botEnv } from '../bench/support/context.ts';
import { type BenchEvent, benchUserId, textEvent } from '../bench/support/events.ts';
import { LineStandIn } from '../bench/support/line-stand-in.ts';
import { type BotProcess, REPO_ROOT, startBotProcess, waitUntil } from '../bench/support/processes.ts';
import { startRedis, type ThrowawayRedis } from './support/throwaway-redis.ts';
import { send, tally } from '../bench/support/traffic.ts';
import { queueKeys, QUEUE_SHARDS } from '../src/processing/stream-queue.ts';

const hasRedisServer = spawnSync('redis-server', ['--version']).status === 0;
const logDir = mkdtempSync(join(tmpdir(), 'kab-shutdown-test-'));
let standIn: LineStandIn;
const running: BotProcess[] = [];

beforeAll(async () => {
  standIn = await new LineStandIn().start();
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((p) => p.kill('SIGKILL')));
});
afterAll(async () => {
  await standIn.stop();
  rmSync(logDir, { recursive: true, force: true });
});

async function start(kind: 'server' | 'worker', env: Record<string, string>, port?: number): Promise<BotProcess> {
  const bot = await startBotProcess(kind, { env: botEnv(standIn.url, env), logFile: join(logDir, `${kind}.log`), ...(port ? { port } : {}) });
  running.push(bot);
  return bot;
}

/** `count` messages from different users, sent at once; resolves with those LINE got a 200 for. */
async function burst(url: string, count: number): Promise<BenchEvent[]> {
  const events = Array.from({ length: count }, (_, i) => textEvent(benchUserId(i), 'カフェ会に誘われたけど怪しい？'));
  const sent = await Promise.all(events.map((e) => send(url, e)));
  return sent.filter((s) => s.status === 200).map((s) => s.event);
}

describe('SIGTERM', () => {
  it('answers every acknowledged event before the process exits, with status 0 (in-process queue)', async () => {
    const bot = await start('server', {});
    const acked = await burst(bot.url, 40);
    expect(await bot.kill('SIGTERM')).toBe(0);
    expect(acked).toHaveLength(40);
    expect(tally(standIn, acked)).toMatchObject({ answeredOnce: 40, missing: 0 });
  });

  describe.skipIf(!hasRedisServer)('with the Redis stream queue', () => {
    let redis: ThrowawayRedis;
    let client: Redis;
    beforeAll(async () => {
      redis = await startRedis();
      client = new Redis(redis.url);
    });
    afterAll(async () => {
      client.disconnect();
      await redis.destroy();
    });

    it('exits 0 and gives its shards back at once, so the next process answers the rest without waiting', async () => {
      const bot = await start('server', { REDIS_URL: redis.url, QUEUE: 'stream' });
      const acked = await burst(bot.url, 40);
      expect(await bot.kill('SIGTERM')).toBe(0);
      const leases = await client.mget(...Array.from({ length: QUEUE_SHARDS }, (_, s) => queueKeys().lease(s)));
      expect(leases.filter(Boolean)).toEqual([]);

      const next = await start('server', { REDIS_URL: redis.url, QUEUE: 'stream' });
      const restarted = Date.now();
      expect(await waitUntil(() => tally(standIn, acked).missing === 0, 10_000)).toBe(true);
      expect(Date.now() - restarted).toBeLessThan(3_000); // no lease of the stopped process to wait out
      await new Promise((r) => setTimeout(r, 300));
      expect(tally(standIn, acked)).toMatchObject({ answeredOnce: acked.length, answeredTwice: 0 });
      await next.kill('SIGTERM');
    });

    it('lets separate `npm run worker` processes answer what a WORKER=off web process queued', async () => {
      const web = await start('server', { REDIS_URL: redis.url, QUEUE: 'stream', WORKER: 'off' });
      await start('worker', { REDIS_URL: redis.url });
      await start('worker', { REDIS_URL: redis.url });
      const acked = await burst(web.url, 30);
      expect(await waitUntil(() => tally(standIn, acked).missing === 0, 10_000)).toBe(true);
      expect(tally(standIn, acked).answeredTwice).toBe(0);
    });

    it('after SIGKILL mid-work and a restart, answers every acknowledged event exactly once', async () => {
      const bot = await start('server', { REDIS_URL: redis.url, QUEUE: 'stream' });
      const port = Number(new URL(bot.url).port);
      const acked = await burst(bot.url, 120);
      const unansweredAtKill = tally(standIn, acked).missing;
      await bot.kill('SIGKILL');
      await start('server', { REDIS_URL: redis.url, QUEUE: 'stream' }, port);
      expect(await waitUntil(() => tally(standIn, acked).missing === 0, 15_000)).toBe(true);
      await new Promise((r) => setTimeout(r, 500));
      expect(unansweredAtKill).toBeGreaterThan(0);
      expect(tally(standIn, acked)).toMatchObject({ answeredOnce: acked.length, answeredTwice: 0, missing: 0 });
    });
  });
});

describe('npm run worker', () => {
  it('refuses to start without REDIS_URL, with one line saying what to set', () => {
    const run = spawnSync(process.execPath, ['src/worker.ts'], { cwd: REPO_ROOT, env: { PATH: process.env.PATH ?? '' }, encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('REDIS_URL');
  });
});
