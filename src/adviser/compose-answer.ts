// The offline composer: turns the retrieved chunks into a short Japanese answer (lead, a few
// points, a next step, the sources) without an LLM. Sentences are selected from the chunks'
// bodies by how much of the question they touch, so the answer follows the question rather
// than the chunk's order.
import type { Chunk } from '../knowledge/schema.ts';
import type { Hit } from './retrieval.ts';
import { expandWithSynonyms } from './synonyms.ts';
import { bigramTokenize, termWeight } from './tokenize.ts';
import type { SourceRef } from './types.ts';

export type ComposedAnswer = { text: string; sources: SourceRef[]; quickReplies: string[] };

export type ComposeOptions = {
  /** Bullet points under the lead (2–4). */
  maxPoints?: number;
  /** Quick reply suggestions (LINE allows 13). */
  maxQuickReplies?: number;
  /** Upper bound of the text; LINE's limit for one text message is 5,000 characters. */
  maxChars?: number;
};

/** LINE limits: text message length, quick reply count and label length. */
export const lineLimits = { textChars: 5000, quickReplyItems: 13, quickReplyLabelChars: 20 } as const;

const defaults = { maxPoints: 3, maxQuickReplies: 4, maxChars: 1500 } as const;

/** A second chunk is drawn on only when it is nearly as relevant as the first. */
const secondChunkMinShare = 0.6;

type Sentence = { text: string; chunk: Chunk; position: number; siblings: number; terms: Set<string> };

export function composeAnswer(query: string, hits: readonly Hit[], options: ComposeOptions = {}): ComposedAnswer {
  const top = hits[0];
  if (!top) return { text: composeOutOfScope(), sources: [], quickReplies: [...outOfScopeExamples] };
  const maxPoints = clamp(options.maxPoints ?? defaults.maxPoints, 2, 4);
  const maxQuickReplies = clamp(options.maxQuickReplies ?? defaults.maxQuickReplies, 0, lineLimits.quickReplyItems);
  const maxChars = Math.min(options.maxChars ?? defaults.maxChars, lineLimits.textChars);

  const used = [top.chunk];
  const second = hits[1];
  if (second && second.score >= secondChunkMinShare * top.score) used.push(second.chunk);

  const sentences = used.flatMap(sentencesOf);
  const relevance = sentenceRelevance(query, hits.flatMap((hit) => sentencesOf(hit.chunk)));
  const topSentences = sentences.filter((sentence) => sentence.chunk === top.chunk);

  // Lead: the chunks are written thesis-first, so it comes from the first three sentences of
  // the answering chunk: the one sharing the rarest words with the question, earlier on a tie.
  const openers = topSentences.filter((sentence) => sentence.position < 3);
  const standalone = openers.filter((sentence) => !LEANS_ON_PREVIOUS.test(sentence.text));
  const lead = maxBy(standalone.length > 0 ? standalone : openers, (sentence) => relevance(sentence) - sentence.position * 0.3)!;

  // Next step: advice phrased as advice, preferably from the answering chunk's closing lines,
  // where the knowledge puts what to do.
  const nextStep = maxBy(
    sentences.filter((sentence) => sentence !== lead && isNextStep(sentence.text)),
    (sentence) =>
      relevance(sentence) + (sentence.chunk === top.chunk ? 1 : 0) + (0.5 * sentence.position) / Math.max(1, sentence.siblings - 1),
  );

  const chosen: Sentence[] = [lead];
  if (nextStep) chosen.push(nextStep);
  // Points: mostly the answering chunk; the second chunk adds at most one point, and only one
  // that touches a word of the question the answering chunk never mentions.
  const topChunkTerms = new Set(topSentences.flatMap((sentence) => [...sentence.terms]));
  const addsToTopChunk = (sentence: Sentence): boolean =>
    [...relevance.questionTerms].some((term) => isContentTerm(term) && sentence.terms.has(term) && !topChunkTerms.has(term));
  const candidates = sentences
    .filter((sentence) => sentence !== lead && sentence !== nextStep)
    .map((sentence) => ({ sentence, score: relevance(sentence) + (sentence.chunk === top.chunk ? 1 : 0) - sentence.position * 0.05 }))
    .sort((a, b) => b.score - a.score);
  const points: Sentence[] = [];
  for (const { sentence } of candidates) {
    if (points.length === maxPoints) break;
    if (sentence.chunk !== top.chunk && (!addsToTopChunk(sentence) || points.some((point) => point.chunk !== top.chunk))) continue;
    if (chosen.some((other) => similarity(other, sentence) >= 0.5)) continue;
    if (LEANS_ON_PREVIOUS.test(sentence.text) && !chosen.some((other) => other.chunk === sentence.chunk && other.position === sentence.position - 1)) continue;
    points.push(sentence);
    chosen.push(sentence);
  }
  // Read in the order the knowledge tells it: by chunk, then by position.
  points.sort((a, b) => used.indexOf(a.chunk) - used.indexOf(b.chunk) || a.position - b.position);

  // Cite what the text actually draws on.
  const shown = new Set([lead, ...points, ...(nextStep ? [nextStep] : [])].map((sentence) => sentence.chunk));
  const sources = used.filter((chunk) => shown.has(chunk)).map(toSourceRef);
  const text = layout(lead, points, nextStep, sources, maxChars);
  return { text, sources, quickReplies: suggestFollowUps(query, hits, maxQuickReplies) };
}

