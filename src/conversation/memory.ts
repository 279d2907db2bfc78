// A user's memory in the state store: a profile (last topic, last verdict, pending invitation)
// and the recent turns. Every key is per user and carries the configured TTL.
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { type Contact, STAGES } from '../adviser/contacts.ts';
import type { Verdict } from '../adviser/types.ts';
import { keys, type StateStore } from '../store/store.ts';

const verdictSchema: z.ZodType<Verdict & { explanation?: string | undefined }> = z.object({
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
  /** The LLM's explanation, when one wrote it; "なぜ？" shows it. */
  explanation: z.string().optional(),
});

export const profileSchema = z.object({
  /** Changes on reset; postback buttons carry it so an old button cannot act on a new conversation. */
  session: z.string(),
  lastTopic: z
    .object({ query: z.string(), chunkIds: z.array(z.string()), intent: z.string(), at: z.number() })
    .optional(),
  lastVerdict: z.object({ verdict: verdictSchema, invitation: z.string(), at: z.number() }).optional(),
  pendingInvitation: z.object({ text: z.string(), at: z.number() }).optional(),
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

/** One short line per user turn: what it was about and how it began. */
export function foldIntoSummary(summary: string[], dropped: Turn[]): string[] {
  const lines = dropped
    .filter((t) => t.role === 'user')
    .map((t) => `${new Date(t.at).toISOString().slice(0, 10)} ${t.intent ?? 'question'}: ${t.text.replace(/\s+/g, ' ').slice(0, 40)}`);
  return [...summary, ...lines].slice(-MAX_SUMMARY_LINES);
}

export class MemoryRepository {
  readonly #store: StateStore;
  readonly #ttlSeconds: number;

  constructor(store: StateStore, ttlSeconds: number) {
    this.#store = store;
    this.#ttlSeconds = ttlSeconds;
  }

  async loadProfile(userId: string): Promise<Profile> {
    const raw = await this.#store.get(keys.user(userId, 'profile'));
    if (raw) {
      const parsed = profileSchema.safeParse(JSON.parse(raw));
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
    const parsed = z.array(contactSchema).safeParse(JSON.parse(raw));
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

  /** Forgets the conversation (turns, topic, verdict) but keeps contacts; starts a new session. */
  async resetConversation(userId: string): Promise<Profile> {
    await this.#store.delete(keys.user(userId, 'turns'));
    return { session: newSession() };
  }

  async recentTurns(userId: string): Promise<Turn[]> {
    const raw = await this.#store.listRange(keys.user(userId, 'turns'));
    return raw.flatMap((line) => {
      const parsed = turnSchema.safeParse(JSON.parse(line));
      return parsed.success ? [parsed.data] : [];
    });
  }

  async forget(userId: string): Promise<number> {
    return this.#store.deleteByPrefix(keys.userPrefix(userId));
  }
}
