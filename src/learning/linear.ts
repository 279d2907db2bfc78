// Linear models over sparse features: multinomial logistic regression (softmax: one label of many)
// and one-vs-rest logistic regression (sigmoid: any number of labels at once), trained with AdaGrad
// and L2 regularisation. Both give probabilities, which the callers threshold (a harmful request is
// declined above a low bar, an invitation is judged above a high one).
//
// Why not a library: ml-logistic-regression works on dense ml-matrix matrices (3,000 messages × 40,000
// n-gram features would be ~1 GB of doubles), and NLP.js's network trains leaky-ReLU perceptrons on
// squared error without regularisation, whose outputs are not probabilities (measured side by side
// in `npm run eval -- --compare`). A sparse logistic regression is a few dozen lines, deterministic
// (seeded order), trains in about a second and serialises to a plain JSON file.
import type { Features } from './features.ts';

export type ModelKind = 'softmax' | 'sigmoid';

export type TrainingExample = {
  features: Features;
  /** softmax: the one label; sigmoid: every label that applies (possibly none). */
  labels: readonly string[];
  /** Weight of this example in the loss (class balancing); 1 by default. */
  weight?: number;
};

export type TrainOptions = {
  kind: ModelKind;
  labels: readonly string[];
  epochs?: number;
  learningRate?: number;
  l2?: number;
  /** Number of hash buckets (a power of two). */
  buckets?: number;
  /** sigmoid only: how much more a missed label costs than a false one (labels are rare per clause). */
  positiveWeight?: number;
  seed?: number;
};

/**
 * The trained model as stored. Features are hashed into a fixed number of buckets (the hashing
 * trick: no vocabulary to store, any unseen n-gram lands somewhere harmless), and the weights are
 * kept as 16-bit integers with one scale, in base64: a model of 32,768 buckets × 23 labels is 1.5 MB.
 */
export type SerialisedModel = {
  kind: ModelKind;
  labels: string[];
  buckets: number;
  /** weight = int16 × scale */
  scale: number;
  /** base64 of little-endian Int16 weights, weights[bucket * labels.length + label]. */
  weights: string;
  bias: number[];
};

/** FNV-1a over UTF-16 code units: cheap, stable across processes and platforms. */
export function hashFeature(name: string, buckets: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    hash ^= name.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) & (buckets - 1);
}

export class LinearModel {
  readonly kind: ModelKind;
  readonly labels: readonly string[];
  readonly #buckets: number;
  readonly #weights: Float32Array;
  readonly #bias: Float32Array;

  constructor(serialised: SerialisedModel) {
    this.kind = serialised.kind;
    this.labels = serialised.labels;
    this.#buckets = serialised.buckets;
    const bytes = Buffer.from(serialised.weights, 'base64');
    const ints = new Int16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 2);
    if (ints.length !== serialised.buckets * serialised.labels.length) throw new Error('model weights do not match its buckets and labels');
    this.#weights = Float32Array.from(ints, (w) => w * serialised.scale);
    this.#bias = Float32Array.from(serialised.bias);
  }

  /** Probabilities by label (softmax: they sum to 1; sigmoid: each on its own). */
  predict(features: Features): Map<string, number> {
    const scores = this.scores(features);
    const out = new Map<string, number>();
    if (this.kind === 'softmax') {
      const max = Math.max(...scores);
      let sum = 0;
      const exps = scores.map((s) => {
        const e = Math.exp(s - max);
        sum += e;
        return e;
      });
      this.labels.forEach((label, l) => out.set(label, exps[l]! / sum));
    } else {
      this.labels.forEach((label, l) => out.set(label, sigmoid(scores[l]!)));
    }
    return out;
  }

  /** Raw linear scores, in label order. */
  scores(features: Features): number[] {
    const L = this.labels.length;
    const scores = Array.from(this.#bias);
    for (const [name, value] of features) {
      const base = hashFeature(name, this.#buckets) * L;
      for (let l = 0; l < L; l++) scores[l]! += this.#weights[base + l]! * value;
    }
    return scores;
  }
}

const sigmoid = (x: number): number => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));

