// The label set of the understanding step: what a message is doing (its act), the kinds of harmful
// request, and what the bot did just before (the dialogue a message is read in). The definitions
// that the corpora and the held-out set were written to are in data/understanding/LABELS.md.
import { z } from 'zod';

export const ACTS = [
  'invitation',
  'check-this',
  'question',
  'why',
  'how-to-decline',
  'precautions',
  'example',
  'more',
  'contact-report',
  'contact-advice',
  'delete-data',
  'reset',
  'help',
  'list-contacts',
  'forget-contact',
  'yes',
  'no',
  'harmful',
  'greeting',
  'thanks',
  'feeling',
  'smalltalk',
  'out-of-scope',
] as const;
export const actSchema = z.enum(ACTS);
export type Act = z.infer<typeof actSchema>;

export const HARM_KINDS = ['tracking', 'privacy', 'pressure', 'deception', 'luring', 'intoxication'] as const;
export const harmSchema = z.enum(HARM_KINDS);
export type HarmKind = z.infer<typeof harmSchema>;

export const LAST_TURNS = ['none', 'verdict', 'answer', 'contact-saved', 'delete-confirm'] as const;
export const lastTurnSchema = z.enum(LAST_TURNS);
export type LastTurn = z.infer<typeof lastTurnSchema>;

/** Follow-ups: their meaning depends on what the bot said last. */
export const FOLLOW_UP_ACTS: ReadonlySet<Act> = new Set(['why', 'how-to-decline', 'precautions', 'example', 'more', 'check-this']);

/** One utterance of a corpus or of the held-out set, as the files keep it. */
export const utteranceSchema = z.object({
  text: z.string().min(1),
  act: actSchema,
  harm: harmSchema.nullish(),
  person: z.string().nullish(),
  context: z
    .object({
      last: lastTurnSchema,
      verdictLevel: z.enum(['legit', 'caution', 'likely-trap']).nullish(),
      answerTopic: z.string().nullish(),
    })
    .partial()
    .nullish(),
  id: z.string().optional(),
  reason: z.string().optional(),
});
export type Utterance = z.infer<typeof utteranceSchema>;
