// Two server processes, one Redis: 1,000 events, a fifth of them redelivered to the other process
// (as LINE does when it did not see the first 200 in time). Every event must be answered once.
import { Redis } from 'ioredis';
import { queueKeys, QUEUE_SHARDS } from '../src/processing/stream-queue.ts';
import { type BenchContext, botEnv, logFile, round, sleep, type Target } from './support/context.ts';
import { BENCH_QUESTIONS, type BenchEvent, benchUserId, textEvent } from './support/events.ts';
import { LineStandIn } from './support/line-stand-in.ts';
import { startBotProcess, waitUntil } from './support/processes.ts';
import { startRedis } from '../test/support/throwaway-redis.ts';
import { inParallel, resend, send, tally } from './support/traffic.ts';

const USERS = 100;
const PER_USER = 10;
const REDELIVERED_SHARE = 0.2;

export type RedeliveryResult = {
  events: number;
  redelivered: number;
  acknowledged: number;
  answeredOnce: number;
  answeredTwice: number;
  missing: number;
  replyTokenRejections: number;
  usersAnsweredInOrder: number;
  seconds: number;
  targets: Target[];
};

export async function benchRedelivery(ctx: BenchContext): Promise<RedeliveryResult> {
  const standIn = await new LineStandIn().start();
  const redis = await startRedis({ durable: true });
  const env = botEnv(standIn.url, { REDIS_URL: redis.url, QUEUE: 'stream' });
  const a = await startBotProcess('server', { env, logFile: logFile(ctx, 'redelivery-a') });
  const b = await startBotProcess('server', { env, logFile: logFile(ctx, 'redelivery-b') });
  const client = new Redis(redis.url);
  try {
    // Both processes hold half of the shards before the load starts.
    const keys = queueKeys();
    await waitUntil(async () => {
      const owners = await client.mget(...Array.from({ length: QUEUE_SHARDS }, (_, s) => keys.lease(s)));
      return owners.every(Boolean) && new Set(owners).size === 2;
    }, 15_000, 200);

    const users = Array.from({ length: USERS }, (_, u) => benchUserId(u));
    const all: BenchEvent[] = [];
    const byUser = new Map<string, BenchEvent[]>();
    let redelivered = 0;
    let acknowledged = 0;
    const started = performance.now();
    await inParallel(users, USERS, async (userId) => {
      const mine: BenchEvent[] = [];
      byUser.set(userId, mine);
      for (let n = 0; n < PER_USER; n++) {
        const event = textEvent(userId, BENCH_QUESTIONS[(n + userId.length) % BENCH_QUESTIONS.length]!);
        mine.push(event);
        all.push(event);
        const [first, other] = all.length % 2 === 0 ? [a, b] : [b, a];
        // Every fifth event also goes to the other process at the same moment: the harshest race.
        const again = all.length % Math.round(1 / REDELIVERED_SHARE) === 0;
        if (again) redelivered++;
        const [sent] = await Promise.all([send(first.url, event), again ? resend(other.url, event) : undefined]);
        if (sent.status === 200) acknowledged++;
      }
    });
    await waitUntil(() => tally(standIn, all).missing === 0, 30_000, 100);
    const seconds = round((performance.now() - started) / 1000);
    await sleep(1_000); // room for a late duplicate to show up
    const t = tally(standIn, all);
    let inOrder = 0;
    for (const events of byUser.values()) {
      const at = events.map((e) => standIn.replyFor(e.replyToken)?.at ?? standIn.pushFor(e.retryKey)?.at ?? Infinity);
      if (at.every((x, i) => i === 0 || x >= at[i - 1]!)) inOrder++;
    }
    const replyTokenRejections = standIn.count('/v2/bot/message/reply', 400);
    return {
      events: all.length,
      redelivered,
      acknowledged,
      ...t,
      replyTokenRejections,
      usersAnsweredInOrder: inOrder,
      seconds,
      targets: [
        {
          name: '2 processes, 1,000 events, 20% redelivered: exactly 1,000 answers',
          met: t.answeredOnce === all.length && t.answeredTwice === 0 && t.missing === 0,
          detail: `${t.answeredOnce} once, ${t.answeredTwice} twice, ${t.missing} missing (${redelivered} redelivered)`,
        },
      ],
    };
  } finally {
    client.disconnect();
    await Promise.all([a.kill('SIGKILL'), b.kill('SIGKILL')]);
    await redis.destroy();
    await standIn.stop();
  }
}
