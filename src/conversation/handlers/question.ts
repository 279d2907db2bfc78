// Questions: answered from the one card that answers them; follow-ups take the next layer of it.
import { composeAnswer, composeExample, composeFocused, composeMore, composeWhy, type ComposedAnswer, toSourceRef } from '../../answers/compose.ts';
import type { Chunk } from '../../knowledge/schema.ts';
import { copy } from '../../copy.ts';
import { maskPersonalData } from '../../privacy.ts';
import type { Action } from '../../understanding/resolve.ts';
import { type Handler, mainMenuQuickReplies, reply, text, type TurnContext } from '../context.ts';
import type { Profile } from '../memory.ts';

type Layer = NonNullable<Profile['lastAnswer']>['shown'][number];

/** One line of empathy first, when the message shows a feeling; which line depends on the card's topic. */
export function empathyFor(ctx: TurnContext, card: Chunk): string | undefined {
  const feeling = ctx.reading?.act === 'feeling' ? 1 : (ctx.reading?.ranking.find((r) => r.act === 'feeling')?.probability ?? 0);
  if (feeling < 0.08 || card.tags.includes('feeling')) return undefined;
  const e = copy.empathy;
  if (card.tags.some((t) => t === 'law' || t === 'action')) return e.signed;
  if (card.tags.some((t) => t === 'red-flag' || t === 'warning-sign')) return e.scared;
  return e.anxious;
}

async function answerFrom(ctx: TurnContext, action: Action, card: Chunk, composed: ComposedAnswer, layer: Layer, query: string): Promise<ReturnType<Handler>> {
  const phrased = await ctx.services.phrase(ctx, { query: maskPersonalData(query), cards: [card], offline: composed.text });
  const last = ctx.state.profile.lastAnswer;
  const sameCard = last?.cardId === card.id;
  ctx.state.profile.lastAnswer = {
    query,
    cardId: card.id,
    relatedIds: sameCard ? last!.relatedIds : [],
    shown: sameCard ? [...new Set([...last!.shown, layer])] : [layer],
    at: ctx.now,
  };
  return reply(action, [text(phrased, composed.quickReplies)], { sources: composed.sources, debug: { card: card.id } });
}

/** The understanding step read an in-scope question this surely: answer from the best card whatever BM25's scope says. */
const TRUSTED_QUESTION = 0.5;

/** A new question within this long of an answer from the same card is a follow-up on it, not a repeat. */
const REPEAT_WINDOW_MS = 30 * 60_000;
/** A runner-up card this close to the best one answers instead of the card the user has just read. */
const RUNNER_UP_SHARE = 0.6;

export const question: Handler = async (ctx) => {
  const trustScope = ctx.reading !== undefined && ctx.reading.act !== 'out-of-scope' && ctx.reading.confidence >= TRUSTED_QUESTION;
  const hits = await ctx.services.search(ctx.text, { trustScope });
  let card = hits[0]?.chunk;
  const last = ctx.state.profile.lastAnswer;
  const followingUp = last !== undefined && ctx.now - last.at <= REPEAT_WINDOW_MS;
  if (!card) {
    // Out of scope on its own words, but asked right after an answer (「じゃあ返品はできないの？」):
    // the part of that card it is about, if any.
    const previous = followingUp ? lastCard(ctx) : undefined;
    const focused = previous ? composeFocused(previous, ctx.text) : undefined;
    if (previous && focused) return answerFrom(ctx, 'question', previous, focused, 'why', ctx.text);
    return reply('out-of-scope', [text(copy.outOfScope, copy.outOfScopeQuickReplies)]);
  }
  // Never send the reply the user has just read again: a close runner-up answers, or the part of
  // the card's explanation that speaks to the new question.
  if (followingUp && last.cardId === card.id && last.shown.includes('answer')) {
    const runnerUp = hits.find((h) => h.chunk.id !== card!.id && h.score >= RUNNER_UP_SHARE * hits[0]!.score);
    if (runnerUp) card = runnerUp.chunk;
    else {
      const focused = composeFocused(card, ctx.text) ?? composeWhy(card, ctx.text);
      return answerFrom(ctx, 'question', card, focused, 'why', ctx.text);
    }
  }
  const composed = composeAnswer(card, { empathy: empathyFor(ctx, card), related: hits.filter((h) => h.chunk.id !== card!.id), question: ctx.text, ranked: hits });
  // Asked about someone the bot has no record of: offer to remember them for stage-aware advice.
  const person = ctx.reading?.person;
  if (person && ctx.reading?.act === 'contact-advice') composed.text = `${composed.text}\n\n${copy.contacts.offerToRemember(person)}`;
  const result = await answerFrom(ctx, 'question', card, composed, 'answer', ctx.text);
  ctx.state.profile.lastAnswer!.relatedIds = hits.filter((h) => h.chunk.id !== card!.id).slice(0, 3).map((h) => h.chunk.id);
  result.debug = { ...result.debug, chunks: hits.map((h) => ({ id: h.chunk.id, score: Number(h.score.toFixed(3)) })) };
  return result;
};

function lastCard(ctx: TurnContext): Chunk | undefined {
  const id = ctx.state.profile.lastAnswer?.cardId;
  return id ? ctx.services.card(id) : undefined;
}

export const answerWhy: Handler = async (ctx) => {
  const card = lastCard(ctx);
  if (!card) return clarify(ctx);
  return answerFrom(ctx, 'answer-why', card, composeWhy(card, ctx.text), 'why', ctx.state.profile.lastAnswer!.query);
};

export const answerExample: Handler = async (ctx) => {
  const card = lastCard(ctx);
  if (!card) return clarify(ctx);
  return answerFrom(ctx, 'answer-example', card, composeExample(card), 'example', ctx.state.profile.lastAnswer!.query);
};

export const answerMore: Handler = async (ctx) => {
  const card = lastCard(ctx);
  if (!card) return clarify(ctx);
  const last = ctx.state.profile.lastAnswer!;
  // 「もっと詳しく！タクシーのときは？」 asks about one part of this card: that part first.
  const focused = composeFocused(card, ctx.text);
  if (focused) return answerFrom(ctx, 'answer-more', card, focused, 'more', last.query);
  const next = last.relatedIds.map((id) => ctx.services.card(id)).find((c): c is Chunk => c !== undefined && c.id !== card.id);
  const composed = composeMore(card, last.shown.includes('why'), last.shown.includes('more') ? undefined : next);
  if (composed.sources.length === 0) return reply('answer-more', [text(composed.text, composed.quickReplies)]);
  const shownCard = ctx.services.card(composed.sources[0]!.id) ?? card;
  const result = await answerFrom(ctx, 'answer-more', shownCard, composed, last.shown.includes('why') ? 'more' : 'why', last.query);
  if (shownCard.id !== card.id) ctx.state.profile.lastAnswer = { ...last, shown: [...last.shown, 'more'], at: ctx.now };
  return { ...result, sources: [toSourceRef(shownCard)] };
};

export const clarify: Handler = async () => reply('clarify', [text(copy.clarify, mainMenuQuickReplies())]);

export const outOfScope: Handler = async () => reply('out-of-scope', [text(copy.outOfScope, copy.outOfScopeQuickReplies)]);
