// From what a message does (its act) to what the bot does about it (the action), given what the bot
// said before: 「じゃあどう断ればいい？」 after a verdict declines *that* invitation, 「なんで？」 after an
// answer goes one layer deeper into *that* answer, a yes answers the open confirmation. Plain logic
// over labels and the dialogue state; no reading of text happens here.
import type { Act, LastTurn } from './acts.ts';

export const ACTIONS = [
  'judge',
  'judge-image',
  'verdict-summary',
  'verdict-card',
  'invitation-prompt',
  'verdict-why',
  'verdict-decline',
  'verdict-precautions',
  'verdict-example',
  'answer-why',
  'answer-more',
  'answer-example',
  'question',
  'contact-report',
  'contact-advice',
  'contacts-list',
  'contact-forget',
  'delete-request',
  'delete-confirm',
  'delete-cancel',
  'reset',
  'help',
  'greeting',
  'thanks',
  'feeling',
  'smalltalk',
  'harmful',
  'out-of-scope',
  'clarify',
  'stale-button',
] as const;
export type Action = (typeof ACTIONS)[number];

/** What the bot remembers about the conversation, as the resolution needs it. */
export type Dialogue = {
  now: number;
  /** When the bot last gave a verdict, and last answered a question. */
  verdictAt?: number | undefined;
  answerAt?: number | undefined;
  /** Whether the last answer's card has a ready-to-send example. */
  answerHasExample?: boolean | undefined;
  /** An open 「データを削除」 confirmation, since when. */
  deletionAskedAt?: number | undefined;
  /** Names of the people the user has told the bot about. */
  knownContacts: readonly string[];
};

/** A verdict or an answer older than this is not what 「なんで？」 refers to. */
export const FOLLOW_UP_WINDOW_MS = 24 * 60 * 60 * 1000;
/** 「これ大丈夫？」 refers to an invitation pasted this recently. */
export const CHECK_THIS_WINDOW_MS = 60 * 60 * 1000;
/** A deletion confirmation stays open this long. */
export const CONFIRMATION_WINDOW_MS = 10 * 60 * 1000;

const within = (at: number | undefined, now: number, windowMs: number): boolean => at !== undefined && now - at <= windowMs && now >= at - 60_000;

/** What the bot said last, as the understanding model's context feature. */
export function lastTurnOf(dialogue: Dialogue): LastTurn {
  if (within(dialogue.deletionAskedAt, dialogue.now, CONFIRMATION_WINDOW_MS)) return 'delete-confirm';
  const verdict = within(dialogue.verdictAt, dialogue.now, FOLLOW_UP_WINDOW_MS) ? dialogue.verdictAt! : -Infinity;
  const answer = within(dialogue.answerAt, dialogue.now, FOLLOW_UP_WINDOW_MS) ? dialogue.answerAt! : -Infinity;
  if (verdict === -Infinity && answer === -Infinity) return 'none';
  return verdict >= answer ? 'verdict' : 'answer';
}

export function resolve(act: Act, dialogue: Dialogue, person?: string): Action {
  const last = lastTurnOf(dialogue);
  const verdictRecent = within(dialogue.verdictAt, dialogue.now, FOLLOW_UP_WINDOW_MS);
  const answerRecent = within(dialogue.answerAt, dialogue.now, FOLLOW_UP_WINDOW_MS);
  const confirming = last === 'delete-confirm';
  switch (act) {
    case 'invitation':
      return 'judge';
    case 'check-this':
      return within(dialogue.verdictAt, dialogue.now, CHECK_THIS_WINDOW_MS) ? 'verdict-summary' : 'invitation-prompt';
    case 'why':
      if (last === 'verdict') return 'verdict-why';
      if (last === 'answer') return 'answer-why';
      return verdictRecent ? 'verdict-why' : answerRecent ? 'answer-why' : 'clarify';
    case 'more':
      if (last === 'answer' || (!verdictRecent && answerRecent)) return 'answer-more';
      return verdictRecent ? 'verdict-why' : 'clarify';
    case 'example':
      if (last === 'answer' || (!verdictRecent && answerRecent)) return 'answer-example';
      return verdictRecent ? 'verdict-example' : 'clarify';
    case 'how-to-decline':
      return verdictRecent ? 'verdict-decline' : 'question';
    case 'precautions':
      return verdictRecent ? 'verdict-precautions' : 'question';
    case 'contact-report':
      return person ? 'contact-report' : 'question';
    case 'contact-advice':
      return person !== undefined && knows(dialogue.knownContacts, person) ? 'contact-advice' : 'question';
    case 'forget-contact':
      return 'contact-forget';
    case 'list-contacts':
      return 'contacts-list';
    case 'delete-data':
      return 'delete-request';
    case 'yes':
      if (confirming) return 'delete-confirm';
      return last === 'answer' && dialogue.answerHasExample ? 'answer-example' : 'thanks';
    case 'no':
      return confirming ? 'delete-cancel' : 'thanks';
    case 'reset':
    case 'help':
    case 'greeting':
    case 'thanks':
    case 'feeling':
    case 'smalltalk':
    case 'harmful':
    case 'out-of-scope':
    case 'question':
      return act;
  }
}

/** A known contact by name, with or without the honorific (田中さん, 田中). */
export function knows(known: readonly string[], person: string): boolean {
  const bare = (name: string) => name.replace(/(?:さん|くん|ちゃん|君|様|さま|氏|先生|先輩|社長|部長|課長)$/u, '');
  return known.some((name) => name === person || bare(name) === bare(person));
}
