// Latency of the decisions a turn makes, warm, in this process: understanding a message, judging an
// invitation (typical, and 5,000 characters), ranking the cards for a question, and a whole offline
// turn. Run: node bench/decisions.ts
import { performance } from 'node:perf_hooks';
import { readFileSync } from 'node:fs';
import { createAdviser, createKnowledgeBase } from '../src/conversation/pipeline.ts';
import { createLogger } from '../src/observability/log.ts';
import { createMetrics } from '../src/observability/metrics.ts';
import { MemoryStore } from '../src/store/memory.ts';
import { loadUnderstandingCorpus } from '../src/understanding/corpus.ts';
import { shippedUnderstander } from '../src/understanding/model.ts';
import { loadTrainingInvitations } from '../src/verdict/corpus.ts';
import { judgeInvitation } from '../src/verdict/verdict.ts';
import type { Target } from './support/context.ts';

export type Timing = { p50Ms: number; p99Ms: number; n: number };
export type DecisionsBench = {
  understanding: Timing;
  verdict: Timing;
  verdictLong: Timing;
  ranking: Timing;
  turnWithUnderstanding: Timing;
  turnWithoutUnderstanding: Timing;
  targets: Target[];
};

function time(inputs: readonly string[], run: (input: string) => unknown, rounds = 3): Timing {
  for (const input of inputs.slice(0, 50)) run(input); // warm-up: let the JIT see every path
  const timings: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const input of inputs) {
      const start = performance.now();
      run(input);
      timings.push(performance.now() - start);
    }
  }
  timings.sort((a, b) => a - b);
  const at = (p: number) => Number((timings[Math.min(timings.length - 1, Math.floor(p * timings.length))] ?? 0).toFixed(3));
  return { p50Ms: at(0.5), p99Ms: at(0.99), n: timings.length };
}

async function timeAsync(inputs: readonly string[], run: (input: string, i: number) => Promise<unknown>): Promise<Timing> {
  for (const [i, input] of inputs.slice(0, 30).entries()) await run(input, i);
  const timings: number[] = [];
  for (const [i, input] of inputs.entries()) {
    const start = performance.now();
    await run(input, i);
    timings.push(performance.now() - start);
  }
  timings.sort((a, b) => a - b);
  const at = (p: number) => Number((timings[Math.min(timings.length - 1, Math.floor(p * timings.length))] ?? 0).toFixed(3));
  return { p50Ms: at(0.5), p99Ms: at(0.99), n: timings.length };
}

export async function benchDecisions(): Promise<DecisionsBench> {
  const knowledge = createKnowledgeBase();
  const understander = shippedUnderstander();
  const messages = loadUnderstandingCorpus()
    .filter((_, i) => i % 5 === 0)
    .map((u) => u.text);
  const invitations = loadTrainingInvitations().map((i) => i.text);
  const long = invitations.filter((t) => t.length > 300).map((t) => t.repeat(Math.ceil(5_000 / t.length)).slice(0, 5_000)).slice(0, 20);
  const questions = (JSON.parse(readFileSync(new URL('../test/fixtures/questions.json', import.meta.url), 'utf8')) as { questions: { q: string }[] }).questions.map((q) => q.q);

  const understanding = time(messages, (m) => understander.read(m));
  const verdict = time(invitations, (t) => judgeInvitation(t, knowledge.sources));
  const verdictLong = time(long, (t) => judgeInvitation(t, knowledge.sources), 2);
  const ranking = time(questions, (q) => knowledge.ranker.rank(q, 5));

  // What understanding adds to a whole turn: the same offline turns with the models' reading, and
  // with the reading replaced by an exact command (a button label), which skips the models.
  const config = { stateTtlSeconds: 86_400, LLM_TIMEOUT_MS: 1_000, RATE_LIMIT_MESSAGES: 1_000_000, RATE_LIMIT_WINDOW_SECONDS: 600, LLM_DAILY_BUDGET: 0 };
  const adviser = await createAdviser({ store: new MemoryStore(), llm: undefined, config, log: createLogger('silent'), metrics: createMetrics(), knowledge });
  const now = Date.now();
  const turnWithUnderstanding = await timeAsync(questions, (q, i) => adviser.turn({ userId: `Ubench${i % 50}`, chatType: 'user', now, text: q }));
  const turnWithoutUnderstanding = await timeAsync(questions, (_q, i) => adviser.turn({ userId: `Ubench${i % 50}`, chatType: 'user', now, text: 'ヘルプ' }));

  const understandingCost = understanding.p50Ms;
  return {
    understanding,
    verdict,
    verdictLong,
    ranking,
    turnWithUnderstanding,
    turnWithoutUnderstanding,
    targets: [
      { name: 'understanding adds ≤ 2 ms p50 to a turn', met: understandingCost <= 2, detail: `reading a message: p50 ${understanding.p50Ms} ms, p99 ${understanding.p99Ms} ms` },
      { name: 'judging one invitation < 5 ms p99', met: verdict.p99Ms < 5, detail: `p50 ${verdict.p50Ms} ms, p99 ${verdict.p99Ms} ms over ${verdict.n}` },
      { name: 'judging a 5,000-character invitation < 50 ms', met: verdictLong.p99Ms < 50, detail: `p50 ${verdictLong.p50Ms} ms, p99 ${verdictLong.p99Ms} ms` },
    ],
  };
}

if (import.meta.main) {
  const r = await benchDecisions();
  console.log(JSON.stringify(r, null, 2));
}
