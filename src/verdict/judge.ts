// Judging one invitation: facts first, then the judgement. The clause tagger reads which facts each
// clause states; the level model turns the facts into a level; strong red facts keep a floor under
// it; the flags the user sees are the facts, each quoting the whole clause that stated it.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { LinearModel, type SerialisedModel } from '../learning/linear.ts';
import type { Lexicon } from '../understanding/normalize.ts';
import { BASIC_DETAILS, type Fact, FACT_ROLES, FACTS, isGreen, isRed } from './facts.ts';
import { chooseLevel, type CostMatrix, type Level, LEVELS, levelFeatures, PRESENT } from './level.ts';
import { type FeeFacts, readFee } from './money.ts';
import { type TaggedClause, tagClauses } from './tagger.ts';

export const VERDICT_MODEL_PATH = fileURLToPath(new URL('../../models/verdict.json', import.meta.url));

const serialisedSchema: z.ZodType<SerialisedModel> = z.object({
  kind: z.enum(['softmax', 'sigmoid']),
  labels: z.array(z.string()),
  buckets: z.number().int().positive(),
  scale: z.number().positive(),
  weights: z.string(),
  bias: z.array(z.number()),
});
const levelRecord = z.object({ legit: z.number(), caution: z.number(), 'likely-trap': z.number() });

export const verdictFileSchema = z.object({
  dataHash: z.string(),
  tagger: serialisedSchema,
  level: serialisedSchema,
  /** Weight of the invitation's own n-grams in the level model (0: facts only). */
  ngramWeight: z.number(),
  costs: z.object({ legit: levelRecord, caution: levelRecord, 'likely-trap': levelRecord }),
  /** A strong red fact at or above this probability makes the level likely-trap whatever else is found. */
  floorAt: z.number(),
});
export type VerdictFile = z.infer<typeof verdictFileSchema>;

/** One fact found in the invitation, with the clause that states it. */
export type FoundFact = { fact: Fact; probability: number; clause: string };

export type Judgement = {
  level: Level;
  /** The level model's probabilities, before the floor. */
  probabilities: Record<Level, number>;
  /** Facts at or above the presence threshold, strongest first; user comments excluded. */
  facts: FoundFact[];
  fee: FeeFacts;
  /** A strong red fact set the floor. */
  floored: boolean;
  /** A friend's social invitation with no business or money angle: not an event to judge. */
  personal: boolean;
};

export class VerdictModel {
  readonly tagger: LinearModel;
  readonly #level: LinearModel;
  readonly #ngramWeight: number;
  readonly #costs: CostMatrix;
  readonly #floorAt: number;
  readonly #lexicon: Lexicon | undefined;

  constructor(file: VerdictFile, lexicon?: Lexicon) {
    this.tagger = new LinearModel(file.tagger);
    this.#level = new LinearModel(file.level);
    this.#ngramWeight = file.ngramWeight;
    this.#costs = file.costs;
    this.#floorAt = file.floorAt;
    this.#lexicon = lexicon;
  }

