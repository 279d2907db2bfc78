// The trained understanding models (models/understanding.json, written by `npm run train`): the act
// of a message, the kind of a harmful request, and the person a message names.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { type Features } from '../learning/features.ts';
import { LinearModel, type SerialisedModel, train } from '../learning/linear.ts';
import { type Act, ACTS, HARM_KINDS, type HarmKind, type LastTurn } from './acts.ts';
import type { CorpusItem } from './corpus.ts';
import { messageFeatures } from './features.ts';
import { candidateFeatures, findPerson, nameCandidates } from './names.ts';
import { type Lexicon, shippedLexicon } from './normalize.ts';

export const UNDERSTANDING_MODEL_PATH = fileURLToPath(new URL('../../models/understanding.json', import.meta.url));

const serialisedSchema: z.ZodType<SerialisedModel> = z.object({
  kind: z.enum(['softmax', 'sigmoid']),
  labels: z.array(z.string()),
  buckets: z.number().int().positive(),
  scale: z.number().positive(),
  weights: z.string(),
  bias: z.array(z.number()),
});

export const understandingFileSchema = z.object({
  /** Hash of the training data and the training settings; a test checks it matches the repository. */
  dataHash: z.string(),
  acts: serialisedSchema,
  harm: serialisedSchema,
  person: serialisedSchema,
  /** P(harmful) at or above which a request is declined even when another act scores higher. */
  harmfulThreshold: z.number(),
  /**
   * Below harmfulThreshold but at or above this, the message is answered as what it otherwise reads
   * as, with a conditional boundary note: the words of harm are there, the intent may not be (a
   * victim, a worried person, a manners question). Chosen by cross-validation.
   */
  carefulThreshold: z.number(),
  /** Stage and marital status in a contact report (see contact-details.ts). */
  contacts: z.object({ stage: serialisedSchema, marital: serialisedSchema }),
});
export type UnderstandingFile = z.infer<typeof understandingFileSchema>;

/** Settings of the act model, chosen by cross-validation on the training corpus (`npm run eval -- --tune`). */
export const ACT_TRAINING = { epochs: 30, learningRate: 0.1, l2: 1e-5 } as const;

/** What the models read in one message. */
export type Reading = {
  act: Act;
  /** Probability of the chosen act. */
  confidence: number;
  /** The acts by probability, best first (the top few, for the developer panel). */
  ranking: { act: Act; probability: number }[];
  harmful: number;
  harm?: HarmKind;
  /** Read as something else, but close enough to a harmful request to answer with a boundary note. */
  careful?: HarmKind;
  person?: string;
};

export class Understander {
  readonly #acts: LinearModel;
  readonly #harm: LinearModel;
  readonly #person: LinearModel;
  readonly #lexicon: Lexicon;
  readonly harmfulThreshold: number;
  readonly carefulThreshold: number;

  constructor(file: UnderstandingFile, lexicon: Lexicon = shippedLexicon()) {
    this.#acts = new LinearModel(file.acts);
    this.#harm = new LinearModel(file.harm);
    this.#person = new LinearModel(file.person);
    this.#lexicon = lexicon;
    this.harmfulThreshold = file.harmfulThreshold;
    this.carefulThreshold = file.carefulThreshold;
  }

  features(text: string, last: LastTurn): Features {
    return messageFeatures(text, last, this.#lexicon);
  }

  read(text: string, last: LastTurn = 'none'): Reading {
    const features = this.features(text, last);
    const probabilities = this.#acts.predict(features);
    const ranking = [...probabilities.entries()]
      .map(([act, probability]) => ({ act: act as Act, probability }))
      .sort((a, b) => b.probability - a.probability);
    const harmful = probabilities.get('harmful') ?? 0;
    // Declining errs on the side of the other person: a request that may be harmful is declined
    // even when another reading scores a little higher.
    const top = harmful >= this.harmfulThreshold ? { act: 'harmful' as const, probability: harmful } : ranking[0]!;
    const reading: Reading = { act: top.act, confidence: top.probability, ranking: ranking.slice(0, 4), harmful };
    const kind = () => [...this.#harm.predict(features).entries()].sort((a, b) => b[1] - a[1])[0]![0] as HarmKind;
    if (top.act === 'harmful') reading.harm = kind();
    else if (harmful >= this.carefulThreshold) reading.careful = kind();
    if (top.act === 'contact-report' || top.act === 'contact-advice' || top.act === 'forget-contact') {
      const person = findPerson(text, this.#person);
      if (person) reading.person = person.name;
    }
    return reading;
  }
}

let shippedFile: UnderstandingFile | undefined;
/** models/understanding.json, read and checked once per process. */
export function shippedUnderstandingFile(): UnderstandingFile {
  shippedFile ??= understandingFileSchema.parse(JSON.parse(readFileSync(UNDERSTANDING_MODEL_PATH, 'utf8')));
  return shippedFile;
}

let shipped: Understander | undefined;
export function shippedUnderstander(): Understander {
  shipped ??= new Understander(shippedUnderstandingFile());
  return shipped;
}

// ---------------------------------------------------------------- training

/** Rare acts weigh more, so a class of 16 examples is not drowned by one of 900 (square-root balancing). */
export function classWeights(items: readonly { act: string }[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(item.act, (counts.get(item.act) ?? 0) + 1);
  const sorted = [...counts.values()].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? 1;
  return new Map([...counts].map(([act, count]) => [act, Math.sqrt(median / count)]));
}

export function trainActs(items: readonly CorpusItem[], features: readonly Features[], seed = 1): SerialisedModel {
  const weights = classWeights(items);
  return train(
    items.map((item, i) => ({ features: features[i]!, labels: [item.act], weight: weights.get(item.act)! })),
    { kind: 'softmax', labels: ACTS, seed, ...ACT_TRAINING },
  );
}

export function trainHarm(items: readonly CorpusItem[], features: readonly Features[]): SerialisedModel {
  const examples = items.flatMap((item, i) => (item.act === 'harmful' && item.harm ? [{ features: features[i]!, labels: [item.harm] }] : []));
  return train(examples, { kind: 'softmax', labels: HARM_KINDS, epochs: 30, learningRate: 0.2, l2: 1e-5, buckets: 1 << 14 });
}

/** Candidates in every message: the labelled person is a positive, every other stretch a negative. */
export function trainPerson(items: readonly Pick<CorpusItem, 'text' | 'person'>[]): SerialisedModel {
  const examples = items.flatMap((item) =>
    nameCandidates(item.text).map((candidate) => ({
      features: candidateFeatures(item.text, candidate),
      labels: item.person && item.person.normalize('NFKC') === candidate.name + candidate.honorific ? ['person'] : [],
    })),
  );
  return train(examples, { kind: 'sigmoid', labels: ['person'], epochs: 30, learningRate: 0.3, l2: 1e-5, buckets: 1 << 13, positiveWeight: 3 });
}
