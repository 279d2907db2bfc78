// The answers report. Held-out: every question in test/heldout/questions.json goes through a whole
// offline turn (follow-ups after their earlier question, in the same conversation), and a reply
// counts when it carries the fact (every group of words, any word of each) and names its source.
// Training: the retrieval set in test/fixtures/questions.json (was the expected card found?).
// `--transcript` writes every held-out reply to one readable file for a native reader.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { CardRanker, trainCardClassifier } from '../answers/ranker.ts';
import { buildKnowledgeIndex, retrieve } from '../answers/retrieval.ts';
import { flatten } from '../conversation/flatten.ts';
import { createAdviser, createKnowledgeBase } from '../conversation/pipeline.ts';
import { loadKnowledge } from '../knowledge/load.ts';
import { createLogger } from '../observability/log.ts';
import { createMetrics } from '../observability/metrics.ts';
import { MemoryStore } from '../store/memory.ts';

export const HELD_OUT_QUESTIONS = fileURLToPath(new URL('../../test/heldout/questions.json', import.meta.url));
export const TRAINING_QUESTIONS = fileURLToPath(new URL('../../test/fixtures/questions.json', import.meta.url));
const ANSWERS_DATA = fileURLToPath(new URL('../../data/answers/', import.meta.url));

/**
 * Questions with the facts their answers carry, written for tuning (data/answers/train-questions*.json),
 * each beside the file mapping its questions to the card written for them (train-question-cards*.json).
 * Held-out ones are in test/heldout/.
 */
export function trainingKeyedFiles(): { questions: string; cards: string }[] {
  return readdirSync(ANSWERS_DATA)
    .filter((name) => /^train-questions(-\d+)?\.json$/.test(name))
    .sort()
    .map((name) => ({ questions: join(ANSWERS_DATA, name), cards: join(ANSWERS_DATA, name.replace('train-questions', 'train-question-cards')) }));
}

export function loadTrainingKeyedQuestions(): HeldOutQuestion[] {
  return trainingKeyedFiles().flatMap(({ questions }) => loadHeldOutQuestions(questions));
}
export const TRANSCRIPT_PATH = fileURLToPath(new URL('../../eval-output/transcript-heldout-questions.md', import.meta.url));

export const ANSWER_TARGETS = { carried: 0.95 } as const;

export const heldOutQuestionSchema = z.object({
  id: z.string(),
  moment: z.enum(['before', 'at', 'after', 'feeling', 'followup']),
  previous: z.string().nullable(),
  text: z.string(),
  fact: z.string(),
  keys: z.array(z.array(z.string()).min(1)).min(1),
});
export type HeldOutQuestion = z.infer<typeof heldOutQuestionSchema>;

export function loadHeldOutQuestions(path = HELD_OUT_QUESTIONS): HeldOutQuestion[] {
  return z.array(heldOutQuestionSchema).parse(JSON.parse(readFileSync(path, 'utf8')));
}

const fold = (text: string) => text.normalize('NFKC').replace(/\s+/g, '');

/** Every group of words has one word in the reply. */
export function carriesFact(reply: string, keys: readonly (readonly string[])[]): boolean {
  const haystack = fold(reply);
  return keys.every((group) => group.some((word) => haystack.includes(fold(word))));
}

export const namesSource = (reply: string): boolean => reply.includes('出典：');

export type AnsweredQuestion = { question: HeldOutQuestion; previousReply?: string | undefined; reply: string; intent: string; sources: string[] };

/** Runs each question as a new user (a follow-up after its earlier question), offline, in memory. */
export async function answerHeldOut(questions: readonly HeldOutQuestion[]): Promise<AnsweredQuestion[]> {
  const config = { stateTtlSeconds: 86_400, LLM_TIMEOUT_MS: 1_000, RATE_LIMIT_MESSAGES: 10_000, RATE_LIMIT_WINDOW_SECONDS: 600, LLM_DAILY_BUDGET: 0 };
  const adviser = await createAdviser({ store: new MemoryStore(), llm: undefined, config, log: createLogger('silent'), metrics: createMetrics(), knowledge: createKnowledgeBase() });
  const at = Date.parse('2026-12-01T10:00:00Z');
  const out: AnsweredQuestion[] = [];
  for (const question of questions) {
    const userId = `Ueval${question.id}`;
    let previousReply: string | undefined;
    if (question.previous) previousReply = flatten((await adviser.turn({ userId, chatType: 'user', now: at, text: question.previous })).messages);
    const result = await adviser.turn({ userId, chatType: 'user', now: at + 60_000, text: question.text });
    out.push({ question, previousReply, reply: flatten(result.messages), intent: result.intent, sources: result.sources.map((s) => s.id) });
  }
  return out;
}

export type AnswerReport = {
  total: number;
  carried: number;
  carriedWithSource: number;
  byMoment: Record<string, { total: number; carried: number }>;
};

