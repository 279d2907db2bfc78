// The facts an invitation can state (data/invitations/FACTS.md), as the verdict uses them: whether
// each is a red or a green sign, whether a red one is strong enough to set a floor under the level,
// and the knowledge card the flag rests on. What the user reads about each fact (its label and why it
// matters) is in the copy module.
import { z } from 'zod';

export const FACTS = [
  'mlm',
  'sales-pitch',
  'risky-product',
  'income-promise',
  'referral-reward',
  'referral-quota',
  'second-venue',
  'second-purpose',
  'withheld',
  'venue-after-signup',
  'denial',
  'mentor-lure',
  'vague-good-story',
  'money-study',
  'self-improvement',
  'scarcity-pressure',
  'decide-now',
  'upfront-cost',
  'borrowing',
  'sns-stranger',
  'romance-lure',
  'long-lost-contact',
  'religious-spiritual',
  'early-morning-growth',
  'attendance-duty',
  'line-group-duty',
  'organiser-hidden',
  'organiser-public',
  'organiser-company',
  'public-page',
  'rules-no-solicitation',
  'rules-enforced',
  'audience-limited',
  'vetting',
  'membership',
  'date-time',
  'venue',
  'fee',
  'programme',
  'contact-info',
  'work-context',
  'normal-capacity',
  'warning-education',
  'personal-social',
  'inviter-known',
] as const;
export const factSchema = z.enum(FACTS);
export type Fact = z.infer<typeof factSchema>;

/** The clause tagger also learns to recognise the user's own words around a forwarded invitation. */
export const USER_COMMENT = 'user-comment';
export const TAGGER_LABELS: readonly string[] = [...FACTS, USER_COMMENT];

export type FactRole = {
  kind: 'red' | 'green' | 'neutral';
  /** A strong red sign puts a floor of likely-trap under the level when the tagger is sure of it. */
  strong?: boolean;
  /** Knowledge card the flag rests on. */
  card: string;
};

export const FACT_ROLES: Readonly<Record<Fact, FactRole>> = {
  mlm: { kind: 'red', strong: true, card: 'law-disclosure-duty' },
  'sales-pitch': { kind: 'red', card: 'red-selling-purpose' },
  'risky-product': { kind: 'red', card: 'red-risky-products' },
  'income-promise': { kind: 'red', strong: true, card: 'sign-fraud-words' },
  'referral-reward': { kind: 'red', strong: true, card: 'sign-referral-rewards' },
  'referral-quota': { kind: 'red', card: 'red-forced-referrals' },
  'second-venue': { kind: 'red', strong: true, card: 'law-forbidden-practices' },
  'second-purpose': { kind: 'red', card: 'red-pitch-after-rapport' },
  withheld: { kind: 'red', card: 'law-forbidden-practices' },
  'venue-after-signup': { kind: 'red', card: 'green-clear-details' },
  denial: { kind: 'red', card: 'sign-lure-lines' },
  'mentor-lure': { kind: 'red', card: 'sign-lure-lines' },
  'vague-good-story': { kind: 'red', card: 'sign-lure-lines' },
  'money-study': { kind: 'red', card: 'sign-lure-lines' },
  'self-improvement': { kind: 'red', card: 'sign-lure-lines' },
  'scarcity-pressure': { kind: 'red', card: 'sign-fraud-words' },
  'decide-now': { kind: 'red', strong: true, card: 'law-cooling-off' },
  'upfront-cost': { kind: 'red', card: 'law-disclosure-duty' },
  borrowing: { kind: 'red', strong: true, card: 'sign-borrowing' },
  'sns-stranger': { kind: 'red', card: 'sign-sns-money-talk' },
  'romance-lure': { kind: 'red', card: 'law-date-shoho' },
  'long-lost-contact': { kind: 'red', card: 'sign-invites-from-acquaintances' },
  'religious-spiritual': { kind: 'red', card: 'sign-religious-recruiting' },
  'early-morning-growth': { kind: 'red', card: 'red-early-morning-cult' },
  'attendance-duty': { kind: 'red', card: 'red-early-morning-cult' },
  'line-group-duty': { kind: 'red', card: 'red-noisy-line-groups' },
  'organiser-hidden': { kind: 'red', card: 'law-disclosure-duty' },
  'organiser-public': { kind: 'green', card: 'green-named-organizer' },
  'organiser-company': { kind: 'green', card: 'green-named-organizer' },
  'public-page': { kind: 'green', card: 'green-named-organizer' },
  'rules-no-solicitation': { kind: 'green', card: 'green-rules-enforced' },
  'rules-enforced': { kind: 'green', card: 'green-rules-enforced' },
  'audience-limited': { kind: 'green', card: 'green-limited-attendance' },
  vetting: { kind: 'green', card: 'green-vetting' },
  membership: { kind: 'green', card: 'cheap-vs-expensive-events' },
  'date-time': { kind: 'green', card: 'green-clear-details' },
  venue: { kind: 'green', card: 'green-clear-details' },
  fee: { kind: 'green', card: 'green-clear-details' },
  programme: { kind: 'green', card: 'green-clear-details' },
  'contact-info': { kind: 'green', card: 'green-named-organizer' },
  'work-context': { kind: 'green', card: 'hard-cases-sound-events' },
  'normal-capacity': { kind: 'neutral', card: 'green-clear-details' },
  'warning-education': { kind: 'neutral', card: 'hard-cases-sound-events' },
  'personal-social': { kind: 'neutral', card: 'contact-to-friendship' },
  'inviter-known': { kind: 'neutral', card: 'sign-invites-from-acquaintances' },
};

/** Green signs that only say the basics are there; shown as one flag, not four. */
export const BASIC_DETAILS: ReadonlySet<Fact> = new Set(['date-time', 'venue', 'fee', 'programme']);

export const isRed = (fact: Fact): boolean => FACT_ROLES[fact].kind === 'red';
export const isGreen = (fact: Fact): boolean => FACT_ROLES[fact].kind === 'green';
