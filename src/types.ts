// Plain data shared across the bot's parts: LINE messages (the SDK's types are the source of truth),
// knowledge references, and the verdict as the contract gives it (`cli verdict --json`).
import type { messagingApi } from '@line/bot-sdk';
import type { Level } from './verdict/level.ts';

export type LineMessage = messagingApi.Message;
export type QuickReplyItem = messagingApi.QuickReplyItem;

/** A knowledge card named in a reply. */
export type SourceRef = { id: string; title: string; source: string };

export type VerdictLevel = Level;

export type Flag = {
  kind: 'red' | 'green';
  /** The fact behind the flag (data/invitations/FACTS.md), or a computed one (cheap-fee, high-fee). */
  id: string;
  /** Short Japanese label shown to the user. */
  label: string;
  /** The whole clause of the invitation that stated it. */
  evidence: string;
  /** How sure the reading is, 0–1 (LLM-read facts that the tagger did not see carry their own). */
  weight: number;
  /** Knowledge card the flag rests on. */
  chunkId: string;
  /** That card's source line. */
  source: string;
};

export type Verdict = {
  level: VerdictLevel;
  /** Risk on a 0–100 scale: 100 × P(likely-trap) + 50 × P(caution), floored at 80 by a strong sign. */
  score: number;
  flags: Flag[];
  advice: string[];
  /** A friend's social invitation with no business or money angle: not an event to judge. */
  personal?: boolean;
  /** The LLM's explanation, kept only when its level is the verdict's level. */
  explanation?: string;
  /** Text read from an image or a linked page, when the invitation came that way. */
  read?: string;
  /** Where the read text came from. */
  readFrom?: 'image' | 'page';
  /** The page's host, when a link was read. */
  readHost?: string;
};
