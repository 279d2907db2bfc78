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

/** Card text that points at its example (「例文」「この例」「こんな感じで」): the example must come with it. */
const MENTIONS_EXAMPLE = /例文|例を|例の|例のよう|こんな感じ|こんなふう/u;

/** Whether the first reply from this card shows the card's example too (its text refers to it). */
export function showsExample(card: Chunk): boolean {
  return card.example !== undefined && MENTIONS_EXAMPLE.test([card.answer, ...card.points, card.next_step].join('\n'));
}

/** The first reply from a card (and, when it answers a part the card leaves open, one point from a second). */
export function composeAnswer(card: Chunk, options: ComposeOptions = {}): ComposedAnswer {
  const { answer, points, nextStep } = answerOf(card);
  const second = options.question !== undefined && options.ranked?.[0]?.chunk.id === card.id ? secondCardFor(options.question, options.ranked) : undefined;
  const shownPoints = second ? [...points, second.answer] : points;
  const withExample = showsExample(card);
  const blocks = [
    options.empathy ? `${options.empathy}\n${answer}` : answer,
    shownPoints.map((point) => `・${point}`).join('\n'),
    nextStep,
    withExample ? `${card.example_label ?? '例文'}：\n${card.example}` : '',
    sourceLine(second ? [card, second] : [card]),
  ].filter((block) => block.length > 0);
  return {
    text: blocks.join('\n\n'),
    sources: [toSourceRef(card), ...(second ? [toSourceRef(second)] : [])],
    quickReplies: followUpReplies(card, options.related ?? [], { example: !withExample }),
  };
}

/**
 * 「なんで？」: the explanation behind the card, never the first reply again. A why about one part
 * (「テーブル越しがダメなのはなんで？」) starts with the sentences about that part.
 */
export function composeWhy(card: Chunk, question = ''): ComposedAnswer {
  const focused = focusedSentences(card, question);
  const rest = splitSentences(card.body).filter((sentence) => !focused.includes(sentence)).join('');
  const explanation = clipAtSentence(`${focused.join('')}${rest}`, EXPLANATION_MAX_CHARS);
  return {
    text: [`${copy.answer.why}\n${explanation}`, sourceLine([card])].join('\n\n'),
    sources: [toSourceRef(card)],
    quickReplies: followUpReplies(card, [], { why: false }),
  };
}

/** Words that ask why or for more, not what about: they say nothing about which part of a card is meant. */
const FOLLOW_UP_WORDS = /なんで|なぜ|どうして|理由|もっと|詳しく|くわしく|具体的|教えて|おしえて|ほしい|ですか|ますか/gu;

/** The question's content words, without the words that only ask for a why or a more. */
function contentTerms(question: string): Set<string> {
  return new Set(bigramTokenize(question.replace(FOLLOW_UP_WORDS, ' ')).filter((t) => termWeight(t) === 1));
}

/**
 * The sentences of a card (answer, points, next step, explanation) that share the most words with a
 * follow-up question, in the card's order: what a 「タクシーのときは？」 or 「何書けばいい？」 after an
 * answer is about. Empty when no sentence shares a content word with it.
 */
export function focusedSentences(card: Chunk, question: string, max = 3): string[] {
  const terms = contentTerms(question);
  if (terms.size === 0) return [];
  const sentences = [...splitSentences(card.answer), ...card.points, card.next_step, ...splitSentences(card.body)];
  const scored = sentences.map((sentence, index) => {
    const own = new Set(bigramTokenize(sentence));
    let score = 0;
    for (const term of terms) if (own.has(term)) score += 1;
    return { sentence, index, score };
  });
  const best = scored.filter((s) => s.score > 0).sort((a, b) => b.score - a.score || a.index - b.index);
  const chosen: typeof best = [];
  for (const candidate of best) {
    if (chosen.length === max) break;
    if (!chosen.some((c) => c.sentence === candidate.sentence)) chosen.push(candidate);
  }
  return chosen.sort((a, b) => a.index - b.index).map((s) => s.sentence);
}

/**
 * A follow-up that asks about one part of the card just shown: the sentences that speak to it
 * (a point may come back, never the whole reply), with the example when it asks for wording.
 * Undefined when nothing in the card speaks to it.
 */
export function composeFocused(card: Chunk, question: string): ComposedAnswer | undefined {
  const sentences = focusedSentences(card, question);
  if (sentences.length === 0) return undefined;
  return {
    text: [sentences.join('\n'), sourceLine([card])].join('\n\n'),
    sources: [toSourceRef(card)],
    quickReplies: followUpReplies(card, [], { why: true }),
  };
}

/** 「例文ほしい」: the card's ready-to-send text, or, when it has none, its points as what to say. */
export function composeExample(card: Chunk): ComposedAnswer {
  const text = card.example
    ? `${copy.answer.exampleIntro(card.example_label ?? '例文')}\n\n${card.example}`
    : `${copy.answer.noExample}\n${answerOf(card).points.map((p) => `・${p}`).join('\n')}`;
  return { text: `${text}\n\n${sourceLine([card])}`, sources: [toSourceRef(card)], quickReplies: followUpReplies(card, [], { example: false }) };
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