/** Mulberry32: a small, fast, seeded generator, so training is repeatable. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Row = { idx: Int32Array; val: Float32Array; labels: Int32Array; weight: number };

export function train(examples: readonly TrainingExample[], options: TrainOptions): SerialisedModel {
  const { kind, labels } = options;
  const epochs = options.epochs ?? 25;
  const learningRate = options.learningRate ?? 0.5;
  const l2 = options.l2 ?? 1e-5;
  const positiveWeight = options.positiveWeight ?? 1;
  const random = seededRandom(options.seed ?? 1);
  const L = labels.length;
  const labelIndex = new Map(labels.map((label, i) => [label, i]));

  const F = options.buckets ?? DEFAULT_BUCKETS;
  if ((F & (F - 1)) !== 0) throw new Error('buckets must be a power of two');
  const index = (name: string): number => hashFeature(name, F);

  const rows: Row[] = examples.map((example) => {
    const idx: number[] = [];
    const val: number[] = [];
    // Features that hash to one bucket add up.
    const byBucket = new Map<number, number>();
    for (const [name, value] of example.features) {
      const f = index(name);
      byBucket.set(f, (byBucket.get(f) ?? 0) + value);
    }
    for (const [f, value] of byBucket) {
      idx.push(f);
      val.push(value);
    }
    const labelIds = example.labels.map((label) => {
      const l = labelIndex.get(label);
      if (l === undefined) throw new Error(`label "${label}" is not one of the model's labels`);
      return l;
    });
    if (kind === 'softmax' && labelIds.length !== 1) throw new Error('a softmax example needs exactly one label');
    return { idx: Int32Array.from(idx), val: Float32Array.from(val), labels: Int32Array.from(labelIds), weight: example.weight ?? 1 };
  });

  const weights = new Float64Array(F * L);
  const bias = new Float64Array(L);
  const gradSq = new Float64Array(F * L).fill(1e-8);
  const biasGradSq = new Float64Array(L).fill(1e-8);
  const order = rows.map((_, i) => i);
  const scores = new Float64Array(L);
  const target = new Float64Array(L);

  for (let epoch = 0; epoch < epochs; epoch++) {
    // Fisher–Yates with the seeded generator.
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (const r of order) {
      const row = rows[r]!;
      for (let l = 0; l < L; l++) scores[l] = bias[l]!;
      for (let k = 0; k < row.idx.length; k++) {
        const base = row.idx[k]! * L;
        const v = row.val[k]!;
        for (let l = 0; l < L; l++) scores[l]! += weights[base + l]! * v;
      }
      target.fill(0);
      for (const l of row.labels) target[l] = 1;
      // Gradient of the loss with respect to each score: (prediction − target), times the example's weight.
      if (kind === 'softmax') {
        let max = -Infinity;
        for (let l = 0; l < L; l++) max = Math.max(max, scores[l]!);
        let sum = 0;
        for (let l = 0; l < L; l++) {
          scores[l] = Math.exp(scores[l]! - max);
          sum += scores[l]!;
        }
        for (let l = 0; l < L; l++) scores[l] = (scores[l]! / sum - target[l]!) * row.weight;
      } else {
        for (let l = 0; l < L; l++) scores[l] = (sigmoid(scores[l]!) - target[l]!) * row.weight * (target[l] === 1 ? positiveWeight : 1);
      }
      for (let l = 0; l < L; l++) {
        const g = scores[l]!;
        biasGradSq[l]! += g * g;
        bias[l]! -= (learningRate * g) / Math.sqrt(biasGradSq[l]!);
      }
      for (let k = 0; k < row.idx.length; k++) {
        const base = row.idx[k]! * L;
        const v = row.val[k]!;
        for (let l = 0; l < L; l++) {
          const w = base + l;
          const g = scores[l]! * v + l2 * weights[w]!;
          if (g === 0) continue;
          gradSq[w]! += g * g;
          weights[w]! -= (learningRate * g) / Math.sqrt(gradSq[w]!);
        }
      }
    }
  }

  let max = 0;
  for (const w of weights) max = Math.max(max, Math.abs(w));
  const scale = max > 0 ? max / 32_767 : 1;
  const ints = Int16Array.from(weights, (w) => Math.round(w / scale));
  return { kind, labels: [...labels], buckets: F, scale, weights: Buffer.from(ints.buffer).toString('base64'), bias: Array.from(bias, round) };
}

const round = (x: number): number => Math.round(x * 1e4) / 1e4;

export const DEFAULT_BUCKETS = 1 << 15;

/** k folds of indices, stratified by a key so each fold holds every class in proportion. */
export function stratifiedFolds<T>(items: readonly T[], key: (item: T) => string, k: number, seed = 7): number[][] {
  const random = seededRandom(seed);
  const byKey = new Map<string, number[]>();
  items.forEach((item, i) => {
    const list = byKey.get(key(item)) ?? [];
    list.push(i);
    byKey.set(key(item), list);
  });
  const folds: number[][] = Array.from({ length: k }, () => []);
  let next = 0;
  for (const list of byKey.values()) {
    for (let i = list.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [list[i], list[j]] = [list[j]!, list[i]!];
    }
    for (const i of list) folds[next++ % k]!.push(i);
  }
  return folds;
}
