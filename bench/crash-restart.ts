// The server killed with SIGKILL in the middle of the load and restarted: every event that got a
// 200 must still be answered, once. Events refused while it was down are redelivered afterwards,
// as LINE does, and must be answered once too.
import { type BenchContext, botEnv, logFile, round, sleep, type Target } from './support/context.ts';
import { BENCH_QUESTIONS, type BenchEvent, benchUserId, textEvent } from './support/events.ts';
import { LineStandIn } from './support/line-stand-in.ts';
import { type BotProcess, startBotProcess, waitUntil } from './support/processes.ts';
import { startRedis } from '../test/support/throwaway-redis.ts';
import { inParallel, resend, send, type Sent, tally } from './support/traffic.ts';

const USERS = 100;
const PER_USER = 10;
/** Pause between one user's messages, so the load spans the kill. */
const GAP_MS = 300;
const KILL_AFTER_MS = 1_500;

export type CrashResult = {
  events: number;
  acknowledged: number;
  refusedWhileDown: number;
  unansweredAtKill: number;
  answeredOnce: number;
  answeredTwice: number;
  missing: number;
  lastAnswerAfterRestartSeconds: number;
  targets: Target[];
};

export async function benchCrashRestart(ctx: BenchContext): Promise<CrashResult> {
  const standIn = await new LineStandIn().start();
  const redis = await startRedis({ durable: true });
  const env = botEnv(standIn.url, { REDIS_URL: redis.url, QUEUE: 'stream' });
  let bot: BotProcess = await startBotProcess('server', { env, logFile: logFile(ctx, 'crash-before') });
  let url = bot.url;
  try {
    const results: Sent[] = [];
    let unansweredAtKill = 0;
    let restartedAt = 0;
    const killer = (async () => {
      await sleep(KILL_AFTER_MS);
      const acked = results.filter((r) => r.status === 200).map((r) => r.event);
      unansweredAtKill = tally(standIn, acked).missing;
      await bot.kill('SIGKILL');
      // A supervisor (systemd, Kubernetes) starts it again; this one on the same port.
      const port = Number(new URL(bot.url).port);
      bot = await startBotProcess('server', { env, port, logFile: logFile(ctx, 'crash-after') });
      restartedAt = performance.now();
      url = bot.url;
    })();

    const users = Array.from({ length: USERS }, (_, u) => benchUserId(u));
    await inParallel(users, USERS, async (userId) => {
      for (let n = 0; n < PER_USER; n++) {
        const event = textEvent(userId, BENCH_QUESTIONS[n % BENCH_QUESTIONS.length]!);
        results.push(await send(url, event));
        await sleep(GAP_MS);
      }
    });
    await killer;

    const refused = results.filter((r) => r.status !== 200).map((r) => r.event);
    for (const event of refused) await resend(url, event); // LINE's redelivery of what got no 200
    const all = results.map((r) => r.event);
    await waitUntil(() => tally(standIn, all).missing === 0, 30_000, 100);
    const lastAnswer = Math.max(...all.map((e) => standIn.replyFor(e.replyToken)?.at ?? standIn.pushFor(e.retryKey)?.at ?? 0));
    await sleep(1_000);
    const t = tally(standIn, all);
    const acked = results.filter((r) => r.status === 200).map((r) => r.event);
    const ackedTally = tally(standIn, acked);
    return {
      events: all.length,
      acknowledged: acked.length,
      refusedWhileDown: refused.length,
      unansweredAtKill,
      answeredOnce: t.answeredOnce,
      answeredTwice: t.answeredTwice,
      missing: t.missing,
      lastAnswerAfterRestartSeconds: round((lastAnswer - restartedAt) / 1000),
      targets: [
        {
          name: 'SIGKILL mid-load + restart: every acknowledged event answered once',
          met: ackedTally.answeredOnce === acked.length && unansweredAtKill > 0,
          detail: `${acked.length} acknowledged (${unansweredAtKill} not yet answered at the kill): ${ackedTally.answeredOnce} once, ${ackedTally.answeredTwice} twice, ${ackedTally.missing} missing; ${refused.length} refused while down, redelivered: ${refused.length - tally(standIn, refused).missing} answered`,
        },
      ],
    };
  } finally {
    await bot.kill('SIGKILL');
    await redis.destroy();
    await standIn.stop();
  }
}
