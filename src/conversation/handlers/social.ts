// Greetings, thanks, feelings, small talk, harmful requests: short replies that keep the door open.
import { copy } from '../../copy.ts';
import { type Handler, mainMenuQuickReplies, reply, text } from '../context.ts';
import { question } from './question.ts';

export const greeting: Handler = async () => reply('greeting', [text(copy.greeting, mainMenuQuickReplies())]);
export const thanks: Handler = async () => reply('thanks', [text(copy.thanks, mainMenuQuickReplies())]);
export const smalltalk: Handler = async () => reply('smalltalk', [text(copy.smalltalk, mainMenuQuickReplies())]);
/**
 * A feeling with nothing to answer gets a line of empathy and an open door; a feeling that says what
 * happened (「契約しちゃった…😭」) is answered from the card about it, empathy first.
 */
export const feeling: Handler = async (ctx) => {
  const hits = await ctx.services.search(ctx.text);
  if (hits.length > 0) return { ...(await question(ctx)), intent: 'feeling' };
  return reply('feeling', [text(copy.feeling, copy.feelingQuickReplies)]);
};

/** A short, kind refusal that says why, then what the bot can help with instead. */
export const harmful: Handler = async (ctx) => {
  const kind = ctx.reading?.harm ?? 'pressure';
  return reply('harmful', [text(`${copy.harmful[kind]}\n\n${copy.harmfulOffer}`, copy.harmfulQuickReplies)], { debug: { harm: kind } });
};
