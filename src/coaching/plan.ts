// Stage-aware coaching for one contact: friendship first, the other person's "yes" at every step.
// The goal of a question (合コン, 飲み会, …) is the topic of the knowledge card that answers it, so
// it comes from retrieval over the cards, not from a list of words.
import { copy } from '../copy.ts';
import { type Contact, describeContact, type Stage, STAGES } from './contacts.ts';

export type Goal = '合コン' | '飲み会' | '食事' | '恋愛' | '友達' | '仕事';

/** Cards whose topic is a step toward a goal. */
const GOAL_OF_CARD: Readonly<Record<string, Goal>> = {
  'goukon-with-permission': '合コン',
  'goukon-ask-permission-message': '合コン',
  'invite-to-nomikai': '飲み会',
  'nomikai-invite-easy-decline': '飲み会',
  'lunch-invite-message': '食事',
  'private-talk-first': '食事',
  'romance-from-networking': '恋愛',
  'choose-event-for-romance': '恋愛',
  'married-contacts': '恋愛',
  'contact-to-friendship': '友達',
  'follow-up-after-event': '友達',
  'professionals-build-trust': '仕事',
  'listen-more-than-pitch': '仕事',
};

export function goalOfCards(cardIds: readonly string[]): Goal | undefined {
  for (const id of cardIds) {
    const goal = GOAL_OF_CARD[id];
    if (goal) return goal;
  }
  return undefined;
}

/** The stage at which each goal becomes a natural next step. */
const GOAL_STAGE: Record<Goal, Stage> = {
  友達: '1対1で話した',
  仕事: '連絡先交換',
  食事: '1対1で話した',
  飲み会: '1対1で話した',
  恋愛: '食事・飲み',
  合コン: '食事・飲み',
};

const STAGE_CARDS: Record<Stage, string[]> = {
  名刺交換: ['follow-up-after-event', 'contact-to-friendship'],
  連絡先交換: ['private-talk-first', 'permission-not-pressure'],
  '1対1で話した': ['private-talk-first', 'married-contacts', 'invite-to-nomikai'],
  '食事・飲み': ['goukon-with-permission', 'invite-to-nomikai'],
  '合コン・紹介': ['romance-from-networking', 'permission-not-pressure'],
};

export type CoachingPlan = {
  lead: string;
  steps: string[];
  /** Knowledge cards the plan rests on, most relevant first. */
  chunkIds: string[];
  closing: string;
};

/** What to do next with this contact toward the goal, given the stage reached. */
export function coachingPlan(contact: Contact, goal: Goal | undefined): CoachingPlan {
  const current = STAGES.indexOf(contact.stage);
  const steps = [...(copy.coaching.steps[contact.stage] ?? [])];
  const chunkIds = [...STAGE_CARDS[contact.stage]];
  const described = describeContact(contact);
  let lead = copy.coaching.lead(described);
  if (goal) {
    const needed = STAGES.indexOf(GOAL_STAGE[goal]);
    lead += current < needed ? copy.coaching.goalEarly(goal, contact.stage) : copy.coaching.goalReady(goal, contact.stage);
  } else {
    lead += copy.coaching.stageNow(contact.stage);
  }
  const romantic = goal === '合コン' || goal === '恋愛';
  if (contact.marital === 'married' && romantic) {
    lead = copy.coaching.married(described);
    steps.splice(0, steps.length, ...copy.coaching.marriedSteps);
  } else if (contact.marital === 'unknown' && romantic && !chunkIds.includes('married-contacts')) {
    steps.push(copy.coaching.checkMarriage);
    chunkIds.push('married-contacts');
  }
  if (!chunkIds.includes('permission-not-pressure')) chunkIds.push('permission-not-pressure');
  return { lead, steps, chunkIds, closing: copy.coaching.closing };
}
