// The clause tagger: which facts each clause of an invitation states, as probabilities from a
// one-vs-rest logistic regression over character and word n-grams (trained by `npm run train` on
// data/invitations/: the clause bank and the annotated invitations).
import { addCharNgrams, type Features, normalise } from '../learning/features.ts';
import { type LinearModel } from '../learning/linear.ts';
import { addWordNgrams } from '../understanding/features.ts';
import { foldText, type Lexicon, readingOf, shippedLexicon } from '../understanding/normalize.ts';
import { type Clause, prepareInvitation, splitClauses } from './clauses.ts';
import { type Fact, FACTS, USER_COMMENT } from './facts.ts';

export type TaggedClause = Clause & {
  /** Probability of each fact the clause may state. */
  facts: Map<Fact, number>;
  /** Probability that the clause is the user's own comment, not the invitation. */
  userComment: number;
};

export function clauseFeatures(text: string, position: 'only' | 'first' | 'last' | 'middle', lexicon: Lexicon = shippedLexicon()): Features {
  const folded = foldText(text);
  const features: Features = new Map();
  addCharNgrams(features, folded, { min: 1, max: 3, prefix: 's:' });
  addCharNgrams(features, readingOf(folded, lexicon), { min: 2, max: 3, prefix: 'r:' });
  addWordNgrams(features, folded);
  if (process.env.KAB_TAGGER_NORM !== 'off') normalise(features);
  else for (const [k, v] of features) features.set(k, v * Number(process.env.KAB_TAGGER_SCALE ?? 0.15));
  features.set(`pos:${position}`, 0.3);
  return features;
}

export function positionOf(index: number, count: number): 'only' | 'first' | 'last' | 'middle' {
  if (count === 1) return 'only';
  if (index === 0) return 'first';
  if (index === count - 1) return 'last';
  return 'middle';
}

/**
 * The parts of a clause read on their own as well as whole: in a long clause, a fact stated in one
 * comma-separated part (「終了後、希望者には月収100万円を目指せる…」) would otherwise be diluted by the rest.
 */
export function clauseParts(text: string): string[] {
  const parts = text.split(/[、,，]/u).map((p) => p.trim()).filter((p) => p.length >= 4);
  const out = parts.length >= 2 ? parts : [];
  // Long stretches are also read in overlapping windows, so a fact said in a few words inside a
  // long sentence full of logistics is not drowned by them.
  const windowChars = Number(process.env.KAB_TAGGER_WINDOW ?? 0);
  if (windowChars > 0 && text.length > windowChars * 1.5) {
    const step = Math.max(4, Math.floor(windowChars / 2));
    for (let i = 0; i + windowChars <= text.length + step - 1 && out.length < 40; i += step) out.push(text.slice(i, i + windowChars));
  }
  return out;
}

export function tagClauses(invitation: string, model: LinearModel, lexicon?: Lexicon): TaggedClause[] {
  const clauses = splitClauses(prepareInvitation(invitation));
  return clauses.map((clause, i) => {
    const position = positionOf(i, clauses.length);
    const readings = [clause.text, ...clauseParts(clause.text)].map((text) => model.predict(clauseFeatures(text, position, lexicon)));
    const facts = new Map<Fact, number>();
    for (const fact of FACTS) facts.set(fact, Math.max(...readings.map((r) => r.get(fact) ?? 0)));
    // The user's own comment is a property of the whole clause, not of a part of it.
    return { ...clause, facts, userComment: readings[0]!.get(USER_COMMENT) ?? 0 };
  });
}
