// Issue 10, defect 3: two bot processes share one durable Redis (append-only file on) and answer from
// its stream queue; Redis is restarted in the middle of the load. Every event LINE got a 200 for is
// answered exactly once — one reply with its token, or one push with its retry key — and, while the
// queue is up, each user's answers reach LINE in the order the user wrote.
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { type BotProcess, startBotProcess, waitUntil } from '../bench/support/processes.ts';
import { createLogger } from '../src/observability/log.ts';
import { queueKeys, QUEUE_SHARDS, StreamProducer, StreamWorker } from '../src/processing/stream-queue.ts';
import { keys } from '../src/store/store.ts';
import { type RunningBot, startBot, TEST_ACCESS_TOKEN, TEST_CHANNEL_SECRET } from './support/bot-server.ts';
import { LineApiRecorder } from './support/line-recorder.ts';
import { answeredTwice, type SentEvent, summarise } from './support/line-trouble.ts';
import { OpenAiStandIn } from './support/openai-stand-in.ts';
import { testRedisUrl } from './support/redis.ts';
import { startRedis, type ThrowawayRedis } from './support/throwaway-redis.ts';
import { fixture, postWebhook, uniqueUserId } from './support/webhook.ts';

const hasRedisServer = spawnSync('redis-server', ['--version']).status === 0;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const USERS = 30;

/**
 * `outageMs`: how long Redis stays down. Under a shard lease (5 s) the workers keep their shards and
 * resume; past it the leases have expired when Redis comes back, and the shards (with the entries
 * left pending in them) are taken again, maybe by the other worker. `pauseMs`: a user writes again
 * this long after their last message was acknowledged; the load outlasts the outage.
 */
type Load = { outageMs: number; messagesPerUser: number; pauseMs: number };
const SHORT: Load = { outageMs: 1_000, messagesPerUser: 8, pauseMs: 350 };
const PAST_THE_LEASES: Load = { outageMs: 6_000, messagesPerUser: 16, pauseMs: 600 };
const QUESTIONS = ['カフェ会に誘われたけど怪しい？', '名刺交換のあと、どうフォローすればいい？', '異業種交流会ってどんな種類があるの？', '朝活の交流会って実際どうですか'];

