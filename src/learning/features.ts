// Sparse features for the text models: character n-grams of the folded text and of its reading
// (see understanding/normalize.ts), plus a few named features a caller adds (context, layout).
// Character n-grams need no word segmentation, which Japanese lacks, and they survive typos,
// dropped particles and slang far better than whole words do.

/** A sparse feature vector: name → value. */
export type Features = Map<string, number>;

export type NgramOptions = {
  /** Smallest and largest n. */
  min: number;
  max: number;
  /** Prefix of the feature names (keeps surface and reading n-grams apart). */
  prefix: string;
  /** Texts longer than this are cut (head and tail kept), so one message costs bounded time. */
  maxChars?: number;
};

/** Head and tail of an over-long text: an invitation's opening and its call to action. */
export function bounded(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const head = Math.ceil(maxChars * 0.7);
  return `${text.slice(0, head)}\n${text.slice(text.length - (maxChars - head))}`;
}

/**
 * Adds each character n-gram of `text` once (presence, not counts: a long invitation repeating a
 * word says no more than saying it once). `^` and `$` mark the ends, so a message that *starts*
 * with なんで differs from one that contains it.
 */
export function addCharNgrams(features: Features, text: string, options: NgramOptions): void {
  const chars = [...`^${options.maxChars ? bounded(text, options.maxChars) : text}$`];
  for (let n = options.min; n <= options.max; n++) {
    for (let i = 0; i + n <= chars.length; i++) {
      let gram = '';
      for (let j = i; j < i + n; j++) gram += chars[j];
      if (gram.trim() === '' && n === 1) continue;
      features.set(options.prefix + gram, 1);
    }
  }
}

/** Scales the vector to unit length, so short and long texts weigh alike. */
export function normalise(features: Features): Features {
  let sum = 0;
  for (const value of features.values()) sum += value * value;
  const norm = Math.sqrt(sum) || 1;
  for (const [key, value] of features) features.set(key, value / norm);
  return features;
}

/** A length bucket as a feature: 1, 2–4, 5–14, 15–39, 40–99, 100–299, 300+ characters. */
export function lengthBucket(length: number): string {
  const edges = [1, 4, 14, 39, 99, 299];
  const bucket = edges.findIndex((edge) => length <= edge);
  return `len:${bucket === -1 ? edges.length : bucket}`;
}
