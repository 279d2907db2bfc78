import type { LineMessage, SourceRef, Verdict } from '../types.ts';

/** One thing a user said (or tapped) to the bot. */
export type TurnInput = {
  /** Whose memory this turn reads and writes (a LINE user, or a group/room as a whole). */
  userId: string;
  chatType: 'user' | 'group' | 'room';
  now: number;
  text?: string;
  postback?: string;
  /** An image the user sent (bytes, kept only for this turn). */
  image?: Uint8Array;
  /** The image could not be fetched: too large, or gone. */
  imageFailure?: 'too-large' | 'unavailable';
};

/** What the developer panel and the CLI's --json show about a turn. */
export type TurnDebug = {
  chunks?: { id: string; score: number }[];
  [key: string]: unknown;
};

export type TurnResult = {
  messages: LineMessage[];
  intent: string;
  sources: SourceRef[];
  verdict?: Verdict;
  debug?: TurnDebug;
};
