// From facts to a level: a multinomial logistic regression over the facts the clause tagger found
// (their probabilities, and whether each is present), the fee, and the invitation's own character
// n-grams at a lower weight; then a cost-sensitive choice (calling a trap legit, or a sound event a
// trap, costs far more than a hedge), with the thresholds chosen by cross-validation on the training
// invitations only.
import { type Features } from '../learning/features.ts';
import { messageFeatures } from '../understanding/features.ts';
import type { Lexicon } from '../understanding/normalize.ts';
import { type Fact, FACT_ROLES, FACTS } from './facts.ts';
import type { FeeFacts } from './money.ts';

export const LEVELS = ['legit', 'caution', 'likely-trap'] as const;
export type Level = (typeof LEVELS)[number];

/** A fact counts as present at or above this probability. */
export const PRESENT = 0.5;

/** Expected cost of choosing `predicted` when the truth is `actual`: hedging is cheap, swapping is not. */
export type CostMatrix = Record<Level, Record<Level, number>>;

export function levelFeatures(facts: ReadonlyMap<Fact, number>, fee: FeeFacts, text: string, ngramWeight: number, lexicon?: Lexicon): Features {
  const features: Features = new Map();
  let red = 0;
  let green = 0;
  for (const fact of FACTS) {
    const p = facts.get(fact) ?? 0;
    features.set(`p:${fact}`, p);
    if (p >= PRESENT) {
      features.set(`has:${fact}`, 1);
      if (FACT_ROLES[fact].kind === 'red') red += 1;
      if (FACT_ROLES[fact].kind === 'green') green += 1;
    }
  }
  features.set(`reds:${Math.min(red, 4)}`, 1);
  features.set(`greens:${Math.min(green, 6)}`, 1);
  features.set(`fee:${feeBucket(fee.eventFee)}`, 1);
  if (ngramWeight > 0) {
    for (const [name, value] of messageFeatures(text, 'none', lexicon)) if (!name.startsWith('ctx:')) features.set(`t:${name}`, value * ngramWeight);
  }
  return features;
}

export function feeBucket(yen: number | undefined): string {
  if (yen === undefined) return 'none';
  if (yen === 0) return 'free';
  if (yen < 1_000) return 'under-1000';
  if (yen < 3_000) return 'under-3000';
  if (yen < 10_000) return 'under-10000';
  return '10000-plus';
}

/** The level with the least expected cost under the model's probabilities. */
export function chooseLevel(probabilities: ReadonlyMap<string, number>, costs: CostMatrix): Level {
  let best: Level = 'caution';
  let bestCost = Infinity;
  for (const predicted of LEVELS) {
    let cost = 0;
    for (const actual of LEVELS) cost += (probabilities.get(actual) ?? 0) * costs[actual][predicted];
    if (cost < bestCost) {
      best = predicted;
      bestCost = cost;
    }
  }
  return best;
}
