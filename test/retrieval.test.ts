import { describe, expect, it } from 'vitest';
import {
  type EmbedPort,
  type VectorCachePort,
  buildEmbeddingIndex,
  cosineSimilarity,
  hybridSearch,
  searchByEmbedding,
} from '../src/answers/embedding-index.ts';
import { buildKnowledgeIndex, fuseByReciprocalRank, retrieve, searchKnowledge } from '../src/answers/retrieval.ts';
import { expandWithSynonyms } from '../src/answers/synonyms.ts';
import { bigramTokenize, normalizeText } from '../src/answers/tokenize.ts';
import { readFileSync } from 'node:fs';
import { retrievalOnTraining, TRAINING_QUESTIONS } from '../src/eval/questions.ts';
import { loadKnowledge } from '../src/knowledge/load.ts';
import type { Chunk } from '../src/knowledge/schema.ts';
import { createAdviser, createKnowledgeBase } from '../src/conversation/pipeline.ts';
import { createLogger } from '../src/observability/log.ts';
import { createMetrics } from '../src/observability/metrics.ts';
import { MemoryStore } from '../src/store/memory.ts';

const chunks = loadKnowledge();
const index = buildKnowledgeIndex(chunks);
const topIds = (query: string, k = 3): string[] => searchKnowledge(index, query, k).map((hit) => hit.chunk.id);

describe('Japanese tokenizer', () => {
  it('cuts Japanese into overlapping bigrams, keeps each kanji, and keeps ASCII words whole', () => {
    expect(bigramTokenize('マルチ勧誘')).toEqual(['マル', 'ルチ', 'チ勧', '勧', '勧誘', '誘']);
    expect(bigramTokenize('LINEで188')).toEqual(['line', 'で', '188']);
  });

  it('folds width, case and the middle dot so that differently typed words meet', () => {
    expect(normalizeText('ＭＬＭ')).toBe('mlm');
    expect(bigramTokenize('クーリング・オフ')).toEqual(bigramTokenize('クーリングオフ'));
    expect(bigramTokenize('ｸｰﾘﾝｸﾞｵﾌ')).toEqual(bigramTokenize('クーリングオフ'));
  });
});

describe('finding the chunk that answers', () => {
  it('answers a plainly worded question from the matching chunk', () => {
    expect(topIds('マルチ商法の契約はクーリングオフできますか？')).toContain('law-cooling-off');
    expect(topIds('交流会で知り合った人が既婚者か確かめる方法は？')).toContain('married-contacts');
  });

  it('understands casual LINE wording', () => {
    expect(topIds('マルチってぶっちゃけ違法なん？')).toContain('law-mlm-regulation');
    expect(topIds('交流会のグループLINE、通知うるさすぎて無理')).toContain('red-noisy-line-groups');
    expect(topIds('勢いで契約しちゃった、どうしよう')).toEqual(expect.arrayContaining([expect.stringMatching(/law-cooling-off|action-after-signing/)]));
  });

  it('reaches the knowledge through synonyms when the user uses a word it never does', () => {
    const mentions = (word: string) => chunks.some((chunk) => `${chunk.title}${chunk.body}${chunk.questions.join('')}`.includes(word));
    expect(mentions('ネズミ講')).toBe(false);
    expect(expandWithSynonyms('ネズミ講に誘われた')).toEqual(expect.arrayContaining(['マルチ', '連鎖販売']));
    expect(topIds('これってネズミ講？法律的にどうなの')).toContain('law-mlm-regulation');
  });

  it('does not expand a query that already uses the knowledge’s own word', () => {
    expect(expandWithSynonyms('マルチの勧誘の断り方')).not.toContain('ネットワークビジネス');
    expect(topIds('マルチの勧誘の断り方', 3)).toContain('action-refuse');
  });

  it('returns at most k hits, best first', () => {
    const hits = searchKnowledge(index, '交流会で勧誘されたらどう断る？', 4);
    expect(hits.length).toBeLessThanOrEqual(4);
    expect(hits.map((hit) => hit.score)).toEqual([...hits.map((hit) => hit.score)].sort((a, b) => b - a));
  });
});