  tag(invitation: string): TaggedClause[] {
    return tagClauses(invitation, this.tagger, this.#lexicon);
  }

  judge(invitation: string, extraFacts: readonly FoundFact[] = []): Judgement {
    const clauses = invitationClauses(this.tag(invitation));
    const { vector, evidence } = factVector(clauses, extraFacts);
    const fee = readFee(clauses.filter((c) => (c.facts.get('fee') ?? 0) >= PRESENT).map((c) => c.text));
    const probabilities = this.#level.predict(levelFeatures(vector, fee, invitation, this.#ngramWeight, this.#lexicon));
    let level = chooseLevel(probabilities, this.#costs);
    const floored = FACTS.some((fact) => FACT_ROLES[fact].strong && (vector.get(fact) ?? 0) >= this.#floorAt);
    if (floored) level = 'likely-trap';
    const anyRed = FACTS.some((fact) => isRed(fact) && (vector.get(fact) ?? 0) >= PRESENT);
    const personal = level !== 'likely-trap' && !anyRed && (vector.get('personal-social') ?? 0) >= PRESENT;
    if (personal) level = 'legit';
    const facts: FoundFact[] = [];
    for (const fact of FACTS) {
      const probability = vector.get(fact) ?? 0;
      if (probability >= PRESENT) facts.push({ fact, probability, clause: evidence.get(fact) ?? '' });
    }
    facts.sort((a, b) => b.probability - a.probability);
    return {
      level,
      probabilities: Object.fromEntries(LEVELS.map((l) => [l, probabilities.get(l) ?? 0])) as Record<Level, number>,
      facts: onePolarityPerClause(facts),
      fee,
      floored,
      personal,
    };
  }
}

/** Facts that say a clause warns about or forbids something: the red facts it names are negated. */
const NEGATING: readonly Fact[] = ['warning-education', 'rules-no-solicitation', 'rules-enforced'];

/**
 * The clauses that are the invitation: the user's own comment around it is left out, unless it is
 * all there is. A clause that warns about a scam or forbids selling (「『絶対儲かる』は詐欺の手口です」,
 * 「マルチの勧誘は禁止です」) names red things without offering them: its red facts count for nothing.
 */
export function invitationClauses(clauses: readonly TaggedClause[]): TaggedClause[] {
  const invitation = clauses.filter((c) => c.userComment < 0.5);
  return (invitation.length > 0 ? invitation : [...clauses]).map((clause) => {
    if (!NEGATING.some((fact) => (clause.facts.get(fact) ?? 0) >= PRESENT)) return clause;
    const facts = new Map(clause.facts);
    for (const fact of FACTS) if (isRed(fact)) facts.set(fact, 0);
    return { ...clause, facts };
  });
}

/** Per fact, the highest probability over the clauses, and the clause it came from. */
export function factVector(clauses: readonly TaggedClause[], extra: readonly FoundFact[] = []): { vector: Map<Fact, number>; evidence: Map<Fact, string> } {
  const vector = new Map<Fact, number>();
  const evidence = new Map<Fact, string>();
  for (const clause of clauses) {
    for (const [fact, p] of clause.facts) {
      if (p > (vector.get(fact) ?? 0)) {
        vector.set(fact, p);
        evidence.set(fact, clause.text);
      }
    }
  }
  for (const found of extra) {
    if (found.probability > (vector.get(found.fact) ?? 0)) {
      vector.set(found.fact, found.probability);
      evidence.set(found.fact, found.clause);
    }
  }
  return { vector, evidence };
}

/**
 * One phrase is never both a red and a green sign (「参加費は無料」 is a stated fee, not also a lure):
 * where a clause carries both, only the side of its strongest fact stays.
 */
export function onePolarityPerClause(facts: readonly FoundFact[]): FoundFact[] {
  const sideOfClause = new Map<string, 'red' | 'green'>();
  for (const found of facts) {
    const kind = FACT_ROLES[found.fact].kind;
    if (kind === 'neutral' || sideOfClause.has(found.clause)) continue;
    sideOfClause.set(found.clause, kind);
  }
  return facts.filter((found) => {
    const kind = FACT_ROLES[found.fact].kind;
    return kind === 'neutral' || sideOfClause.get(found.clause) === kind;
  });
}

export const redFacts = (judgement: Judgement): FoundFact[] => judgement.facts.filter((f) => isRed(f.fact));
export const greenFacts = (judgement: Judgement): FoundFact[] => judgement.facts.filter((f) => isGreen(f.fact) && !BASIC_DETAILS.has(f.fact));
export const basicDetails = (judgement: Judgement): FoundFact[] => judgement.facts.filter((f) => BASIC_DETAILS.has(f.fact));

let shipped: VerdictModel | undefined;
export function shippedVerdictModel(): VerdictModel {
  shipped ??= new VerdictModel(verdictFileSchema.parse(JSON.parse(readFileSync(VERDICT_MODEL_PATH, 'utf8'))));
  return shipped;
}
