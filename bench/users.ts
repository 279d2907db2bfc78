// 200 simulated users, 10 messages each, offline composer: the time from the webhook POST to the
// answer arriving at LINE, as a user would feel it, plus throughput and the process's peak memory.
import { type BenchContext, botEnv, logFile, round, sleep, type Target } from './support/context.ts';
import { BENCH_QUESTIONS, benchUserId, textEvent } from './support/events.ts';
import { percentile } from './support/http-pool.ts';
import { LineStandIn } from './support/line-stand-in.ts';
import { startBotProcess, waitUntil } from './support/processes.ts';
import { startRedis, type ThrowawayRedis } from '../test/support/throwaway-redis.ts';
import { inParallel, post } from './support/traffic.ts';

const USERS = 200;
const PER_USER = 10;
/** A person reads the answer and types the next message; uniform in this range. */
const THINK_MS: [number, number] = [1_000, 2_000];
const ANSWER_TIMEOUT_MS = 20_000;

export type UsersRun = {
  setup: string;
  messages: number;
  answered: number;
  non200: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  answersPerSecond: number;
  peakRssMb: number;
};

async function run(ctx: BenchContext, setup: 'inline' | 'stream'): Promise<UsersRun> {
  const standIn = await new LineStandIn().start();
  let redis: ThrowawayRedis | undefined;
  const extra: Record<string, string> = {};
  if (setup === 'stream') {
    redis = await startRedis({ durable: true });
    Object.assign(extra, { REDIS_URL: redis.url, QUEUE: 'stream' });
  }
  const bot = await startBotProcess('server', { env: botEnv(standIn.url, extra), logFile: logFile(ctx, `users-${setup}`) });
  const waiting = new Map<string, (at: number) => void>();
  const unsubscribe = standIn.onDelivery((d) => waiting.get(d.key)?.(d.at));
  try {
    const latencies: number[] = [];
    let non200 = 0;
    // Warm up with a few answered turns that are not counted (the JIT, the queue's shards).
    const warmUp = Array.from({ length: 20 }, (_, i) => textEvent(benchUserId(9_000 + i), BENCH_QUESTIONS[i % BENCH_QUESTIONS.length]!));
    for (const event of warmUp) await post(bot.url, [event.event]);
    await waitUntil(() => warmUp.every((e) => standIn.replyFor(e.replyToken)), 10_000);

    const users = Array.from({ length: USERS }, (_, u) => benchUserId(u));
    const started = performance.now();
    await inParallel(users, USERS, async (userId) => {
      await sleep(Math.random() * 1_000); // people do not all start at the same millisecond
      for (let n = 0; n < PER_USER; n++) {
        const event = textEvent(userId, BENCH_QUESTIONS[(n * 7 + userId.charCodeAt(userId.length - 1)) % BENCH_QUESTIONS.length]!);
        const answered = new Promise<number | undefined>((resolve) => {
          const timer = setTimeout(() => resolve(undefined), ANSWER_TIMEOUT_MS);
          waiting.set(event.replyToken, (at) => {
            clearTimeout(timer);
            resolve(at);
          });
        });
        const sentAt = performance.now();
        const status = await post(bot.url, [event.event]);
        if (status !== 200) non200++;
        const at = await answered;
        waiting.delete(event.replyToken);
        if (at !== undefined) latencies.push(at - sentAt);
        await sleep(THINK_MS[0] + Math.random() * (THINK_MS[1] - THINK_MS[0]));
      }
    });
    const seconds = (performance.now() - started) / 1000;
    return {
      setup: setup === 'inline' ? 'one process, in-process queue (npm start default)' : 'one process, Redis Streams queue (QUEUE=stream, durable)',
      messages: USERS * PER_USER,
      answered: latencies.length,
      non200,
      p50Ms: round(percentile(latencies, 50)),
      p99Ms: round(percentile(latencies, 99)),
      maxMs: round(Math.max(...latencies)),
      answersPerSecond: round(latencies.length / seconds),
      peakRssMb: bot.peakRssMb(),
    };
  } finally {
    unsubscribe();
    await bot.kill('SIGKILL');
    await redis?.destroy();
    await standIn.stop();
  }
}

export type UsersResult = { users: number; messagesPerUser: number; thinkMs: [number, number]; runs: UsersRun[]; targets: Target[] };

export async function benchUsers(ctx: BenchContext): Promise<UsersResult> {
  const runs = [await run(ctx, 'inline'), await run(ctx, 'stream')];
  return {
    users: USERS,
    messagesPerUser: PER_USER,
    thinkMs: THINK_MS,
    runs,
    // The targets are for the default set-up (`npm start`); the Redis-backed run is for comparison.
    targets: runs.slice(0, 1).map((r) => ({
      name: `200 users × 10 messages, ${r.setup}: p99 < 250 ms, RSS < 200 MB`,
      met: r.answered === r.messages && r.p99Ms < 250 && r.peakRssMb < 200,
      detail: `p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms, ${r.answersPerSecond} answers/s, peak RSS ${r.peakRssMb} MB, ${r.answered}/${r.messages} answered`,
    })),
  };
}