export function scoreAnswers(answered: readonly AnsweredQuestion[]): AnswerReport {
  const byMoment: AnswerReport['byMoment'] = {};
  let carried = 0;
  let withSource = 0;
  for (const a of answered) {
    const entry = (byMoment[a.question.moment] ??= { total: 0, carried: 0 });
    entry.total += 1;
    const ok = carriesFact(a.reply, a.question.keys);
    if (ok) carried += 1;
    if (ok && namesSource(a.reply)) {
      withSource += 1;
      entry.carried += 1;
    }
  }
  const n = Math.max(1, answered.length);
  return { total: answered.length, carried: carried / n, carriedWithSource: withSource / n, byMoment };
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

export function formatAnswerReport(report: AnswerReport, title = 'held-out (test/heldout/questions.json)'): string {
  return [
    `${title}: ${report.total} questions`,
    `  ${report.carriedWithSource >= ANSWER_TARGETS.carried ? 'ok ' : 'MISS'} carry the fact with a source  ${pct(report.carriedWithSource)} (target ≥ ${pct(ANSWER_TARGETS.carried)}); the fact at all ${pct(report.carried)}`,
    `  by moment: ${Object.entries(report.byMoment)
      .map(([m, s]) => `${m} ${s.carried}/${s.total}`)
      .join(', ')}`,
  ].join('\n');
}

export function writeTranscript(answered: readonly AnsweredQuestion[], path = TRANSCRIPT_PATH): void {
  const lines = ['# Replies to the held-out questions (offline, no LLM)', '', 'Each block: the message (and the earlier one, for follow-ups), then the reply exactly as the user reads it.', ''];
  for (const a of answered) {
    lines.push(`## ${a.question.id} (${a.question.moment})`, '');
    if (a.question.previous) lines.push(`**Earlier:** ${a.question.previous}`, '', '```', a.previousReply ?? '', '```', '');
    lines.push(`**User:** ${a.question.text}`, '', '```', a.reply, '```', '');
  }
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${lines.join('\n')}\n`);
}

// ---------------------------------------------------------------- training: retrieval

const trainingSchema = z.object({ questions: z.array(z.object({ q: z.string(), expected: z.array(z.string()) })) });

/**
 * The retrieval set in test/fixtures/questions.json, ranked by BM25 alone and by the shipped way
 * (BM25 plus the card classifier, here trained without these questions so they stay unseen).
 */
export function retrievalOnTraining(path = TRAINING_QUESTIONS): { bm25: { at1: number; at5: number }; ranked: { at1: number; at5: number }; inScope: number } {
  const cards = loadKnowledge();
  const index = buildKnowledgeIndex(cards);
  const ranker = new CardRanker(index, trainCardClassifier(cards));
  const questions = trainingSchema.parse(JSON.parse(readFileSync(path, 'utf8'))).questions.filter((q) => q.expected.length > 0);
  const tally = (rank: (q: string) => string[]) => {
    let at1 = 0;
    let at5 = 0;
    for (const q of questions) {
      const ids = rank(q.q);
      if (q.expected.includes(ids[0] ?? '')) at1 += 1;
      if (ids.slice(0, 5).some((id) => q.expected.includes(id))) at5 += 1;
    }
    return { at1: at1 / questions.length, at5: at5 / questions.length };
  };
  return {
    bm25: tally((q) => retrieve(index, q, 5).hits.map((h) => h.chunk.id)),
    ranked: tally((q) => ranker.rank(q, 5).hits.map((h) => h.chunk.id)),
    inScope: questions.length,
  };
}


/** The training questions' misses, to see what to improve (never the held-out set's). */
export function formatMisses(answered: readonly AnsweredQuestion[]): string {
  return answered
    .filter((a) => !(carriesFact(a.reply, a.question.keys) && namesSource(a.reply)))
    .map((a) => `  ${a.question.id} [${a.intent} ${a.sources.join(',')}] ${a.question.text.replace(/\s+/g, ' ').slice(0, 60)}\n      needs ${JSON.stringify(a.question.keys)}`)
    .join('\n');
}

if (import.meta.main) {
  const answered = await answerHeldOut(loadHeldOutQuestions());
  console.log(formatAnswerReport(scoreAnswers(answered)));
  const trainingAnswered = await answerHeldOut(loadTrainingKeyedQuestions());
  console.log(formatAnswerReport(scoreAnswers(trainingAnswered), 'training (data/answers/train-questions*.json)'));
  if (process.argv.includes('--misses')) console.log(formatMisses(trainingAnswered));
  const training = retrievalOnTraining();
  console.log(
    `training (test/fixtures/questions.json, ${training.inScope} in-scope questions): card found first ${pct(training.ranked.at1)}, in the top 5 ${pct(training.ranked.at5)} (BM25 alone ${pct(training.bm25.at1)} / ${pct(training.bm25.at5)})`,
  );
  if (process.argv.includes('--transcript')) {
    writeTranscript(answered);
    console.log(`transcript: ${TRANSCRIPT_PATH}`);
  }
}
