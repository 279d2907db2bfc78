// A user's memory in the state store: a profile (last topic, last verdict, pending invitation)
// and the recent turns. Every key is per user and carries the configured TTL.
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { type Contact, STAGES } from '../coaching/contacts.ts';
import type { Verdict } from '../types.ts';
import { keys, type StateStore, StoreUnavailableError } from '../store/store.ts';

const verdictSchema: z.ZodType<Verdict> = z.object({
  level: z.enum(['legit', 'caution', 'likely-trap']),
  score: z.number(),
  flags: z.array(
    z.object({
      kind: z.enum(['red', 'green']),
      id: z.string(),
      label: z.string(),
      evidence: z.string(),
      weight: z.number(),
      chunkId: z.string(),
      source: z.string(),
    }),
  ),
  advice: z.array(z.string()),
  personal: z.boolean().optional(),
  /** The LLM's explanation, kept only when its level stood; 「なぜ？」 shows it. */
  explanation: z.string().optional(),
  read: z.string().optional(),
  readFrom: z.enum(['image', 'page']).optional(),
  readHost: z.string().optional(),
});

export const profileSchema = z.object({
  /** Changes on reset; postback buttons carry it so an old button cannot act on a new conversation. */
  session: z.string(),
  /** The card the bot last answered from, the cards next to it, and which layers were shown. */
  lastAnswer: z
    .object({
      query: z.string(),
      cardId: z.string(),
      relatedIds: z.array(z.string()),
      shown: z.array(z.enum(['answer', 'why', 'example', 'more'])),
      at: z.number(),
    })
    .optional(),
  lastVerdict: z.object({ verdict: verdictSchema, invitation: z.string(), at: z.number() }).optional(),
  /** The invitation last pasted, and how many forwarded parts it was merged from. */
  pendingInvitation: z.object({ text: z.string(), parts: z.number().int().positive().default(1), at: z.number() }).optional(),
  /** Older turns folded into a few short lines, so context survives the bounded turn list. */
  summary: z.array(z.string()).optional(),
  /** Set while a 「データを削除」 confirmation is open. */
  pendingDeletionAt: z.number().optional(),
});

export type Profile = z.infer<typeof profileSchema>;

export const turnSchema = z.object({
  role: z.enum(['user', 'bot']),
  text: z.string(),
  intent: z.string().optional(),
  at: z.number(),
});
export type Turn = z.infer<typeof turnSchema>;

const contactSchema: z.ZodType<Contact> = z.object({
  name: z.string(),
  metAt: z.string().optional(),
  facts: z.array(z.string()),
  stage: z.enum(STAGES),
  marital: z.enum(['unknown', 'single', 'married']),
  createdAt: z.number(),
  updatedAt: z.number(),
});

/** Recent turns kept verbatim; older ones are folded into the profile's summary. */
export const MAX_TURNS = 20;
export const MAX_SUMMARY_LINES = 12;
export const MAX_CONTACTS = 30;
/** A turn longer than this is cut before it is stored. */
export const MAX_TURN_CHARS = 1_500;

export const newSession = () => randomBytes(6).toString('base64url');

/** Stored text that is not JSON (corrupted, or written by something else) reads as nothing. */
function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return undefined;
  }
}

/** One short line per user turn: what it was about and how it began. */
export function foldIntoSummary(summary: string[], dropped: Turn[]): string[] {
  const lines = dropped
    .filter((t) => t.role === 'user')
    .map((t) => `${new Date(t.at).toISOString().slice(0, 10)} ${t.intent ?? 'question'}: ${t.text.replace(/\s+/g, ' ').slice(0, 40)}`);
  return [...summary, ...lines].slice(-MAX_SUMMARY_LINES);
}

/** What a turn read from the store; `readable` false means the reads failed and nothing is known. */
export type LoadedState = { profile: Profile; contacts: Contact[]; readable: boolean };

export class MemoryRepository {
  readonly #store: StateStore;
  readonly #ttlSeconds: number;

  constructor(store: StateStore, ttlSeconds: number) {
    this.#store = store;
    this.#ttlSeconds = ttlSeconds;
  }

  /**
   * The profile and the contacts, read together (with Redis each is a round trip). A read that
   * failed is reported as unreadable, never as "nothing stored": the turn then answers without
   * memory and saves nothing that would overwrite what it could not read.
   */
  async load(userId: string): Promise<LoadedState> {
    try {
      const [profile, contacts] = await Promise.all([this.loadProfile(userId), this.loadContacts(userId)]);
      return { profile, contacts, readable: true };
    } catch (err) {
      if (!(err instanceof StoreUnavailableError)) throw err;
      return { profile: { session: newSession() }, contacts: [], readable: false };
    }
  }

  async loadProfile(userId: string): Promise<Profile> {
    const raw = await this.#store.get(keys.user(userId, 'profile'));
    if (raw) {
      const parsed = profileSchema.safeParse(parseJson(raw));
      if (parsed.success) return parsed.data;
    }
    return { session: newSession() };
  }

  async saveProfile(userId: string, profile: Profile): Promise<void> {
    await this.#store.set(keys.user(userId, 'profile'), JSON.stringify(profile), this.#ttlSeconds);
  }

  /**
   * Appends turns; the ones that fall off the bounded list are folded into `profile.summary`
   * (the caller saves the profile afterwards).
   */
  async appendTurns(userId: string, profile: Profile, turns: Turn[]): Promise<void> {
    const key = keys.user(userId, 'turns');
    const existing = await this.recentTurns(userId);
    const overflow = existing.length + turns.length - MAX_TURNS;
    if (overflow > 0) profile.summary = foldIntoSummary(profile.summary ?? [], existing.slice(0, overflow));
    for (const turn of turns) {
      const stored: Turn = { ...turn, text: turn.text.slice(0, MAX_TURN_CHARS) };
      await this.#store.listPush(key, JSON.stringify(stored), MAX_TURNS, this.#ttlSeconds);
    }
  }

  async loadContacts(userId: string): Promise<Contact[]> {
    const raw = await this.#store.get(keys.user(userId, 'contacts'));
    if (!raw) return [];
    const parsed = z.array(contactSchema).safeParse(parseJson(raw));
    return parsed.success ? parsed.data : [];
  }

  async saveContacts(userId: string, contacts: Contact[]): Promise<void> {
    const key = keys.user(userId, 'contacts');
    if (contacts.length === 0) {
      await this.#store.delete(key);
      return;
    }
    const newest = [...contacts].sort((a, b) => b.updatedAt - a.updatedAt).slice(0, MAX_CONTACTS);
    await this.#store.set(key, JSON.stringify(newest), this.#ttlSeconds);
  }

  /** Forgets the conversation's turns (a reset); the profile is replaced by the caller, contacts stay. */
  async forgetTurns(userId: string): Promise<void> {
    await this.#store.delete(keys.user(userId, 'turns'));
  }

  async recentTurns(userId: string): Promise<Turn[]> {
    const raw = await this.#store.listRange(keys.user(userId, 'turns'));
    return raw.flatMap((line) => {
      const parsed = turnSchema.safeParse(parseJson(line));
      return parsed.success ? [parsed.data] : [];
    });
  }

  async forget(userId: string): Promise<number> {
    return this.#store.deleteByPrefix(keys.userPrefix(userId));
  }
}
