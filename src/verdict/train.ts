// Training the verdict: the clause tagger on the clause bank and the annotated invitations' clauses,
// then the level model on out-of-fold tagger readings of the training invitations (so it learns
// from facts as the tagger reads unseen invitations, not as it recalls the ones it trained on).
import { type Features } from '../learning/features.ts';
import { LinearModel, type SerialisedModel, stratifiedFolds, train } from '../learning/linear.ts';
import type { CorpusItem } from '../understanding/corpus.ts';
import { type AnnotatedInvitation, type ClauseExample, clausesOfInvitation } from './corpus.ts';
import { FACTS, TAGGER_LABELS, USER_COMMENT } from './facts.ts';
import { factVector, invitationClauses } from './judge.ts';
import { type CostMatrix, LEVELS, levelFeatures, PRESENT } from './level.ts';
import { readFee } from './money.ts';
import { clauseFeatures, tagClauses } from './tagger.ts';

export const TAGGER_TRAINING = { epochs: 15, learningRate: 0.3, l2: 1e-5, positiveWeight: 4 } as const;
export const LEVEL_TRAINING = { epochs: 40, learningRate: 0.2, l2: 1e-4 } as const;

/**
 * Swapping legit and likely-trap costs six hedges either way; a hedge costs one. Chosen by 5-fold
 * cross-validation on the training invitations (a sweep over the matrix and the floor, scored on
 * accuracy, swaps and the share of caution): see the note in README.md.
 */
export const DEFAULT_COSTS: CostMatrix = {
  legit: { legit: 0, caution: 1, 'likely-trap': 6 },
  caution: { legit: 1, caution: 0, 'likely-trap': 1 },
  'likely-trap': { legit: 6, caution: 1, 'likely-trap': 0 },
};

export const DEFAULT_NGRAM_WEIGHT = 1.2;
/** A strong red fact sets the floor only when the tagger is this sure of it. */
export const DEFAULT_FLOOR_AT = 0.99;

/** The user's own words around a forwarded invitation, from the utterance corpus ("これ大丈夫？"). */
export function userCommentClauses(utterances: readonly CorpusItem[]): ClauseExample[] {
  return utterances
    .filter((u) => u.act === 'check-this' && u.text.length <= 60)
    .map((u) => ({ text: u.text, labels: [USER_COMMENT], position: 'last' as const, origin: 'user-comment' }));
}

export function trainTagger(examples: readonly ClauseExample[], seed = 1, settings: Partial<typeof TAGGER_TRAINING> = {}): SerialisedModel {
  return train(
    examples.map((e) => ({ features: clauseFeatures(e.text, e.position), labels: e.labels })),
    { kind: 'sigmoid', labels: TAGGER_LABELS, seed, ...TAGGER_TRAINING, ...settings },
  );
}

export function levelExampleFeatures(invitation: AnnotatedInvitation, tagger: LinearModel, ngramWeight: number): Features {
  const clauses = invitationClauses(tagClauses(invitation.text, tagger));
  const { vector } = factVector(clauses);
  const fee = readFee(clauses.filter((c) => (c.facts.get('fee') ?? 0) >= PRESENT).map((c) => c.text));
  return levelFeatures(vector, fee, invitation.text, ngramWeight);
}

export function trainLevel(invitations: readonly AnnotatedInvitation[], features: readonly Features[], settings: Partial<typeof LEVEL_TRAINING> = {}): SerialisedModel {
  return train(
    invitations.map((inv, i) => ({ features: features[i]!, labels: [inv.label] })),
    { kind: 'softmax', labels: LEVELS, ...LEVEL_TRAINING, ...settings },
  );
}

/**
 * Out-of-fold level features: each invitation read by a tagger trained without it (k folds), so the
 * level model sees the facts of an invitation the way the shipped tagger will see a new one.
 */
export function outOfFoldLevelFeatures(
  invitations: readonly AnnotatedInvitation[],
  base: readonly ClauseExample[],
  ngramWeight: number,
  k = 5,
  taggerSettings: Partial<typeof TAGGER_TRAINING> = {},
): Features[] {
  const features: Features[] = new Array(invitations.length);
  for (const fold of stratifiedFolds(invitations, (inv) => inv.label, k)) {
    const held = new Set(fold);
    const clauses = [...base, ...invitations.flatMap((inv, i) => (held.has(i) || !inv.facts ? [] : clausesOfInvitation(inv)))];
    const tagger = new LinearModel(trainTagger(clauses, 1, taggerSettings));
    for (const i of fold) features[i] = levelExampleFeatures(invitations[i]!, tagger, ngramWeight);
  }
  return features;
}

export type VerdictTraining = { tagger: SerialisedModel; level: SerialisedModel };
export type VerdictSettings = { tagger?: Partial<typeof TAGGER_TRAINING>; level?: Partial<typeof LEVEL_TRAINING> };

export function trainVerdict(invitations: readonly AnnotatedInvitation[], base: readonly ClauseExample[], ngramWeight = DEFAULT_NGRAM_WEIGHT, settings: VerdictSettings = {}): VerdictTraining {
  const allClauses = [...base, ...invitations.flatMap((inv) => (inv.facts ? clausesOfInvitation(inv) : []))];
  const tagger = trainTagger(allClauses, 1, settings.tagger);
  const level = trainLevel(invitations, outOfFoldLevelFeatures(invitations, base, ngramWeight, 5, settings.tagger), settings.level);
  return { tagger, level };
}

export const factsUsed = FACTS;
