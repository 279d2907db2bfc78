// Latency of searchKnowledge over the eval questions, warm, index built once.
// Run: node bench/retrieval.ts   (target: p50 < 1 ms per query)
import { performance } from 'node:perf_hooks';
import { buildKnowledgeIndex, searchKnowledge } from '../src/adviser/retrieval.ts';
import { loadQuestionSet } from '../src/eval/questions.ts';
import { loadKnowledge } from '../src/knowledge/load.ts';

export type RetrievalBench = { p50Ms: number; p99Ms: number; queries: number };

export function benchRetrieval(iterations = 20): RetrievalBench {
  const index = buildKnowledgeIndex(loadKnowledge());
  const questions = loadQuestionSet().map((question) => question.q);
  // Warm-up: let the JIT see every code path before timing.
  for (let i = 0; i < 3; i++) for (const question of questions) searchKnowledge(index, question, 5);

  const timings: number[] = [];
  for (let i = 0; i < iterations; i++) {
    for (const question of questions) {
      const start = performance.now();
      searchKnowledge(index, question, 5);
      timings.push(performance.now() - start);
    }
  }
  timings.sort((a, b) => a - b);
  return { p50Ms: percentile(timings, 0.5), p99Ms: percentile(timings, 0.99), queries: timings.length };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
}

if (import.meta.main) {
  const result = benchRetrieval();
  console.log(`retrieval: p50 ${result.p50Ms.toFixed(3)} ms, p99 ${result.p99Ms.toFixed(3)} ms over ${result.queries} queries`);
}
