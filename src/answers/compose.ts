// The offline composer: answers from the one card that answers the question, in layers. The first
// reply is the card's answer, its points and its next step; 「なんで？」 gives the explanation behind
// it, 「もっと詳しく」 the next related card, 「例文ほしい」 the card's ready-to-send text. It cites only
// the cards it used, with a full-width 「出典：」.
import { copy, sourceLine } from '../copy.ts';
import type { Chunk } from '../knowledge/schema.ts';
import type { SourceRef } from '../types.ts';
import type { Hit } from './retrieval.ts';
import { bigramTokenize, termWeight } from './tokenize.ts';
import { splitSentences } from './sentences.ts';

export type ComposedAnswer = { text: string; sources: SourceRef[]; quickReplies: string[] };

/** LINE limits: text message length, quick reply count and label length. */
export const lineLimits = { textChars: 5000, quickReplyItems: 13, quickReplyLabelChars: 20 } as const;

/** A reply meant to be read on a phone: long explanations are cut at a sentence. */
const EXPLANATION_MAX_CHARS = 700;

export const toSourceRef = (card: Chunk): SourceRef => ({ id: card.id, title: card.title, source: card.source });

export function answerOf(card: Chunk): { answer: string; points: string[]; nextStep: string } {
  return { answer: card.answer, points: card.points, nextStep: card.next_step };
}

export type ComposeOptions = {
  /** One line of empathy first, when the message shows a feeling. */
  empathy?: string | undefined;
  /** Quick replies to offer besides the follow-ups. */
  related?: readonly Hit[];
  /** The question and every card ranked for it (the first is `card`): a second card may add a point. */
  question?: string;
  ranked?: readonly Hit[];
};

/** A second card is drawn on only when it ranks nearly as high as the first… */
export const SECOND_CARD_MIN_SHARE = 0.75;
/** …and covers at least this many of the question's content words that the first card never uses. */
export const SECOND_CARD_MIN_NEW_TERMS = 2;

const cardText = (card: Chunk): string => [card.title, card.answer, ...card.points, card.next_step, ...card.questions].join('\n');

/**
 * The second card's answer, when it answers a part of the question the first card leaves open:
 * close in rank, and using content words of the question the first card never does. One point at
 * most, from the same side (every card speaks to the person asking).
 */
export function secondCardFor(question: string, hits: readonly Hit[]): Chunk | undefined {
  const [first, second] = hits;
  if (!first || !second || second.score < SECOND_CARD_MIN_SHARE * first.score) return undefined;
  const terms = new Set(bigramTokenize(question).filter((t) => termWeight(t) === 1 && !/^\p{Script=Hiragana}/u.test(t)));
  const inFirst = new Set(bigramTokenize(cardText(first.chunk)));
  const inSecond = new Set(bigramTokenize(cardText(second.chunk)));
  let added = 0;
  for (const term of terms) if (!inFirst.has(term) && inSecond.has(term)) added += 1;
  return added >= SECOND_CARD_MIN_NEW_TERMS ? second.chunk : undefined;
}

/** The first reply from a card (and, when it answers a part the card leaves open, one point from a second). */
export function composeAnswer(card: Chunk, options: ComposeOptions = {}): ComposedAnswer {
  const { answer, points, nextStep } = answerOf(card);
  const second = options.question !== undefined && options.ranked?.[0]?.chunk.id === card.id ? secondCardFor(options.question, options.ranked) : undefined;
  const shownPoints = second ? [...points, second.answer] : points;
  const blocks = [
    options.empathy ? `${options.empathy}\n${answer}` : answer,
    shownPoints.map((point) => `・${point}`).join('\n'),
    nextStep,
    [sourceLine(card.title, card.source), ...(second ? [sourceLine(second.title, second.source)] : [])].join('\n'),
  ].filter((block) => block.length > 0);
  return {
    text: blocks.join('\n\n'),
    sources: [toSourceRef(card), ...(second ? [toSourceRef(second)] : [])],
    quickReplies: followUpReplies(card, options.related ?? []),
  };
}

/** 「なんで？」: the explanation behind the card, never the first reply again. */
export function composeWhy(card: Chunk): ComposedAnswer {
  const explanation = clipAtSentence(card.body, EXPLANATION_MAX_CHARS);
  return {
    text: [`${copy.answer.why}\n${explanation}`, sourceLine(card.title, card.source)].join('\n\n'),
    sources: [toSourceRef(card)],
    quickReplies: followUpReplies(card, [], { why: false }),
  };
}

/** 「例文ほしい」: the card's ready-to-send text, or, when it has none, its points as what to say. */
export function composeExample(card: Chunk): ComposedAnswer {
  const text = card.example
    ? `${copy.answer.exampleIntro(card.example_label ?? '例文')}\n\n${card.example}`
    : `${copy.answer.noExample}\n${answerOf(card).points.map((p) => `・${p}`).join('\n')}`;
  return { text: `${text}\n\n${sourceLine(card.title, card.source)}`, sources: [toSourceRef(card)], quickReplies: followUpReplies(card, [], { example: false }) };
}

/**
 * 「もっと詳しく」: the next layer. First the explanation, if not yet shown; then the answer of the
 * closest related card (a part of the topic the first card does not cover).
 */
export function composeMore(card: Chunk, shownWhy: boolean, next: Chunk | undefined): ComposedAnswer {
  if (!shownWhy) {
    const why = composeWhy(card);
    return { ...why, text: why.text.replace(copy.answer.why, copy.answer.more) };
  }
  if (!next) return { text: copy.answer.nothingMore, sources: [], quickReplies: followUpReplies(card, [], { why: false }) };
  const more = composeAnswer(next);
  return { ...more, text: `${copy.answer.more}\n${more.text}` };
}

export type FollowUpOptions = { why?: boolean; example?: boolean };

/** Quick replies: the next layers of this card, then questions other close cards answer. */
export function followUpReplies(card: Chunk, related: readonly Hit[], options: FollowUpOptions = {}): string[] {
  const replies: string[] = [];
  if (options.why !== false) replies.push(copy.answer.whyLabel);
  if (options.example !== false && card.example) replies.push(copy.answer.exampleLabel);
  for (const hit of related) {
    if (hit.chunk.id === card.id || replies.length >= 4) continue;
    const question = hit.chunk.questions.find((q) => q.length <= lineLimits.quickReplyLabelChars);
    if (question && !replies.includes(question)) replies.push(question);
  }
  return replies.slice(0, 4);
}

function clipAtSentence(text: string, max: number): string {
  const sentences = splitSentences(text);
  let out = '';
  for (const sentence of sentences) {
    if (out.length + sentence.length > max && out.length > 0) break;
    out += sentence;
  }
  return out || text.slice(0, max);
}