describe.skipIf(!hasRedisServer)('two workers sharing a durable Redis that restarts mid-load', () => {
  let logDir = '';
  let keepLogs = false;
  let redis: ThrowawayRedis;
  let line: LineApiRecorder;
  const bots: BotProcess[] = [];

  beforeAll(async () => {
    logDir = mkdtempSync(join(tmpdir(), 'kab-redis-restart-'));
    redis = await startRedis({ durable: true });
    line = await new LineApiRecorder().start();
    const env = {
      HOST: '127.0.0.1',
      LINE_CHANNEL_SECRET: TEST_CHANNEL_SECRET,
      LINE_CHANNEL_ACCESS_TOKEN: TEST_ACCESS_TOKEN,
      LINE_API_BASE_URL: line.url,
      REDIS_URL: redis.url,
      QUEUE: 'stream',
      WORKER: 'on',
    };
    bots.push(
      ...(await Promise.all(
        ['a', 'b'].map((name) => startBotProcess('server', { env, logFile: join(logDir, `server-${name}.log`) })),
      )),
    );
  });
  afterAll(async () => {
    await Promise.all(bots.map((b) => b.kill('SIGKILL')));
    await line?.stop();
    await redis?.destroy();
    if (keepLogs) console.warn(`redis-restart: the bot processes' logs are kept in ${logDir}`);
    else if (logDir) rmSync(logDir, { recursive: true, force: true });
  });

  it.each([
    ['for 1 s (the workers keep their shards)', SHORT],
    ['for 6 s (past the shard leases: shards and pending entries change hands)', PAST_THE_LEASES],
  ])('answers every acknowledged event exactly once, and in order per user while the queue is up, when Redis restarts after being down %s', async (_, load) => {
    const { outageMs, messagesPerUser: MESSAGES_PER_USER, pauseMs: PAUSE_MS } = load;
    onTestFailed(() => {
      keepLogs = true;
    });
    // Both workers up and sharing the shards before the load starts.
    const admin = new Redis(redis.url);
    const holders = async () => new Set((await admin.mget(...Array.from({ length: QUEUE_SHARDS }, (_, s) => queueKeys().lease(s)))).filter(Boolean));
    try {
      expect(await waitUntil(async () => (await holders()).size === 2, 10_000, 100)).toBe(true);
    } finally {
      admin.disconnect();
    }
    const warmUp = bots.map((bot) => ({ bot, body: fixture('text', { userId: uniqueUserId() }) }));
    for (const { bot, body } of warmUp) expect((await postWebhook(bot.url, body, TEST_CHANNEL_SECRET)).status).toBe(200);
    await line.waitFor((r) => r.length >= warmUp.length, 10_000);
    line.clear();

    const users = Array.from({ length: USERS }, uniqueUserId);
    const acked: SentEvent[][] = users.map(() => []);
    const sentAt = new Map<string, number>();
    const refused: number[] = [];
    let sentCount = 0;

    // Each user writes MESSAGES_PER_USER messages, one after the other, each to either web
    // process (a load balancer without sticky sessions); all users at once.
    const traffic = Promise.all(
      users.map(async (userId, u) => {
        await sleep((u * PAUSE_MS) / USERS); // spread the users over one pause
        for (let n = 0; n < MESSAGES_PER_USER; n++) {
          const body = fixture('text', { userId, text: QUESTIONS[n % QUESTIONS.length]! });
          const event = body.events[0] as { webhookEventId: string; replyToken: string };
          const bot = bots[(u + n) % bots.length]!;
          const at = Date.now();
          const { status } = await postWebhook(bot.url, body, TEST_CHANNEL_SECRET).catch(() => ({ status: 0 }));
          sentCount++;
          // LINE redelivers what was not acknowledged; only acknowledged events must be answered.
          if (status === 200) {
            acked[u]!.push({ id: event.webhookEventId, userId, replyToken: event.replyToken });
            sentAt.set(event.webhookEventId, at);
          } else {
            refused.push(status);
          }
          await sleep(PAUSE_MS);
        }
      }),
    );

    // Restart Redis (SIGTERM: it writes its append-only file) once a fifth of the load is in.
    const total = USERS * MESSAGES_PER_USER;
    expect(await waitUntil(() => sentCount >= total / 5, 10_000, 10)).toBe(true);
    const stoppedAt = Date.now();
    const answeredBeforeStop = line.requests.length;
    await redis.stop();
    await sleep(outageMs);
    const answeredDuringOutage = line.requests.length - answeredBeforeStop;
    await redis.start();
    const healthy = async (bot: BotProcess) => {
      const res = await fetch(`${bot.url}/healthz`, { signal: AbortSignal.timeout(1_000) }).catch(() => undefined);
      return res?.ok === true && ((await res.json()) as { status: string }).status === 'ok';
    };
    expect(await waitUntil(async () => (await Promise.all(bots.map(healthy))).every(Boolean), 5_000, 50)).toBe(true);
    const recoveredAt = Date.now();
    await traffic;

    const all = acked.flat();
    expect(refused).toEqual([]);
    expect(all).toHaveLength(total);
    expect(answeredBeforeStop).toBeGreaterThan(0);
    expect(summarise(line.requests.slice(0, answeredBeforeStop), all).missing).toBeGreaterThan(0); // the restart came mid-load
    expect(answeredDuringOutage).toBeGreaterThan(0); // the web processes answered statelessly meanwhile
    if (outageMs > 5_000) {
      // The scenario of defect 3 really happened: the workers lost their shard leases.
      const logs = bots.map((_, i) => readFileSync(join(logDir, `server-${'ab'[i]}.log`), 'utf8')).join('');
      expect(logs).toContain('shard leases expired');
    }

    // Exactly once: one reply with the token, or one push with the retry key, per event.
    expect(await waitUntil(() => summarise(line.requests, all).missing === 0, 20_000, 100)).toBe(true);
    await sleep(1_500); // anything still in flight that would answer a second time
    expect(answeredTwice(line.requests, all), 'answered twice').toEqual([]);
    expect(summarise(line.requests, all)).toMatchObject({ once: total, twice: 0, missing: 0 });

    // In order per user while the queue is up: before the stop, and once both processes are back
    // on the queue. Across the outage order is not promised: a message handled statelessly in a web
    // process while Redis is away, or just after it returns, can overtake an earlier one still
    // waiting in the stream, and a queue entry retried later is overtaken by the chat's next ones.
    const before = all.filter((e) => sentAt.get(e.id)! < stoppedAt);
    const answeredEarly = summarise(line.requests.slice(0, answeredBeforeStop), before);
    expect(answeredEarly.once).toBeGreaterThanOrEqual(10);
    expect(answeredEarly.outOfOrderUsers).toEqual([]);
    const after = all.filter((e) => sentAt.get(e.id)! > recoveredAt);
    expect(after.length).toBeGreaterThanOrEqual(10);
    expect(summarise(line.requests, after).outOfOrderUsers).toEqual([]);
    for (const bot of bots) expect(bot.child.exitCode).toBeNull();
  });
});

