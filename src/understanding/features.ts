// What the understanding model sees of a message: character n-grams of the folded text and of its
// reading, its length and shape, and what the bot said last.
import { addCharNgrams, bounded, type Features, lengthBucket, normalise } from '../learning/features.ts';
import type { LastTurn } from './acts.ts';
import { foldText, type Lexicon, readingOf, shippedLexicon } from './normalize.ts';

/** An invitation's opening and its call to action say what it is; the middle adds little. */
export const MAX_MODEL_CHARS = 600;

export function lineBucket(text: string): string {
  const lines = text.split('\n').filter((line) => line.trim() !== '').length;
  return `lines:${lines <= 1 ? 1 : lines <= 4 ? 2 : lines <= 9 ? 3 : 4}`;
}

export function messageFeatures(text: string, last: LastTurn = 'none', lexicon: Lexicon = shippedLexicon()): Features {
  const folded = foldText(text);
  const shown = bounded(folded, MAX_MODEL_CHARS);
  const features: Features = new Map();
  addCharNgrams(features, shown, { min: 1, max: 3, prefix: 's:' });
  addCharNgrams(features, readingOf(shown, lexicon), { min: 2, max: 3, prefix: 'r:' });
  addWordNgrams(features, shown);
  normalise(features);
  // Shape and context are added after normalising, so they weigh the same for any length.
  features.set(lengthBucket(folded.length), 0.5);
  features.set(lineBucket(folded), 0.5);
  features.set(`ctx:${last}`, 0.5);
  return features;
}

const segmenter = new Intl.Segmenter('ja', { granularity: 'word' });

/** Word unigrams and bigrams from ICU's word segmentation (built into Node: no dictionary to load). */
export function addWordNgrams(features: Features, text: string): void {
  let previous = '^';
  for (const { segment, isWordLike } of segmenter.segment(text)) {
    if (!isWordLike) continue;
    features.set(`w:${segment}`, 1);
    features.set(`ww:${previous}|${segment}`, 1);
    previous = segment;
  }
  features.set(`ww:${previous}|$`, 1);
}
