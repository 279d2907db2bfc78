// BM25 retrieval over the knowledge chunks, and the decision whether a question is ours at all.
import MiniSearch, { type SearchResult } from 'minisearch';
import type { Chunk } from '../knowledge/schema.ts';
import { expandWithSynonyms, mentionsDomain } from './synonyms.ts';
import { type Tokenizer, termWeight, tokenizeJapanese } from './tokenize.ts';

export type Hit = {
  chunk: Chunk;
  /** BM25 score (synonyms included); only comparable between hits of the same query. */
  score: number;
};

export type Retrieval = {
  /** Best first, at most k. Filled even when out of scope, for callers that want to look. */
  hits: Hit[];
  /** Length-normalised BM25 score of the best chunk for the user's own words (see below). */
  relevance: number;
  inScope: boolean;
};

export type KnowledgeIndex = {
  readonly chunks: readonly Chunk[];
  readonly byId: ReadonlyMap<string, Chunk>;
  readonly tokenize: Tokenizer;
  readonly engine: MiniSearch<IndexedChunk>;
  /** ln(2N + 2): the IDF of a term that occurs in no chunk; scales relevance to the corpus size. */
  readonly maxInverseDocumentFrequency: number;
};

type IndexedChunk = { id: string; title: string; body: string; questions: string; tags: string; card: string };

/**
 * Titles, tags and the example questions name the topic in few words and in the way people ask;
 * they weigh more than the body, whose many words would otherwise drown them. Set on the training
 * questions (test/fixtures/questions.json and data/answers/, 706 with their card): the expected
 * card first for 81.2% against 79.2% with the earlier {title 2, questions 1.5, tags 1.5, card 1.2,
 * body 1}; nearby settings score within a point (a plateau, not a peak).
 */
export const fieldBoosts = { title: 1.5, questions: 2, tags: 1, card: 1.5, body: 0.5 } as const;

/** Words added by the synonym map count for half of the user's own words. */
export const synonymWeight = 0.7;

/**
 * Relevance below which the question is treated as out of scope (the bot then says what it can
 * help with instead of answering from an unrelated chunk):
 *
 *   relevance = contentScore(best chunk, user's own words only) / √(weighted term count) / ln(2N + 2)
 *
 * The user's own words only: synonyms fire on everyday words too (ご飯, 彼氏) and would lift
 * unrelated questions over the line. √ of the query's weighted length: the score grows faster
 * than linearly with the number of matched terms, and dividing by the full length would punish
 * long, detailed in-scope questions; the square root keeps short and long questions on one
 * scale (checked with long out-of-scope questions in the set). ln(2N + 2), the largest possible
 * IDF, keeps the scale as the knowledge base grows. With 114 cards, 16 refuses 3 of the 168 in-scope
 * training questions and a long recipe question, where 13.5 (set with 60 chunks) let it through.
 * Scope is decided first by the understanding step (an out-of-scope act); this threshold guards
 * the answers that step was not sure of.
 */
export const scopeThreshold = 16;

export type BuildOptions = { tokenize?: Tokenizer };

/** Builds the index once, at start-up; searching it afterwards is sub-millisecond. */
export function buildKnowledgeIndex(chunks: readonly Chunk[], options: BuildOptions = {}): KnowledgeIndex {
  const tokenize = options.tokenize ?? tokenizeJapanese;
  const engine = new MiniSearch<IndexedChunk>({
    idField: 'id',
    fields: ['title', 'body', 'questions', 'tags', 'card'],
    tokenize,
    // The tokenizer already normalises; MiniSearch's default would lowercase a second time.
    processTerm: (term) => term,
    searchOptions: { boost: { ...fieldBoosts }, combineWith: 'OR', prefix: false, fuzzy: false },
  });
  engine.addAll(chunks.map(toIndexedChunk));
  return {
    chunks,
    byId: new Map(chunks.map((chunk) => [chunk.id, chunk])),
    tokenize,
    engine,
    maxInverseDocumentFrequency: Math.log(2 * chunks.length + 2),
  };
}

function toIndexedChunk(chunk: Chunk): IndexedChunk {
  return {
    id: chunk.id,
    title: chunk.title,
    body: chunk.body,
    questions: chunk.questions.join('\n'),
    tags: chunk.tags.join(' '),
    // What the bot says from the card: its answer, points and next step.
    card: [chunk.answer, ...(chunk.points ?? []), chunk.next_step].filter(Boolean).join('\n'),
  };
}

