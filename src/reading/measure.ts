// How well images are read: character accuracy against each image's source text and time per
// image, over the fixture set in test/fixtures/images (index.json). `npm run eval` calls
// measureImageReading(); scripts/ocr-compare.ts uses measureImageSet() to compare OCR settings.
//
// Character accuracy = 1 − edit distance / length of the source text, after NFKC and with all
// whitespace removed (so line breaks and Tesseract's spacing do not count), floored at 0.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { looksLikeText, readImageText, type ReadImageOptions } from './image.ts';

export const ImageFixture = z.object({
  file: z.string().min(1),
  kind: z.enum(['flyer', 'chat', 'photo', 'none']),
  label: z.enum(['legit', 'caution', 'likely-trap', 'none']),
  text: z.string(),
});
export type ImageFixture = z.infer<typeof ImageFixture>;

export const IMAGE_FIXTURE_DIR = join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'images');

/** Loads and validates test/fixtures/images/index.json (or another set laid out the same way). */
export async function loadImageFixtures(dir: string = IMAGE_FIXTURE_DIR): Promise<ImageFixture[]> {
  const raw: unknown = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8'));
  return z.array(ImageFixture).parse(raw);
}

/** NFKC, then every whitespace character removed: the form both texts are compared in. */
export function comparable(text: string): string[] {
  return [...text.normalize('NFKC').replace(/\s+/gu, '')];
}

/** Levenshtein distance over code points (two rows, O(n·m) time, O(m) memory). */
export function editDistance(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  let current = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution);
    }
    [previous, current] = [current, previous];
  }
  return previous[b.length] ?? 0;
}

/** 1 − edit distance / source length, in [0, 1]; 1 when both are empty. */
export function characterAccuracy(read: string, source: string): number {
  const expected = comparable(source);
  const got = comparable(read);
  if (expected.length === 0) return got.length === 0 ? 1 : 0;
  return Math.max(0, 1 - editDistance(got, expected) / expected.length);
}

/**
 * Share of the source's characters found, in order, in the reading (longest common subsequence /
 * source length). Unlike accuracy it ignores extra text (a chat's clock, names and timestamps), so
 * it tells whether a bubble or a line was missed.
 */
export function characterRecall(read: string, source: string): number {
  const expected = comparable(source);
  const got = comparable(read);
  if (expected.length === 0) return 1;
  let previous = new Array<number>(got.length + 1).fill(0);
  let current = new Array<number>(got.length + 1).fill(0);
  for (let i = 1; i <= expected.length; i++) {
    for (let j = 1; j <= got.length; j++) {
      current[j] =
        expected[i - 1] === got[j - 1]
          ? (previous[j - 1] ?? 0) + 1
          : Math.max(previous[j] ?? 0, current[j - 1] ?? 0);
    }
    [previous, current] = [current, previous];
  }
  return (previous[got.length] ?? 0) / expected.length;
}

/** The q-th percentile (0–100) by nearest rank; NaN for no values. */
export function percentile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((q / 100) * sorted.length)));
  return sorted[rank - 1] ?? Number.NaN;
}

export interface ImageMeasurement {
  file: string;
  kind: ImageFixture['kind'];
  label: ImageFixture['label'];
  /** The text read, or '' when reading failed. */
  read: string;
  confidence: number;
  /** Whether the reader judged that the image holds text (looksLikeText). */
  hasText: boolean;
  /** Character accuracy; for a "none" image, 1 when no text was seen, else 0. */
  accuracy: number;
  /** Character recall (see characterRecall); 1 for a "none" image. */
  recall: number;
  ms: number;
  error?: string;
}

export interface ImageSetReport {
  images: ImageMeasurement[];
  /** Mean character accuracy over the images that hold an invitation (kind ≠ none). */
  meanAccuracy: number;
  /** Mean character recall over the same images. */
  meanRecall: number;
  /** Mean accuracy per kind. */
  accuracyByKind: Partial<Record<ImageFixture['kind'], number>>;
  /** Share of "none" images judged textless and of the others judged to hold text. */
  textDetection: { none: number; text: number };
  p50Ms: number;
  p95Ms: number;
}

/** What is measured: any reader with the shape of readImageText + looksLikeText. */
export interface ImageReader {
  read(bytes: Uint8Array): Promise<{ text: string; confidence: number; ms: number }>;
  hasText(result: { text: string; confidence: number }): boolean;
}

/** Reads every image of the set one after another and reports accuracy and timing. */
export async function measureImageSet(
  reader: ImageReader,
  options: { dir?: string; only?: (fixture: ImageFixture) => boolean } = {},
): Promise<ImageSetReport> {
  const dir = options.dir ?? IMAGE_FIXTURE_DIR;
  const fixtures = (await loadImageFixtures(dir)).filter(options.only ?? (() => true));
  const images: ImageMeasurement[] = [];
  for (const fixture of fixtures) {
    const bytes = new Uint8Array(await readFile(join(dir, fixture.file)));
    const started = performance.now();
    try {
      const result = await reader.read(bytes);
      const hasText = reader.hasText(result);
      images.push({
        file: fixture.file,
        kind: fixture.kind,
        label: fixture.label,
        read: result.text,
        confidence: result.confidence,
        hasText,
        accuracy: fixture.kind === 'none' ? (hasText ? 0 : 1) : characterAccuracy(result.text, fixture.text),
        recall: characterRecall(result.text, fixture.text),
        ms: result.ms,
      });
    } catch (error) {
      images.push({
        file: fixture.file,
        kind: fixture.kind,
        label: fixture.label,
        read: '',
        confidence: 0,
        hasText: false,
        accuracy: 0,
        recall: fixture.kind === 'none' ? 1 : 0,
        ms: performance.now() - started,
        error: error instanceof Error ? error.name : String(error),
      });
    }
  }
  return summarise(images);
}

/** The shipped reader (readImageText + looksLikeText) over the fixture set: what `npm run eval` reports. */
export function measureImageReading(
  options: { dir?: string; only?: (fixture: ImageFixture) => boolean; read?: ReadImageOptions } = {},
): Promise<ImageSetReport> {
  return measureImageSet(
    { read: (bytes) => readImageText(bytes, options.read), hasText: looksLikeText },
    { ...(options.dir ? { dir: options.dir } : {}), ...(options.only ? { only: options.only } : {}) },
  );
}

/** The summary figures of a set of measurements (pure). */
export function summarise(images: ImageMeasurement[]): ImageSetReport {
  const mean = (xs: number[]): number => (xs.length === 0 ? Number.NaN : xs.reduce((a, b) => a + b, 0) / xs.length);
  const withText = images.filter((m) => m.kind !== 'none');
  const none = images.filter((m) => m.kind === 'none');
  const accuracyByKind: ImageSetReport['accuracyByKind'] = {};
  for (const kind of ['flyer', 'chat', 'photo'] as const) {
    const of = images.filter((m) => m.kind === kind);
    if (of.length > 0) accuracyByKind[kind] = mean(of.map((m) => m.accuracy));
  }
  const ms = images.map((m) => m.ms);
  return {
    images,
    meanAccuracy: mean(withText.map((m) => m.accuracy)),
    meanRecall: mean(withText.map((m) => m.recall)),
    accuracyByKind,
    textDetection: {
      none: none.length === 0 ? Number.NaN : none.filter((m) => !m.hasText).length / none.length,
      text: withText.length === 0 ? Number.NaN : withText.filter((m) => m.hasText).length / withText.length,
    },
    p50Ms: percentile(ms, 50),
    p95Ms: percentile(ms, 95),
  };
}
