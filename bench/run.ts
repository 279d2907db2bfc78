// `npm run bench`: every performance and resilience figure, measured in one run on this machine,
// printed as a report and written to bench/results/latest.json. Loopback only; every loop bounded.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { benchAckThroughput } from './ack-throughput.ts';
import { benchCrashRestart } from './crash-restart.ts';
import { benchDecisions } from './decisions.ts';
import { benchRedelivery } from './redelivery.ts';
import { benchRedisOutage } from './redis-outage.ts';
import { benchContext, type Target } from './support/context.ts';
import { botNodeArgs } from './support/processes.ts';
import { benchUsers } from './users.ts';

const started = Date.now();
const ctx = benchContext(join(tmpdir(), `kab-bench-${started}`));
const results: Record<string, unknown> = {};
const targets: Target[] = [];

function heading(title: string): void {
  console.log(`\n== ${title}`);
}

async function section<T extends { targets?: Target[] }>(key: string, title: string, run: () => Promise<T>, show: (r: T) => string[]): Promise<void> {
  heading(title);
  const t0 = Date.now();
  try {
    const result = await run();
    results[key] = result;
    for (const line of show(result)) ctx.say(line);
    for (const target of result.targets ?? []) {
      targets.push(target);
      ctx.say(`${target.met ? 'PASS' : 'FAIL'}  ${target.name}: ${target.detail}`);
    }
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    results[key] = { error: message };
    targets.push({ name: title, met: false, detail: `did not run: ${message}` });
    ctx.say(`ERROR ${message}`);
  }
  ctx.say(`(${((Date.now() - t0) / 1000).toFixed(1)} s)`);
}

console.log(`koryukai-adviser bench — node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GB`);
console.log(`bot processes run as: node ${botNodeArgs('server').join(' ')}; logs in ${ctx.logDir}`);

await section('ackThroughput', 'Webhook acknowledgement throughput (vs a bare Express 5 endpoint)', () => benchAckThroughput(ctx), (r) => [
  `bare Express 5:                ${r.bareExpress.requestsPerSecond} req/s, p50 ${r.bareExpress.p50Ms} ms, p99 ${r.bareExpress.p99Ms} ms`,
  `web process (QUEUE=stream):    ${r.webProcess.requestsPerSecond} req/s, p50 ${r.webProcess.p50Ms} ms, p99 ${r.webProcess.p99Ms} ms — ratio ${r.webProcess.ratio}`,
  `single process (npm start):    ${r.singleProcess.requestsPerSecond} req/s while answering ${r.singleProcess.answeredPerSecond}/s, p99 ${r.singleProcess.p99Ms} ms — ratio ${r.singleProcess.ratio}`,
]);

await section('decisions', 'Decisions in one process: understanding, verdict, card ranking, a whole offline turn', () => benchDecisions(), (r) => [
  `understanding a message:         p50 ${r.understanding.p50Ms} ms, p99 ${r.understanding.p99Ms} ms (${r.understanding.n})`,
  `judging an invitation:           p50 ${r.verdict.p50Ms} ms, p99 ${r.verdict.p99Ms} ms (${r.verdict.n})`,
  `judging 5,000 characters:        p50 ${r.verdictLong.p50Ms} ms, p99 ${r.verdictLong.p99Ms} ms (${r.verdictLong.n})`,
  `ranking the cards for a question: p50 ${r.ranking.p50Ms} ms, p99 ${r.ranking.p99Ms} ms (${r.ranking.n})`,
  `offline turn, question:          p50 ${r.turnWithUnderstanding.p50Ms} ms, p99 ${r.turnWithUnderstanding.p99Ms} ms; a button command: p50 ${r.turnWithoutUnderstanding.p50Ms} ms`,
]);

await section('redelivery', 'Two server processes, one Redis: 1,000 events, 20% redelivered to the other process', () => benchRedelivery(ctx), (r) => [
  `${r.events} events (${r.redelivered} also delivered to the other process at the same moment): ${r.answeredOnce} answered once, ${r.answeredTwice} twice, ${r.missing} missing`,
  `reply tokens used twice: ${r.replyTokenRejections}; users whose answers came in the order they wrote: ${r.usersAnsweredInOrder}/100; ${r.seconds} s`,
]);

await section('crashRestart', 'SIGKILL mid-load, then restart', () => benchCrashRestart(ctx), (r) => [
  `${r.events} events: ${r.acknowledged} acknowledged, ${r.refusedWhileDown} refused while down (then redelivered, as LINE does)`,
  `${r.unansweredAtKill} acknowledged but unanswered when killed; afterwards ${r.answeredOnce} answered once, ${r.answeredTwice} twice, ${r.missing} missing; last answer ${r.lastAnswerAfterRestartSeconds} s after the restart`,
]);

await section('users', '200 users × 10 messages, offline composer: reply latency, throughput, memory', () => benchUsers(ctx), (r) =>
  r.runs.map((x) => `${x.setup}: p50 ${x.p50Ms} ms, p99 ${x.p99Ms} ms, max ${x.maxMs} ms, ${x.answersPerSecond} answers/s, peak RSS ${x.peakRssMb} MB (${x.answered}/${x.messages})`),
);

await section('redisOutage', 'Redis stopped for 10 s mid-load', () => benchRedisOutage(ctx), (r) => [
  `${r.events} events, statuses ${JSON.stringify(r.statuses)}; ${r.answeredDuringOutage} answered during the outage`,
  `/healthz degraded ${r.healthDegradedAfterSeconds ?? '—'} s after the stop; ok ${r.healthOkAfterRestartSeconds ?? '—'} s after the restart; durable queue again after ${r.queueBackAfterRestartSeconds ?? '—'} s`,
]);

const met = targets.filter((t) => t.met).length;
heading(`Targets: ${met}/${targets.length} met`);
for (const t of targets) ctx.say(`${t.met ? 'PASS' : 'FAIL'}  ${t.name}`);

const outDir = new URL('./results/', import.meta.url);
mkdirSync(outDir, { recursive: true });
const report = {
  at: new Date(started).toISOString(),
  durationSeconds: Math.round((Date.now() - started) / 1000),
  machine: { node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGb: Math.round(totalmem() / 2 ** 30) },
  botProcess: `node ${botNodeArgs('server').join(' ')}`,
  results,
  targets,
};
writeFileSync(new URL('latest.json', outDir), `${JSON.stringify(report, null, 2)}\n`);
console.log(`\nwritten: bench/results/latest.json (${report.durationSeconds} s)`);
process.exit(met === targets.length ? 0 : 1);
