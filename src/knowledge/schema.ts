import { z } from 'zod';

/**
 * What the bot says from a card, and what kb:check holds it to. These are lint rules over our own
 * writing (the knowledge files), not readings of what users mean.
 */
export const cardLint = {
  /** An opening that answers nothing yet: a hedge, a connective, a preamble. */
  weakOpening: /^(?:まず|ところで|実は|一般的に|基本的に|結論から言うと|結論から|そうですね|なるほど|はい、|いい質問|また|さらに|なお|そして|ただ|しかし|でも|むしろ|代表的なのは|ちなみに)/,
  /** An opening that leans on something said before (which a reply shown alone does not have). */
  leansOnAntecedent: /^(?:それ|これ|あれ|その|この|あの|そう|こう|こうした|そうした|このような|そのような|上記|前述|以下|次の|同じく|同様に|とくに|特に|たとえば|例えば|もう一つ|もうひとつ|ほかにも|他にも)/,
  /** Talk about a source text instead of to the person. */
  talksAboutArticle: /記事|筆者|著者|この文章|本文|出典によると/,
} as const;

const cardSentence = (field: string, max: number) =>
  z
    .string()
    .trim()
    .min(8, `${field} is too short`)
    .max(max, `${field} must be at most ${max} characters`)
    .refine((s) => !cardLint.talksAboutArticle.test(s), `${field} must talk to the person, not about an article or its author`);

const opening = (field: string, max: number) =>
  cardSentence(field, max)
    .refine((s) => !cardLint.weakOpening.test(s), `${field} must open with the answer itself, not a preamble or a connective`)
    .refine((s) => !cardLint.leansOnAntecedent.test(s), `${field} must stand alone (it opens with a word that points at something said before)`);

/** Front matter of one knowledge card (one `knowledge/*.md` file holds one card). */
export const chunkFrontMatterSchema = z.strictObject({
  id: z
    .string()
    .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be kebab-case ASCII (a-z, 0-9, -)'),
  title: z.string().min(4, 'must be a real title'),
  /** Where the facts come from: the seed article or a named public body or reference. */
  source: z.string().min(4, 'must name where the facts come from'),
  tags: z.array(z.string().min(1)).min(1, 'needs at least one tag'),
  /** Casual questions this card answers; indexed with the card. */
  questions: z.array(z.string().min(4)).min(2, 'needs at least two example questions'),
  /** One or two sentences that answer the card's core question directly, in the senpai voice. */
  answer: opening('answer', 160),
  /** Two or three points, each standing alone, from the same side as the answer. */
  points: z.array(opening('each point', 120)).min(2, 'needs two or three points').max(3, 'needs two or three points'),
  /** One concrete thing to do next. */
  next_step: opening('next_step', 120),
  /** A ready-to-send text (decline, thank-you, asking the purpose in writing…), when one helps. */
  example: cardSentence('example', 400).optional(),
  /** What the example is, as a short label ("お礼メッセージの例"). */
  example_label: z.string().trim().min(2).max(20).optional(),
});

export type ChunkFrontMatter = z.infer<typeof chunkFrontMatterSchema>;

export type Chunk = ChunkFrontMatter & {
  /** The explanation behind the card: what "なんで？" and "もっと詳しく" draw on. */
  body: string;
  /** Path relative to the repository, for error messages and the developer panel. */
  file: string;
};