function layout(lead: Sentence, points: Sentence[], nextStep: Sentence | undefined, sources: SourceRef[], maxChars: number): string {
  const sourceLines = sources.map((source) => `出典: ${source.title} — ${source.source}`).join('\n');
  const render = (leadText: string, shown: Sentence[], step: Sentence | undefined): string =>
    [
      leadText,
      shown.map((point) => `・${condense(point.text)}`).join('\n'),
      step ? `次の一歩: ${condense(step.text)}` : '',
      sourceLines,
    ]
      .filter((block) => block.length > 0)
      .join('\n\n');
  // Over budget, points go first (last first), then the next step; the lead is clipped last
  // and the source lines never.
  let shown = points;
  let step = nextStep;
  let text = render(condense(lead.text), shown, step);
  while (text.length > maxChars && shown.length > 0) {
    shown = shown.slice(0, -1);
    text = render(condense(lead.text), shown, step);
  }
  if (text.length > maxChars) {
    step = undefined;
    text = render(condense(lead.text), shown, step);
  }
  if (text.length > maxChars) {
    const room = Math.max(1, maxChars - render('', shown, step).length - 2);
    text = render(`${condense(lead.text).slice(0, room - 1)}…`, shown, step);
  }
  return text;
}

/**
 * Splits a body into sentences at 。！？ (outside 「」『』（）) and at line breaks, keeping the
 * punctuation. A sentence that announces the next one (「次のような行為を禁じています。」)
 * stays joined to it, since it means nothing alone.
 */
export function splitSentences(body: string): string[] {
  const pieces: string[] = [];
  for (const line of body.split(/\n+/)) {
    const text = line.replace(/^\s*(?:[-*・●]|\d+[.)．])\s*/, '').trim();
    let depth = 0;
    let current = '';
    for (const char of text) {
      current += char;
      if ('「『（('.includes(char)) depth++;
      else if ('」』）)'.includes(char)) depth = Math.max(0, depth - 1);
      else if (depth === 0 && '。！？!?'.includes(char)) {
        pieces.push(current.trim());
        current = '';
      }
    }
    if (current.trim()) pieces.push(current.trim());
  }
  const sentences: string[] = [];
  for (const piece of pieces) {
    const previous = sentences.at(-1);
    if (previous !== undefined && ANNOUNCES_NEXT.test(previous)) sentences[sentences.length - 1] = previous + piece;
    else if (piece.length > 1) sentences.push(piece);
  }
  return sentences;
}

const ANNOUNCES_NEXT = /(?:次のような|以下のような|次の(?:通り|とおり)|以下の(?:通り|とおり))[^。]*[。：:]$/;

function sentencesOf(chunk: Chunk): Sentence[] {
  const texts = splitSentences(chunk.body);
  return texts.map((text, position) => ({ text, chunk, position, siblings: texts.length, terms: new Set(bigramTokenize(text)) }));
}

/**
 * Relevance of a sentence to the question: the question's terms it contains, each weighted by
 * how rare it is among the retrieved chunks' sentences (a word every sentence shares, such as
 * マルチ in a chunk about マルチ, says nothing about which sentence answers).
 */
type Relevance = ((sentence: Sentence) => number) & { questionTerms: ReadonlySet<string> };

function sentenceRelevance(query: string, population: readonly Sentence[]): Relevance {
  const weights = new Map<string, number>();
  for (const term of bigramTokenize(query)) weights.set(term, termWeight(term));
  for (const term of expandWithSynonyms(query).flatMap(bigramTokenize)) {
    if (!weights.has(term)) weights.set(term, 0.7 * termWeight(term));
  }
  const rarity = new Map<string, number>();
  for (const term of weights.keys()) {
    const frequency = population.filter((sentence) => sentence.terms.has(term)).length;
    rarity.set(term, Math.log(1 + population.length / (1 + frequency)));
  }
  const score = (sentence: Sentence): number => {
    let sum = 0;
    for (const [term, weight] of weights) if (sentence.terms.has(term)) sum += weight * rarity.get(term)!;
    return sum;
  };
  return Object.assign(score, { questionTerms: new Set(weights.keys()) });
}

// Advice phrased as advice: an imperative or recommending ending, or a pointer to 188.
const NEXT_STEP = /(?:ましょう|ください|がおすすめです|が確実です|が一番です|がよいでしょう|とよいでしょう|が賢明です|が安心です|てかまいません)。$|188/;

// Sentences that lean on the one before them (たとえば…, こうした…) make no sense alone.
const LEANS_ON_PREVIOUS = /^(?:たとえば|例えば|こうした|このような|そうした|そのような|こうして|それでも|特に)/;