describe('deciding what is out of scope', () => {
  it.each(['明日の大阪の天気は？', 'Rustで文字列を逆順にしたい', 'カレーのおいしい作り方', 'おすすめの投資信託を教えて'])(
    'refuses an unrelated question: %s',
    (question) => {
      expect(searchKnowledge(index, question)).toEqual([]);
      expect(retrieve(index, question).inScope).toBe(false);
    },
  );

  it('keeps a question that names the domain even when the rest is slang', () => {
    expect(retrieve(index, 'MLMってぶっちゃけどうなん').inScope).toBe(true);
  });

  it('judges scope on a length-normalised score, so a long question is not lifted by volume alone', () => {
    const short = retrieve(index, 'カレーの作り方');
    const long = retrieve(index, 'カレーの作り方を教えてください。スパイスから作りたいのですが、玉ねぎは何分くらい炒めればいいですか？');
    expect(short.inScope).toBe(false);
    // Seven times the words, but well under seven times the relevance: the square root of the length
    // keeps it on the scale of the short one (whether it is in scope is the understanding step's call).
    expect(long.relevance).toBeLessThan(2 * short.relevance);
  });

  it('leaves the last word to the understanding step: the adviser declines a long, detailed off-topic question', async () => {
    const config = { stateTtlSeconds: 86_400, LLM_TIMEOUT_MS: 1_000, RATE_LIMIT_MESSAGES: 100, RATE_LIMIT_WINDOW_SECONDS: 600, LLM_DAILY_BUDGET: 0 };
    const adviser = await createAdviser({ store: new MemoryStore(), llm: undefined, config, log: createLogger('silent'), metrics: createMetrics(), knowledge: createKnowledgeBase(chunks) });
    const turn = await adviser.turn({ userId: 'Uscope', chatType: 'user', now: Date.parse('2026-12-01T10:00:00Z'), text: 'カレーの作り方を教えてください。スパイスから作りたいのですが、玉ねぎは何分くらい炒めればいいですか？' });
    expect(turn.intent).toBe('out-of-scope');
  });
});

describe('the training question set', () => {
  const questions = (JSON.parse(readFileSync(TRAINING_QUESTIONS, 'utf8')) as { questions: { q: string; expected: string[]; casual?: boolean }[] }).questions;
  const inScope = questions.filter((question) => question.expected.length > 0);

  it('is large enough and worded like real users', () => {
    expect(questions.length).toBeGreaterThanOrEqual(70);
    expect(inScope.length).toBeGreaterThanOrEqual(55);
    expect(inScope.filter((question) => question.casual).length).toBeGreaterThanOrEqual(inScope.length / 3);
    expect(questions.length - inScope.length).toBeGreaterThanOrEqual(12);
  });

  it('expects only chunks that exist', () => {
    const ids = new Set(chunks.map((chunk) => chunk.id));
    expect(inScope.flatMap((question) => question.expected).filter((id) => !ids.has(id))).toEqual([]);
  });

  it('does not copy the chunks’ example questions', () => {
    const normalise = (text: string) => text.normalize('NFKC').replace(/\s/g, '');
    const examples = chunks.flatMap((chunk) => chunk.questions.map(normalise));
    const copied = questions.filter((question) => examples.some((example) => longestCommonRun(normalise(question.q), example) >= 15));
    expect(copied.map((question) => question.q)).toEqual([]);
  });

  it('finds the expected card in the top five for at least 95% of its questions, with the ranker trained without them', () => {
    const figures = retrievalOnTraining();
    expect(figures.ranked.at5).toBeGreaterThanOrEqual(0.95);
    expect(figures.ranked.at1).toBeGreaterThanOrEqual(figures.bm25.at1);
  }, 120_000); // trains the card classifier (about 25 s on two cores)
});

describe('reciprocal rank fusion', () => {
  it('puts first what both rankings agree on', () => {
    expect(fuseByReciprocalRank([['a', 'b', 'c'], ['b', 'c', 'a']])[0]).toBe('b');
  });

  it('keeps items that only one ranking found', () => {
    expect(fuseByReciprocalRank([['a'], ['z']]).sort()).toEqual(['a', 'z']);
  });
});

