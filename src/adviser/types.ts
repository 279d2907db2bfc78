// Plain data shared by the adviser's decisions (intent, retrieval, flags, verdict, reply plan).
import type { messagingApi } from '@line/bot-sdk';

/** A message as the Messaging API takes it: the SDK's type is the source of truth. */
export type LineMessage = messagingApi.Message;
export type QuickReplyItem = messagingApi.QuickReplyItem;

/** A knowledge chunk named in a reply. */
export type SourceRef = { id: string; title: string; source: string };

export type VerdictLevel = 'legit' | 'caution' | 'likely-trap';

export type Flag = {
  kind: 'red' | 'green';
  /** Stable id of the rule in the flag table. */
  id: string;
  /** Short Japanese label shown to the user. */
  label: string;
  /** The words of the invitation that triggered the flag. */
  evidence: string;
  weight: number;
  /** Knowledge chunk the flag rests on. */
  chunkId: string;
  /** That chunk's source line. */
  source: string;
};

export type Verdict = {
  level: VerdictLevel;
  score: number;
  flags: Flag[];
  advice: string[];
};
