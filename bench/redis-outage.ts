// Redis stopped for 10 s in the middle of the load: the webhook must never answer 5xx, answers
// must keep coming (statelessly, handled in the web process), and the bot must be back on its
// durable queue within 5 s of Redis returning.
import { type BenchContext, botEnv, logFile, round, sleep, type Target } from './support/context.ts';
import { BENCH_QUESTIONS, type BenchEvent, benchUserId, textEvent } from './support/events.ts';
import { LineStandIn } from './support/line-stand-in.ts';
import { startBotProcess, waitUntil } from './support/processes.ts';
import { startRedis } from '../test/support/throwaway-redis.ts';
import { inParallel, send, type Sent, tally } from './support/traffic.ts';

const USERS = 50;
const GAP_MS: [number, number] = [300, 700];
const STOP_AT_MS = 5_000;
const OUTAGE_MS = 10_000;
const LOAD_MS = 22_000;

export type OutageResult = {
  events: number;
  statuses: Record<string, number>;
  fiveHundreds: number;
  answeredDuringOutage: number;
  eventsDuringOutage: number;
  healthDegradedAfterSeconds: number | null;
  healthOkAfterRestartSeconds: number | null;
  queueBackAfterRestartSeconds: number | null;
  answeredOnce: number;
  answeredTwice: number;
  missing: number;
  targets: Target[];
};

async function streamHandoffs(url: string): Promise<number> {
  try {
    const text = await (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(1_000) })).text();
    const line = text.split('\n').find((l) => l.startsWith('bot_queue_handoffs_total{path="stream"}'));
    return line ? Number(line.split(' ')[1]) : 0;
  } catch {
    return -1;
  }
}

export async function benchRedisOutage(ctx: BenchContext): Promise<OutageResult> {
  const standIn = await new LineStandIn().start();
  const redis = await startRedis({ durable: true });
  const bot = await startBotProcess('server', { env: botEnv(standIn.url, { REDIS_URL: redis.url, QUEUE: 'stream' }), logFile: logFile(ctx, 'redis-outage') });
  try {
    const started = performance.now();
    const elapsed = () => performance.now() - started;
    let stoppedAt = 0;
    let restartedAt = 0;
    let degradedAt: number | null = null;
    let okAgainAt: number | null = null;
    let queueBackAt: number | null = null;

    const outage = (async () => {
      await sleep(STOP_AT_MS);
      stoppedAt = performance.now();
      await redis.stop();
      await sleep(OUTAGE_MS - (performance.now() - stoppedAt));
      await redis.start();
      restartedAt = performance.now();
      const handoffsAtRestart = await streamHandoffs(bot.url);
      await waitUntil(async () => {
        const [health, handoffs] = await Promise.all([
          fetch(`${bot.url}/healthz`).then((r) => r.json() as Promise<{ status: string }>).catch(() => ({ status: 'unknown' })),
          streamHandoffs(bot.url),
        ]);
        if (okAgainAt === null && health.status === 'ok') okAgainAt = performance.now();
        if (queueBackAt === null && handoffs > handoffsAtRestart) queueBackAt = performance.now();
        return okAgainAt !== null && queueBackAt !== null;
      }, 15_000, 100);
    })();
    const watcher = (async () => {
      while (elapsed() < LOAD_MS && degradedAt === null) {
        if (stoppedAt > 0) {
          const health = await fetch(`${bot.url}/healthz`).then((r) => r.json() as Promise<{ status: string }>).catch(() => undefined);
          if (health?.status === 'degraded') degradedAt = performance.now();
        }
        await sleep(100);
      }
    })();

    const results: Sent[] = [];
    await inParallel(Array.from({ length: USERS }, (_, u) => benchUserId(u)), USERS, async (userId) => {
      for (let n = 0; elapsed() < LOAD_MS; n++) {
        results.push(await send(bot.url, textEvent(userId, BENCH_QUESTIONS[n % BENCH_QUESTIONS.length]!)));
        await sleep(GAP_MS[0] + Math.random() * (GAP_MS[1] - GAP_MS[0]));
      }
    });
    await Promise.all([outage, watcher]);

    const acked = results.filter((r) => r.status === 200).map((r) => r.event);
    await waitUntil(() => tally(standIn, acked).missing === 0, 30_000, 100);
    await sleep(1_000);
    const statuses: Record<string, number> = {};
    for (const r of results) statuses[String(r.status)] = (statuses[String(r.status)] ?? 0) + 1;
    const fiveHundreds = results.filter((r) => r.status >= 500 || r.status === 0).length;
    const during = (e: BenchEvent) => {
      const at = standIn.replyFor(e.replyToken)?.at ?? standIn.pushFor(e.retryKey)?.at ?? 0;
      return at >= stoppedAt && at < restartedAt;
    };
    const answeredDuringOutage = acked.filter(during).length;
    const eventsDuringOutage = results.filter((r) => r.sentAt >= stoppedAt && r.sentAt < restartedAt).length;
    const t = tally(standIn, acked);
    const seconds = (at: number | null, from: number) => (at === null ? null : round((at - from) / 1000, 2));
    const healthOk = seconds(okAgainAt, restartedAt);
    const queueBack = seconds(queueBackAt, restartedAt);
    return {
      events: results.length,
      statuses,
      fiveHundreds,
      answeredDuringOutage,
      eventsDuringOutage,
      healthDegradedAfterSeconds: seconds(degradedAt, stoppedAt),
      healthOkAfterRestartSeconds: healthOk,
      queueBackAfterRestartSeconds: queueBack,
      answeredOnce: t.answeredOnce,
      answeredTwice: t.answeredTwice,
      missing: t.missing,
      targets: [
        { name: 'Redis down 10 s: no 5xx at the webhook', met: fiveHundreds === 0, detail: `statuses ${JSON.stringify(statuses)}` },
        {
          name: 'Redis down 10 s: answers continue',
          met: answeredDuringOutage > 0 && t.missing === 0,
          detail: `${answeredDuringOutage} answered during the outage (${eventsDuringOutage} sent then); all ${acked.length} acknowledged: ${t.answeredOnce} once, ${t.answeredTwice} twice, ${t.missing} missing`,
        },
        {
          name: 'Redis back: recovered within 5 s',
          met: healthOk !== null && healthOk <= 5 && queueBack !== null && queueBack <= 5,
          detail: `/healthz ok after ${healthOk ?? '—'} s, events on the durable queue again after ${queueBack ?? '—'} s (degraded reported ${seconds(degradedAt, stoppedAt) ?? '—'} s after the stop)`,
        },
      ],
    };
  } finally {
    await bot.kill('SIGKILL');
    await redis.destroy();
    await standIn.stop();
  }
}