// Queries are tokenized once here and handed to MiniSearch as space-separated terms.
const splitOnSpaces = (text: string): string[] => text.split(' ');

/** Ranks the chunks for a query and decides whether the question is in scope. */
export function retrieve(index: KnowledgeIndex, query: string, k = 5): Retrieval {
  const ownTerms = uniqueTerms(index.tokenize(query));
  const own = new Set(ownTerms);
  const addedTerms = uniqueTerms(expandWithSynonyms(query).flatMap(index.tokenize)).filter((term) => !own.has(term));
  if (ownTerms.length === 0 && addedTerms.length === 0) return { hits: [], relevance: 0, inScope: false };

  // Scope is judged on the user's own words (see scopeThreshold).
  const ownResults = ownTerms.length > 0 ? runSearch(index, ownTerms) : [];
  const ownWeight = ownTerms.reduce((sum, term) => sum + termWeight(term), 0);
  const best = ownResults.reduce((max, result) => Math.max(max, contentScore(result)), 0);
  const relevance = ownWeight > 0 ? best / Math.sqrt(ownWeight) / index.maxInverseDocumentFrequency : 0;

  // Synonyms are searched on their own and added with a lower weight. Searching them together
  // with the user's words would let MiniSearch multiply each chunk's score by the number of
  // terms it matched, synonyms included, so a chunk matching a whole synonym group (マルチ,
  // ネットワークビジネス, 連鎖販売) would swamp one matching what was actually asked (断り方).
  const scores = new Map<string, number>();
  for (const result of ownResults) scores.set(String(result.id), result.score);
  if (addedTerms.length > 0) {
    for (const result of runSearch(index, addedTerms)) {
      const id = String(result.id);
      scores.set(id, (scores.get(id) ?? 0) + synonymWeight * result.score);
    }
  }

  const hits: Hit[] = [];
  for (const [id, score] of [...scores.entries()].sort((a, b) => b[1] - a[1])) {
    if (hits.length === k) break;
    const chunk = index.byId.get(id);
    if (chunk) hits.push({ chunk, score });
  }
  // A question that names the domain outright (交流会, マルチ, 勧誘, …) is ours however slangy
  // the rest of it is: 「MLMやめたいけど在庫いっぱい」 matches little word for word.
  const inScope = hits.length > 0 && (relevance >= scopeThreshold || mentionsDomain(query));
  return { hits, relevance, inScope };
}

function runSearch(index: KnowledgeIndex, terms: readonly string[]): SearchResult[] {
  return index.engine.search(terms.join(' '), { tokenize: splitOnSpaces, boostTerm: termWeight });
}

/**
 * MiniSearch multiplies a chunk's summed term scores by how many query terms it matched. For
 * the scope decision that count is weighted like the terms themselves, so that twenty matches
 * of grammar (ます, って) and lone kanji in a long unrelated question do not multiply its score
 * the way twenty matched words would.
 */
function contentScore(result: SearchResult): number {
  const matched = result.queryTerms.reduce((sum, term) => sum + termWeight(term), 0);
  return (result.score / Math.max(1, result.terms.length)) * matched;
}

/**
 * The k chunks that best answer the query, best first; empty when the question is out of
 * scope, so a caller cannot answer a weather question from an unrelated chunk by accident.
 */
export function searchKnowledge(index: KnowledgeIndex, query: string, k = 5): Hit[] {
  const retrieval = retrieve(index, query, k);
  return retrieval.inScope ? retrieval.hits : [];
}

function uniqueTerms(terms: readonly string[]): string[] {
  return [...new Set(terms.filter((term) => term.length > 0))];
}

/**
 * Reciprocal rank fusion: merges rankings (lists of ids, best first) without comparing their
 * scores, which live on different scales (BM25 vs cosine). k dampens the head of each list.
 */
export function fuseByReciprocalRank(rankings: readonly (readonly string[])[], k = 60): string[] {
  const fused = new Map<string, number>();
  for (const ranking of rankings) {
    ranking.forEach((id, rank) => fused.set(id, (fused.get(id) ?? 0) + 1 / (k + rank + 1)));
  }
  // Equal sums keep first-seen order (Map insertion order + stable sort): the first ranking wins.
  return [...fused.entries()].sort((a, b) => b[1] - a[1]).map(([id]) => id);
}