describe('a worker whose shard leases ran out while its reader went on', () => {
  // What the restart above sets up, made certain: worker a's lease upkeep falls behind its lease
  // (here its tick comes every 2.5 s for a 1 s lease; after a Redis outage longer than a lease it is
  // the same until a's next tick) while its reader keeps reading the shards it held; worker b finds the leases free and a's
  // heartbeat stale, takes every shard and claims what is pending in them, including the event a is
  // answering. The turns are slow (the LLM hangs until LLM_TIMEOUT_MS) so the overlap is certain.
  //
  // The reader of a worker whose leases lapsed can go on reading a shard that the other worker has
  // already taken (with its pending entries), so both may be answering one event. Each step of the
  // event's dedupe mark is a compare-and-set on the step its handler last wrote: the first worker's
  // next step fails (ClaimLostError) before it sends, and only the heir answers.
  it('answers an event once when the shard is taken over while the first worker is answering it', async () => {
    const line = await new LineApiRecorder().start();
    const llm = await new OpenAiStandIn().start();
    llm.behaviour = { kind: 'hang' };
    const env = {
      LINE_API_BASE_URL: line.url,
      REDIS_URL: testRedisUrl(),
      QUEUE: 'stream',
      WORKER: 'off',
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: llm.url,
      LLM_TIMEOUT_MS: '1500',
    };
    const bots: RunningBot[] = await Promise.all([startBot(env), startBot(env)]);
    const client = new Redis(testRedisUrl());
    const prefix = `kab:{restart-test-${randomUUID().slice(0, 8)}}`;
    const workers: StreamWorker[] = [];
    const startWorker = (name: string, bot: RunningBot, tickMs: number) => {
      const worker = new StreamWorker({
        redisUrl: testRedisUrl(),
        prefix,
        log: createLogger('silent'),
        consumer: name,
        leaseMs: 1_000,
        tickMs,
        blockMs: 200,
        handle: (event, options) => bot.runtime.handle(event, options),
      });
      workers.push(worker);
      worker.start();
      return worker;
    };
    try {
      const a = startWorker('a', bots[0]!, 2_500);
      expect(await waitUntil(() => a.shards.length === QUEUE_SHARDS, 6_000, 10)).toBe(true);
      await sleep(1_300); // a's leases and heartbeat have run out, its next tick is a second away; its reader goes on

      const body = fixture('text', { userId: uniqueUserId(), text: '名刺交換のあと、どうフォローすればいい？' });
      const event = body.events[0] as { webhookEventId: string; replyToken: string; source: { userId: string } };
      const sent: SentEvent = { id: event.webhookEventId, userId: event.source.userId, replyToken: event.replyToken };
      expect(await new StreamProducer(client, { prefix }).enqueue(body.events)).toEqual([]);
      // a has read the event and claimed it; its turn now waits for the LLM.
      expect(await waitUntil(async () => (await client.get(keys.dedupe(sent.id)))?.startsWith('h:') === true, 3_000)).toBe(true);
      expect(await waitUntil(() => llm.chats.length > 0, 2_000)).toBe(true);

      const b = startWorker('b', bots[1]!, 100);
      expect(await waitUntil(() => b.shards.length > 0, 3_000)).toBe(true);
      expect(await waitUntil(() => summarise(line.requests, [sent]).once === 1, 5_000)).toBe(true);
      // Had b taken the event over too, its turn ends within LLM_TIMEOUT_MS and it answers again.
      await waitUntil(() => answeredTwice(line.requests, [sent]).length > 0, 2_500);
      expect(answeredTwice(line.requests, [sent]), 'answered twice').toEqual([]);
      expect(summarise(line.requests, [sent])).toMatchObject({ once: 1, twice: 0, missing: 0 });
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
      client.disconnect();
      await Promise.all(bots.map((bot) => bot.stop()));
      await llm.stop();
      await line.stop();
    }
  });
});
