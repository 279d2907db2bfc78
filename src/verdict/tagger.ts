// The clause tagger: which facts each clause of an invitation states, as probabilities from a
// one-vs-rest logistic regression over character and word n-grams (trained by `npm run train` on
// data/invitations/: the clause bank and the annotated invitations).
import { addCharNgrams, type Features, normalise } from '../learning/features.ts';
import { type LinearModel } from '../learning/linear.ts';
import { addWordNgrams } from '../understanding/features.ts';
import { foldText, type Lexicon, readingOf, shippedLexicon } from '../understanding/normalize.ts';
import { type Clause, prepareInvitation, splitClauses } from './clauses.ts';
import { type Fact, FACT_ROLES, FACTS, USER_COMMENT } from './facts.ts';

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
  normalise(features);
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
 * Width of the overlapping windows a long clause is also read in, for the strong signs only. Chosen
 * by 5-fold cross-validation on the training invitations: 16 characters (against none) left no
 * trap called legit (0 against 3 of 517), at one point of accuracy (86.7% against 87.8%).
 */
export const TAGGER_WINDOW_CHARS = 16;
/** At most this many parts and windows per clause, so a long clause costs a bounded time… */
const MAX_PARTS = 40;
/** …and this many windows per invitation (an ordinary one needs under a hundred). */
const WINDOW_BUDGET = 200;

/** Facts a window may raise: the strong signs, which must not drown in a long sentence. */
const WINDOW_FACTS: ReadonlySet<Fact> = new Set(FACTS.filter((fact) => FACT_ROLES[fact].strong));

/**
 * The comma-separated parts of a clause, read on their own as well as whole: in a long clause, a fact
 * stated in one part (「終了後、希望者には月収100万円を目指せる…」) would otherwise be diluted by the rest.
 */
export function clauseParts(text: string): string[] {
  const parts = text.split(/[、,，]/u).map((p) => p.trim()).filter((p) => p.length >= 4);
  return parts.length >= 2 ? parts.slice(0, MAX_PARTS) : [];
}

/**
 * Overlapping windows of a long clause. A window is a fragment no annotated clause looks like
 * (「主催:一般社団法人 渋谷ビジネス」 reads as an organiser withheld), so windows may raise only the
 * strong signs (an income promise, MLM…), which are said in a few words and must not be drowned
 * by the logistics around them.
 */
export function clauseWindows(text: string): string[] {
  const windows: string[] = [];
  if (text.length <= TAGGER_WINDOW_CHARS * 1.5) return windows;
  const step = Math.floor(TAGGER_WINDOW_CHARS / 2);
  for (let i = 0; i + TAGGER_WINDOW_CHARS <= text.length + step - 1 && windows.length < MAX_PARTS; i += step) windows.push(text.slice(i, i + TAGGER_WINDOW_CHARS));
  return windows;
}

export function tagClauses(invitation: string, model: LinearModel, lexicon?: Lexicon): TaggedClause[] {
  const clauses = splitClauses(prepareInvitation(invitation));
  let budget = WINDOW_BUDGET;
  return clauses.map((clause, i) => {
    const position = positionOf(i, clauses.length);
    const read = (text: string) => model.predict(clauseFeatures(text, position, lexicon));
    const readings = [clause.text, ...clauseParts(clause.text)].map(read);
    const windows = clauseWindows(clause.text).slice(0, Math.max(0, budget)).map(read);
    budget -= windows.length;
    const facts = new Map<Fact, number>();
    for (const fact of FACTS) {
      const inWindows = WINDOW_FACTS.has(fact) ? windows.map((r) => r.get(fact) ?? 0) : [];
      facts.set(fact, Math.max(...readings.map((r) => r.get(fact) ?? 0), ...inWindows));
    }
    // The user's own comment is a property of the whole clause, not of a part of it.
    return { ...clause, facts, userComment: readings[0]!.get(USER_COMMENT) ?? 0 };
  });
}
