// Webhook acknowledgement throughput: the bot's POST /webhook against a bare Express 5 endpoint,
// same machine, same load generator, rounds interleaved so background noise hits both alike.
import { spawn } from 'node:child_process';
import { openSync } from 'node:fs';
import { BENCH_QUESTIONS, benchUserId, signedBody, textEvent } from './support/events.ts';
import { KeepAlivePool, percentile } from './support/http-pool.ts';
import { type BenchContext, botEnv, logFile, round, type Target } from './support/context.ts';
import { LineStandIn } from './support/line-stand-in.ts';
import { REPO_ROOT, startBotProcess, waitUntil } from './support/processes.ts';
import { freePort, startRedis } from '../test/support/throwaway-redis.ts';

const CONNECTIONS = 32;
const ROUND_MS = 3_000;
const ROUND_MAX_REQUESTS = 60_000;
const ROUNDS = 3;

export type AckRun = { requestsPerSecond: number; p50Ms: number; p99Ms: number; non200: number };
export type AckResult = {
  connections: number;
  bareExpress: AckRun;
  webProcess: AckRun & { ratio: number };
  singleProcess: AckRun & { ratio: number; answeredPerSecond: number };
  targets: Target[];
};

/** Signed single-event bodies, each with a fresh event id (so dedupe never short-cuts). */
function signedRequests(count: number): Buffer[] {
  return Array.from({ length: count }, (_, i) => {
    const { body, signature } = signedBody([textEvent(benchUserId(i % 1_000), BENCH_QUESTIONS[i % BENCH_QUESTIONS.length]!).event]);
    return KeepAlivePool.request('/webhook', body, { 'x-line-signature': signature });
  });
}

/** Closed loop: CONNECTIONS clients, each sending the next request when the last was answered. */
async function loadRound(url: string, requests: Buffer[], durationMs: number): Promise<AckRun & { latencies: number[] }> {
  const pool = new KeepAlivePool(url, CONNECTIONS);
  const latencies: number[] = [];
  let next = 0;
  let ok = 0;
  let non200 = 0;
  const started = performance.now();
  const end = started + durationMs;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (performance.now() < end && next < requests.length) {
        const response = await pool.send(requests[next++]!);
        latencies.push(response.ms);
        if (response.status === 200) ok++;
        else non200++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  pool.close();
  return { requestsPerSecond: Math.round(ok / seconds), p50Ms: round(percentile(latencies, 50), 2), p99Ms: round(percentile(latencies, 99), 2), non200, latencies };
}

function median(runs: AckRun[]): AckRun {
  return [...runs].sort((a, b) => a.requestsPerSecond - b.requestsPerSecond)[Math.floor(runs.length / 2)]!;
}

export async function benchAckThroughput(ctx: BenchContext): Promise<AckResult> {
  const standIn = await new LineStandIn().start();
  const redis = await startRedis();
  const barePort = await freePort();
  const bareLog = openSync(logFile(ctx, 'ack-bare-express'), 'a');
  const bare = spawn(process.execPath, ['bench/bare-express.ts'], { cwd: REPO_ROOT, env: { PORT: String(barePort) }, stdio: ['ignore', bareLog, bareLog] });
  const bareUrl = `http://127.0.0.1:${barePort}`;
  const web = await startBotProcess('server', {
    env: botEnv(standIn.url, { REDIS_URL: redis.url, QUEUE: 'stream', WORKER: 'off' }),
    logFile: logFile(ctx, 'ack-web-process'),
  });
  try {
    await waitUntil(async () => (await fetch(`${bareUrl}/healthz`).catch(() => undefined))?.status === 200, 10_000);
    ctx.say(`warm-up, then ${ROUNDS} interleaved rounds of ${ROUND_MS / 1000} s, ${CONNECTIONS} keep-alive connections`);
    for (const url of [bareUrl, web.url]) await loadRound(url, signedRequests(5_000), 1_500);

    const bareRuns: AckRun[] = [];
    const webRuns: AckRun[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      bareRuns.push(await loadRound(bareUrl, signedRequests(ROUND_MAX_REQUESTS), ROUND_MS));
      webRuns.push(await loadRound(web.url, signedRequests(ROUND_MAX_REQUESTS), ROUND_MS));
    }
    const bareMedian = median(bareRuns);
    const webMedian = median(webRuns);
    await web.kill('SIGKILL');

    // The default single process answers every event itself, after the 200 and on the same core.
    const single = await startBotProcess('server', { env: botEnv(standIn.url), logFile: logFile(ctx, 'ack-single-process') });
    await loadRound(single.url, signedRequests(2_000), 1_000);
    const acceptedBefore = standIn.accepted;
    const startedAt = performance.now();
    const singleRun = await loadRound(single.url, signedRequests(ROUND_MAX_REQUESTS), ROUND_MS);
    const answeredPerSecond = Math.round((standIn.accepted - acceptedBefore) / ((performance.now() - startedAt) / 1000));
    await single.kill('SIGKILL');

    const strip = ({ requestsPerSecond, p50Ms, p99Ms, non200 }: AckRun): AckRun => ({ requestsPerSecond, p50Ms, p99Ms, non200 });
    const webRatio = round(webMedian.requestsPerSecond / bareMedian.requestsPerSecond, 2);
    const result: AckResult = {
      connections: CONNECTIONS,
      bareExpress: strip(bareMedian),
      webProcess: { ...strip(webMedian), ratio: webRatio },
      singleProcess: { ...strip(singleRun), ratio: round(singleRun.requestsPerSecond / bareMedian.requestsPerSecond, 2), answeredPerSecond },
      targets: [
        {
          name: 'webhook acks ≥ 0.8 × bare Express (web process, durable queue)',
          met: webRatio >= 0.8 && webMedian.non200 === 0,
          detail: `${webMedian.requestsPerSecond}/s vs ${bareMedian.requestsPerSecond}/s = ${webRatio}; p99 ${webMedian.p99Ms} ms vs ${bareMedian.p99Ms} ms`,
        },
      ],
    };
    return result;
  } finally {
    await web.kill('SIGKILL');
    bare.kill('SIGKILL');
    await redis.destroy();
    await standIn.stop();
  }
}
