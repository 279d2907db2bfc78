// The per-turn context every handler receives (one signature for all of them), the reply a handler
// returns, and the small builders for LINE messages. Handlers read the context and return a reply;
// the pipeline loads state before and remembers after.
import type { Hit } from '../answers/retrieval.ts';
import type { PageFacts } from '../reading/link.ts';
import type { Contact } from '../coaching/contacts.ts';
import { copy } from '../copy.ts';
import type { Chunk } from '../knowledge/schema.ts';
import type { Logger } from '../observability/log.ts';
import type { LineMessage, QuickReplyItem, SourceRef, Verdict } from '../types.ts';
import type { Reading } from '../understanding/model.ts';
import type { Action, Dialogue } from '../understanding/resolve.ts';
import type { Profile } from './memory.ts';
import type { TurnDebug, TurnInput, TurnResult } from './turn.ts';

/** What the turn knows of the user: loaded before the handler, saved after it if it changed. */
export type ConversationState = {
  profile: Profile;
  contacts: Contact[];
  /** False when the store could not be read: nothing may be saved that would overwrite it. */
  readable: boolean;
  contactsChanged: boolean;
  /** A reset: the turns are forgotten, the contacts kept. */
  forgetTurns: boolean;
};

/** What handlers may ask of the rest of the bot: decisions and adapters, behind narrow functions. */
export type Services = {
  card(id: string): Chunk | undefined;
  cardSources: ReadonlyMap<string, { title: string; source: string }>;
  /** Cards that answer a query, best first (empty when nothing in the knowledge does, unless `trustScope`). */
  search(query: string, options?: { trustScope?: boolean }): Promise<Hit[]>;
  /** The verdict on an invitation: the models, and the LLM's reading when one is configured. */
  judge(ctx: TurnContext, invitation: string): Promise<Verdict>;
  /** The LLM's phrasing of an answer grounded in the given cards, or the offline text. */
  phrase(ctx: TurnContext, request: PhraseRequest): Promise<string>;
  /** The text in an image: the LLM transcribes when it can see images, else OCR (also the fallback). */
  readImage(ctx: TurnContext, bytes: Uint8Array): Promise<ImageReading>;
  /** The event facts of a linked page, read server-side behind the address guard. */
  readLink(url: string): Promise<PageFacts | { failure: string }>;
  /** Reads stage and marital status from a contact report. */
  readContact(text: string): { stage?: Contact['stage'] | undefined; marital?: Contact['marital'] | undefined; metAt?: string | undefined };
};

export type ImageReading = { text: string; hasText: boolean; via: 'llm' | 'ocr' } | { failure: 'too-large' | 'not-an-image' | 'unreadable' };

export type PhraseRequest = { query: string; cards: readonly Chunk[]; offline: string; contactContext?: string };

export type TurnContext = {
  input: TurnInput;
  /** The text as received (bounded), or '' for a button. */
  text: string;
  now: number;
  userId: string;
  state: ConversationState;
  dialogue: Dialogue;
  /** What the models read (absent for buttons and exact commands). */
  reading?: Reading | undefined;
  action: Action;
  services: Services;
  log: Logger;
};

export type Handler = (ctx: TurnContext) => Promise<TurnResult>;

export const quickReply = (label: string, text: string = label): QuickReplyItem => ({
  type: 'action',
  action: { type: 'message', label: label.slice(0, 20), text },
});

/** The three jobs of the bot, offered wherever a user might not know what to ask. */
export const mainMenuQuickReplies = (): QuickReplyItem[] =>
  [copy.menu.checkInvitation, copy.menu.etiquette, copy.menu.contacts, copy.menu.help].map((m) => quickReply(m.label, m.text));

export function text(body: string, quick?: readonly (string | QuickReplyItem)[]): LineMessage {
  const items = (quick ?? []).map((q) => (typeof q === 'string' ? quickReply(q) : q)).slice(0, 13);
  return { type: 'text', text: body.slice(0, 5_000), ...(items.length > 0 ? { quickReply: { items } } : {}) };
}

export function reply(action: Action | 'rate-limited', messages: LineMessage[], extra: { sources?: SourceRef[]; verdict?: Verdict; debug?: TurnDebug } = {}): TurnResult {
  return { intent: action, messages, sources: extra.sources ?? [], ...(extra.verdict ? { verdict: extra.verdict } : {}), ...(extra.debug ? { debug: extra.debug } : {}) };
}
