// Retrieval eval over test/fixtures/questions.json: does the right chunk come back, and are
// unrelated questions refused? Run: node src/eval/questions.ts [--tokenizer=bigram|segmenter]
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { type KnowledgeIndex, buildKnowledgeIndex, retrieve, searchKnowledge } from '../adviser/retrieval.ts';
import { type Tokenizer, bigramTokenize, segmenterTokenize } from '../adviser/tokenize.ts';
import { loadKnowledge } from '../knowledge/load.ts';

const questionSetSchema = z.object({
  questions: z.array(
    z.object({
      q: z.string().min(1),
      /** Chunk ids that answer the question; any one of them counts. Empty: out of scope. */
      expected: z.array(z.string()),
      casual: z.boolean().optional(),
    }),
  ),
});

export type EvalQuestion = z.infer<typeof questionSetSchema>['questions'][number];

export const questionSetPath = fileURLToPath(new URL('../../test/fixtures/questions.json', import.meta.url));

export function loadQuestionSet(path: string = questionSetPath): EvalQuestion[] {
  return questionSetSchema.parse(JSON.parse(readFileSync(path, 'utf8'))).questions;
}

export type Miss = { q: string; expected: string[]; got: string[] };

export type EvalReport = {
  recallAt1: number;
  recallAt5: number;
  mrr: number;
  refusalRate: number;
  pass: boolean;
  inScopeCount: number;
  outOfScopeCount: number;
  /** The ranking alone, as if every question were in scope: separates ranking from scoping. */
  rankingRecallAt5: number;
  rankingMrr: number;
  /** In-scope questions whose chunk was not in the top 5 (or that were refused). */
  misses: Miss[];
  /** Out-of-scope questions that were answered anyway. */
  wronglyAnswered: Miss[];
};

export const targets = { recallAt5: 0.95, refusalRate: 0.9 } as const;

/**
 * recall@k is the share of in-scope questions with at least one expected chunk in the top k;
 * a refused in-scope question counts as not found. MRR uses the first expected chunk's rank
 * within the top 5 (0 beyond it).
 */
export function evaluateRetrieval(index: KnowledgeIndex, questions: readonly EvalQuestion[]): EvalReport {
  let foundAt1 = 0;
  let foundAt5 = 0;
  let reciprocalRanks = 0;
  let refused = 0;
  const misses: Miss[] = [];
  const wronglyAnswered: Miss[] = [];
  const inScope = questions.filter((question) => question.expected.length > 0);
  const outOfScope = questions.filter((question) => question.expected.length === 0);

  let rankedAt5 = 0;
  let rankedReciprocal = 0;
  for (const question of inScope) {
    const retrieval = retrieve(index, question.q, 5);
    const ranked = retrieval.hits.findIndex((hit) => question.expected.includes(hit.chunk.id));
    if (ranked >= 0) {
      rankedAt5++;
      rankedReciprocal += 1 / (ranked + 1);
    }
    const got = retrieval.inScope ? retrieval.hits.map((hit) => hit.chunk.id) : [];
    const rank = got.findIndex((id) => question.expected.includes(id));
    if (rank === 0) foundAt1++;
    if (rank >= 0) {
      foundAt5++;
      reciprocalRanks += 1 / (rank + 1);
    } else {
      misses.push({ q: question.q, expected: question.expected, got });
    }
  }
  for (const question of outOfScope) {
    const got = searchKnowledge(index, question.q, 5).map((hit) => hit.chunk.id);
    if (got.length === 0) refused++;
    else wronglyAnswered.push({ q: question.q, expected: [], got });
  }

  const recallAt5 = ratio(foundAt5, inScope.length);
  const refusalRate = ratio(refused, outOfScope.length);
  return {
    recallAt1: ratio(foundAt1, inScope.length),
    recallAt5,
    mrr: ratio(reciprocalRanks, inScope.length),
    refusalRate,
    pass: recallAt5 >= targets.recallAt5 && refusalRate >= targets.refusalRate,
    rankingRecallAt5: ratio(rankedAt5, inScope.length),
    rankingMrr: ratio(rankedReciprocal, inScope.length),
    inScopeCount: inScope.length,
    outOfScopeCount: outOfScope.length,
    misses,
    wronglyAnswered,
  };
}

function ratio(part: number, whole: number): number {
  return whole === 0 ? 0 : part / whole;
}

export type RunOptions = { tokenize?: Tokenizer; quiet?: boolean };

/** Loads the knowledge and the question set, prints the figures and the misses. */
export async function runQuestionEval(
  options: RunOptions = {},
): Promise<{ recallAt1: number; recallAt5: number; mrr: number; refusalRate: number; pass: boolean }> {
  const index = buildKnowledgeIndex(loadKnowledge(), options.tokenize ? { tokenize: options.tokenize } : {});
  const report = evaluateRetrieval(index, loadQuestionSet());
  if (!options.quiet) printReport(report);
  const { recallAt1, recallAt5, mrr, refusalRate, pass } = report;
  return { recallAt1, recallAt5, mrr, refusalRate, pass };
}

function printReport(report: EvalReport): void {
  const f = (value: number): string => value.toFixed(3);
  console.log(
    `questions: ${report.inScopeCount} in scope, ${report.outOfScopeCount} out of scope\n` +
      `recall@1 ${f(report.recallAt1)}  recall@5 ${f(report.recallAt5)}  MRR ${f(report.mrr)}  ` +
      `refusals ${f(report.refusalRate)}  → ${report.pass ? 'PASS' : 'FAIL'} ` +
      `(targets: recall@5 ≥ ${targets.recallAt5}, refusals ≥ ${targets.refusalRate})\n` +
      `ranking alone (scope ignored): recall@5 ${f(report.rankingRecallAt5)}  MRR ${f(report.rankingMrr)}`,
  );
  for (const miss of report.misses) console.log(`  miss: ${miss.q}\n        expected ${miss.expected.join(' | ')}; got ${miss.got.join(', ') || '(refused)'}`);
  for (const miss of report.wronglyAnswered) console.log(`  answered out-of-scope: ${miss.q}\n        got ${miss.got.join(', ')}`);
}

const tokenizers: Record<string, Tokenizer> = { bigram: bigramTokenize, segmenter: segmenterTokenize };

if (import.meta.main) {
  const choice = process.argv.find((arg) => arg.startsWith('--tokenizer='))?.slice('--tokenizer='.length);
  const tokenize = choice === undefined ? undefined : tokenizers[choice];
  if (choice !== undefined && !tokenize) {
    console.error(`unknown --tokenizer=${choice}; use one of: ${Object.keys(tokenizers).join(', ')}`);
    process.exit(2);
  }
  const result = await runQuestionEval(tokenize ? { tokenize } : {});
  process.exitCode = result.pass ? 0 : 1;
}
