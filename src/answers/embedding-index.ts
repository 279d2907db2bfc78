// Optional semantic ranking, used when an embedding endpoint is configured. Pure apart from the
// two ports: the embedding call and a vector cache (both supplied by the shell).
import { createHash } from 'node:crypto';
import type { Chunk } from '../knowledge/schema.ts';
import { type Hit, type KnowledgeIndex, type Retrieval, fuseByReciprocalRank, retrieve } from './retrieval.ts';

/** Turns texts into vectors, one per text, in order. */
export type EmbedPort = (texts: string[]) => Promise<number[][]>;

/** Remembers chunk vectors across restarts, keyed by the hash of what was embedded. */
export type VectorCachePort = {
  get(hash: string): Promise<number[] | null>;
  set(hash: string, vector: number[]): Promise<void>;
};

export type EmbeddingIndex = {
  /** Unit-length vectors, so cosine similarity is a dot product. */
  readonly entries: readonly { chunk: Chunk; vector: Float64Array }[];
};

export type EmbeddingIndexOptions = {
  /**
   * Mixed into the cache key (e.g. the model name) so that vectors of one model are never
   * served for another.
   */
  namespace?: string;
  /** Texts per embed call. */
  batchSize?: number;
};

/** What is embedded for a chunk: the words it is found by and the words it says. */
export function embeddingText(chunk: Chunk): string {
  return [chunk.title, chunk.questions.join('\n'), chunk.body].join('\n\n');
}

export function contentHash(text: string, namespace = ''): string {
  return createHash('sha256').update(namespace).update('\u0000').update(text).digest('hex');
}

/**
 * Embeds every chunk once: vectors found in the cache are reused, the rest are embedded in
 * batches and stored. A chunk whose text changes gets a new hash, hence a fresh vector.
 */
export async function buildEmbeddingIndex(
  chunks: readonly Chunk[],
  embed: EmbedPort,
  cache: VectorCachePort,
  options: EmbeddingIndexOptions = {},
): Promise<EmbeddingIndex> {
  const namespace = options.namespace ?? '';
  const batchSize = Math.max(1, options.batchSize ?? 64);
  const texts = chunks.map(embeddingText);
  const hashes = texts.map((text) => contentHash(text, namespace));
  const vectors: (number[] | null)[] = await Promise.all(hashes.map((hash) => cache.get(hash)));

  const missing = vectors.flatMap((vector, i) => (vector === null ? [i] : []));
  for (let start = 0; start < missing.length; start += batchSize) {
    const batch = missing.slice(start, start + batchSize);
    const embedded = await embedChecked(embed, batch.map((i) => texts[i]!));
    await Promise.all(
      batch.map((chunkIndex, j) => {
        vectors[chunkIndex] = embedded[j]!;
        return cache.set(hashes[chunkIndex]!, embedded[j]!);
      }),
    );
  }

  const dimensions = vectors[0]?.length ?? 0;
  return {
    entries: chunks.map((chunk, i) => {
      const vector = vectors[i]!;
      if (vector.length !== dimensions) {
        throw new Error(`embedding of chunk "${chunk.id}" has ${vector.length} dimensions, expected ${dimensions}`);
      }
      return { chunk, vector: toUnitVector(vector) };
    }),
  };
}

async function embedChecked(embed: EmbedPort, texts: string[]): Promise<number[][]> {
  const vectors = await embed(texts);
  if (vectors.length !== texts.length) {
    throw new Error(`embed returned ${vectors.length} vectors for ${texts.length} texts`);
  }
  return vectors;
}

function toUnitVector(vector: readonly number[]): Float64Array {
  let norm = 0;
  for (const value of vector) norm += value * value;
  norm = Math.sqrt(norm);
  const unit = new Float64Array(vector.length);
  if (norm === 0) return unit;
  for (let i = 0; i < vector.length; i++) unit[i] = vector[i]! / norm;
  return unit;
}

export function cosineSimilarity(a: readonly number[] | Float64Array, b: readonly number[] | Float64Array): number {
  let dot = 0;
  let normA = 0;
  let normB = 0;
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    dot += a[i]! * b[i]!;
    normA += a[i]! * a[i]!;
    normB += b[i]! * b[i]!;
  }
  return normA === 0 || normB === 0 ? 0 : dot / Math.sqrt(normA * normB);
}

/** Chunks by cosine similarity to an already embedded query, best first. */
export function rankByCosine(index: EmbeddingIndex, queryVector: readonly number[], k = 5): Hit[] {
  const query = toUnitVector(queryVector);
  const scored = index.entries.map(({ chunk, vector }) => {
    let dot = 0;
    for (let i = 0; i < Math.min(vector.length, query.length); i++) dot += vector[i]! * query[i]!;
    return { chunk, score: dot };
  });
  return scored.sort((a, b) => b.score - a.score).slice(0, k);
}

export async function searchByEmbedding(index: EmbeddingIndex, embed: EmbedPort, query: string, k = 5): Promise<Hit[]> {
  const [queryVector] = await embedChecked(embed, [query]);
  return rankByCosine(index, queryVector!, k);
}

export type HybridOptions = {
  /** How deep each ranking goes before fusion. */
  depth?: number;
  /** RRF's k. */
  rrfK?: number;
};

/**
 * BM25 and embedding rankings fused by reciprocal rank. The scope decision stays BM25's: its
 * threshold is calibrated, while cosine scales differ from model to model. An out-of-scope
 * question costs no embedding call. Hit scores are RRF sums.
 */
export async function hybridSearch(
  knowledgeIndex: KnowledgeIndex,
  embeddingIndex: EmbeddingIndex,
  embed: EmbedPort,
  query: string,
  k = 5,
  options: HybridOptions = {},
): Promise<Retrieval> {
  const depth = Math.max(k, options.depth ?? 20);
  const lexical = retrieve(knowledgeIndex, query, depth);
  if (!lexical.inScope) return { ...lexical, hits: lexical.hits.slice(0, k) };

  const semantic = await searchByEmbedding(embeddingIndex, embed, query, depth);
  const rrfK = options.rrfK ?? 60;
  const fusedIds = fuseByReciprocalRank(
    [lexical.hits.map((hit) => hit.chunk.id), semantic.map((hit) => hit.chunk.id)],
    rrfK,
  ).slice(0, k);

  const rankIn = (ids: string[], id: string): number => ids.indexOf(id);
  const lexicalIds = lexical.hits.map((hit) => hit.chunk.id);
  const semanticIds = semantic.map((hit) => hit.chunk.id);
  const hits: Hit[] = [];
  for (const id of fusedIds) {
    const chunk = knowledgeIndex.byId.get(id);
    if (!chunk) continue;
    let score = 0;
    for (const ids of [lexicalIds, semanticIds]) {
      const rank = rankIn(ids, id);
      if (rank >= 0) score += 1 / (rrfK + rank + 1);
    }
    hits.push({ chunk, score });
  }
  return { hits, relevance: lexical.relevance, inScope: true };
}