// A real, deterministic embedding: hashed bag of character bigrams, so texts sharing words
// point the same way. Good enough to test the plumbing without a model.
const dimensions = 512;
function bagOfBigramsVector(text: string): number[] {
  const vector = new Array<number>(dimensions).fill(0);
  for (const term of bigramTokenize(text)) {
    let hash = 2166136261;
    for (const char of term) hash = Math.imul(hash ^ char.codePointAt(0)!, 16777619);
    vector[(hash >>> 0) % dimensions]! += 1;
  }
  return vector;
}

function countingEmbedPort(): EmbedPort & { texts: string[] } {
  const texts: string[] = [];
  const embed = async (batch: string[]) => {
    texts.push(...batch);
    return batch.map(bagOfBigramsVector);
  };
  return Object.assign(embed, { texts });
}

function memoryCache(): VectorCachePort & { size(): number } {
  const vectors = new Map<string, number[]>();
  return {
    get: async (hash) => vectors.get(hash) ?? null,
    set: async (hash, vector) => void vectors.set(hash, vector),
    size: () => vectors.size,
  };
}

describe('embedding index and hybrid search', () => {
  it('embeds each chunk once and serves it from the cache afterwards', async () => {
    const cache = memoryCache();
    const first = countingEmbedPort();
    await buildEmbeddingIndex(chunks, first, cache, { batchSize: 16 });
    expect(first.texts).toHaveLength(chunks.length);
    expect(cache.size()).toBe(chunks.length);

    const second = countingEmbedPort();
    await buildEmbeddingIndex(chunks, second, cache);
    expect(second.texts).toHaveLength(0);
  });

  it('embeds a chunk again when its text changes', async () => {
    const cache = memoryCache();
    await buildEmbeddingIndex(chunks, countingEmbedPort(), cache);
    const edited: Chunk[] = chunks.map((chunk, i) => (i === 0 ? { ...chunk, body: `${chunk.body} 追記。` } : chunk));
    const embed = countingEmbedPort();
    await buildEmbeddingIndex(edited, embed, cache);
    expect(embed.texts).toHaveLength(1);
  });

  it('ranks chunks by cosine similarity to the question', async () => {
    const embed = countingEmbedPort();
    const embeddingIndex = await buildEmbeddingIndex(chunks, embed, memoryCache());
    const hits = await searchByEmbedding(embeddingIndex, embed, 'クーリング・オフは契約書面を受け取ってから何日以内？', 3);
    expect(hits.map((hit) => hit.chunk.id)).toContain('law-cooling-off');
    expect(hits[0]!.score).toBeCloseTo(cosineSimilarity(bagOfBigramsVector('クーリング・オフは契約書面を受け取ってから何日以内？'), bagOfBigramsVector(`${hits[0]!.chunk.title}\n\n${hits[0]!.chunk.questions.join('\n')}\n\n${hits[0]!.chunk.body}`)), 6);
  });

  it('fuses BM25 and embedding rankings into one answerable list', async () => {
    const embed = countingEmbedPort();
    const embeddingIndex = await buildEmbeddingIndex(chunks, embed, memoryCache());
    const result = await hybridSearch(index, embeddingIndex, embed, '交流会で会った人が既婚者か早めに知りたい', 5);
    expect(result.inScope).toBe(true);
    expect(result.hits).toHaveLength(5);
    expect(result.hits.slice(0, 2).map((hit) => hit.chunk.id)).toContain('married-contacts');
  });

  it('spends no embedding call on an out-of-scope question', async () => {
    const embed = countingEmbedPort();
    const embeddingIndex = await buildEmbeddingIndex(chunks, embed, memoryCache());
    const before = embed.texts.length;
    const result = await hybridSearch(index, embeddingIndex, embed, '明日の天気は晴れる？');
    expect(result.inScope).toBe(false);
    expect(embed.texts.length).toBe(before);
  });

  it('rejects an embed port that returns the wrong number of vectors', async () => {
    const broken: EmbedPort = async (texts) => texts.slice(1).map(bagOfBigramsVector);
    await expect(buildEmbeddingIndex(chunks, broken, memoryCache())).rejects.toThrow(/vectors for/);
  });
});

function longestCommonRun(a: string, b: string): number {
  let best = 0;
  const row = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = 0;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = a[i - 1] === b[j - 1] ? diagonal + 1 : 0;
      best = Math.max(best, row[j]!);
      diagonal = above;
    }
  }
  return best;
}