function isNextStep(text: string): boolean {
  return NEXT_STEP.test(text);
}

// Connectives that tie a sentence to the one before it read oddly once it stands alone.
const LEADING_CONNECTIVE = /^(?:また|なお|さらに|そして|それに|加えて|そのうえで|そのため|こうして)、/;

function condense(text: string): string {
  return text.replace(LEADING_CONNECTIVE, '');
}

/** A term that names something: not grammar, not a lone kanji, not a particle running into a word (の交). */
function isContentTerm(term: string): boolean {
  return termWeight(term) === 1 && !/^\p{Script=Hiragana}/u.test(term);
}

function similarity(a: Sentence, b: Sentence): number {
  let shared = 0;
  for (const term of a.terms) if (b.terms.has(term)) shared++;
  const union = a.terms.size + b.terms.size - shared;
  return union === 0 ? 0 : shared / union;
}

function toSourceRef(chunk: Chunk): SourceRef {
  return { id: chunk.id, title: chunk.title, source: chunk.source };
}

/** Retrieved chunks far below the best one are too loosely related to suggest. */
const relatedHitMinShare = 0.3;

/** Follow-ups a user is likely to tap next, by the kind of chunk that answered. */
const followUpsByCategory: Record<string, readonly string[]> = {
  'red-flag': ['勧誘の上手な断り方は？', 'まともな会の見分け方は？'],
  'warning-sign': ['勧誘の上手な断り方は？', '契約しちゃったらどうする？'],
  law: ['クーリングオフのやり方は？', '188ってどんな窓口？'],
  action: ['188ってどんな窓口？', 'クーリングオフのやり方は？'],
  'green-flag': ['怪しい会のサインは？', '参加費が安い会は危ない？'],
  'event-basics': ['まともな会の見分け方は？', '初めての交流会の心構えは？'],
  etiquette: ['交流会の後のお礼の送り方は？', '飲みに誘うタイミングは？'],
  coaching: ['飲みに誘うタイミングは？', '既婚者かどうか知るには？'],
};

/**
 * Quick replies: example questions of the other retrieved chunks, one chunk at a time (so each
 * tap leads somewhere new; the answering chunk's own questions would only repeat the answer),
 * then follow-ups typical of the answering chunk's kind. Each fits a LINE quick reply label and
 * none restates the question just asked.
 */
function suggestFollowUps(query: string, hits: readonly Hit[], max: number): string[] {
  if (max === 0) return [];
  const queryTerms = new Set(bigramTokenize(query));
  const restatesQuery = (text: string): boolean => {
    const terms = new Set(bigramTokenize(text));
    let shared = 0;
    for (const term of terms) if (queryTerms.has(term)) shared++;
    return terms.size > 0 && shared / terms.size >= 0.5;
  };
  const suggestions: string[] = [];
  const add = (text: string): void => {
    const label = text.trim();
    if (suggestions.length >= max || label.length === 0 || label.length > lineLimits.quickReplyLabelChars) return;
    if (suggestions.includes(label) || restatesQuery(label)) return;
    suggestions.push(label);
  };
  const topScore = hits[0]?.score ?? 0;
  const related = hits
    .slice(1)
    .filter((hit) => hit.score >= relatedHitMinShare * topScore)
    .map((hit) => hit.chunk.questions);
  for (let round = 0; round < 3; round++) {
    for (const questions of related) {
      const fitting = questions.filter((question) => question.trim().length <= lineLimits.quickReplyLabelChars);
      const question = fitting[round];
      if (question) add(question);
    }
  }
  const top = hits[0]?.chunk;
  for (const tag of top?.tags ?? []) for (const followUp of followUpsByCategory[tag] ?? []) add(followUp);
  return suggestions;
}

/** Questions the out-of-scope reply offers; each of them is answerable (a test checks it). */
export const outOfScopeExamples = ['この交流会の招待、怪しい？', 'マルチの勧誘の断り方は？', 'カフェ会って安全？', '交流会で会った人と仲良くなるには？'] as const;

/** What the bot says when a question is not about networking events. */
export function composeOutOfScope(): string {
  return [
    'ごめんなさい、その質問はこのボットではうまくお答えできなさそうです。',
    'ここで手伝えるのは、次のようなことです。\n・届いた招待の見極め（怪しい会かどうか）\n・交流会のマナーや立ち回り方\n・知り合った人との距離の縮め方',
    `たとえば「${outOfScopeExamples[1]}」「${outOfScopeExamples[2]}」「${outOfScopeExamples[3]}」のように聞いてみてください。招待文をそのまま貼ってもらえれば、見極めもします。`,
  ].join('\n\n');
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, Math.floor(value)));
}

function maxBy<T>(items: readonly T[], score: (item: T) => number): T | undefined {
  let best: T | undefined;
  let bestScore = Number.NEGATIVE_INFINITY;
  for (const item of items) {
    const value = score(item);
    if (value > bestScore) {
      best = item;
      bestScore = value;
    }
  }
  return best;
}
