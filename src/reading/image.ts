// Reading the text in an image (a flyer, a LINE screenshot, a phone photo of a flyer): sharp
// normalises it (normalise.ts), Debian's Tesseract reads it with its Japanese data (tesseract.ts).
//
// MEASURED (scripts/ocr-compare.ts on test/fixtures/images: 16 flyers incl. 3 vertical, 16 LINE
// chat screenshots, 1 phone photo, 3 pictures without text; 2 cores, Tesseract 5.3.0, Debian's
// tessdata_fast jpn/jpn_vert 4.1.0). Character accuracy = 1 − edit distance / source length after
// NFKC and without whitespace (a chat's clock, names and timestamps count against it); recall =
// share of the source's characters found in order; ms = whole reading incl. sharp, per image.
//
//   engine        lang      psm  scale/filter            accuracy  recall  p50 ms  p95 ms
//   command       jpn       3    none (raw colour)          61.9%           216     305
//   command       jpn       3    glyphs→30 px, grey         70.9%           291     395   (vertical read as horizontal)
//   command       jpn       4    glyphs→30 px, grey         69.9%           281     365
//   command       jpn       6    glyphs→30 px, grey         60.1%           286     433
//   command       jpn       11   glyphs→30 px, grey         60.6%           280     357
//   — from here vertical-looking images are read with jpn_vert --psm 5 (3 vertical flyers: 1–6% → 96–100%)
//   command       jpn       3    glyphs→30 px               79.5%   86.6%   288     422
//   command       jpn       4    glyphs→30 px               78.8%   87.0%   291     366
//   command       jpn       6    glyphs→30 px               68.3%   90.9%   294     438
//   command       jpn       11   glyphs→30 px               68.9%           295     420
//   command       jpn+eng   3    glyphs→30 px               75.9%           383     495
//   command       jpn       3    glyphs→24 px               78.7%           237     334
//   command       jpn       3    glyphs→36 px               79.8%           329     397
//   command       jpn       3    glyphs→45 px               78.8%           420     511
//   command       jpn       3    →30 px + threshold         68.4%           347     445
//   command       jpn       3    →30 px + flatten bg        74.7%   87.3%   342     533   (photo 92.9%, chats lose)
//   command       jpn       3    →30 px + sharpen           81.1%   89.5%   361–393 483
//   command       jpn       4    →30 px + sharpen           80.6%   91.2%   379     511
//   tesseract.js  jpn       3    →30 px + sharpen           81.2%   89.4%   355–362 537–679
//   tesseract.js  jpn       4    →30 px + sharpen           80.7%   91.1%   364     592
//   final (+ misread repair: 「3.000円」, 「18:30て20:30」), 5 alternating runs each:
//   command       jpn       3    →30 px + sharpen           81.3%   89.7%   363–394 485–507  (mean p50 374)
//   tesseract.js  jpn       3    →30 px + sharpen           81.4%   89.6%   361–378 594–686  (mean p50 368)
//   By kind (command, final): flyers 78.8%, chats 83.3%, phone photo 90.6%; all 3 text-less
//   pictures judged textless, all 33 others judged to hold text.
//
// Kept: the `tesseract` command. Both run the same LSTM engine on the same traineddata, so accuracy
// ties (±0.1 point, a few characters over the set); recognition alone is ~15% faster in
// tesseract.js (median 205–226 vs 249–254 ms: no process start, the model stays loaded), but end to
// end the p50 is the same within noise and the command's p95 is ~25% lower; the wasm worker also
// costs ~0.3 s to start and ~145 MB of RSS inside the bot process per language, and serialises
// concurrent reads. OMP_THREAD_LIMIT=1: with OpenMP on both cores the p50 is the same and the p95
// 3.2 s. Two-column flyers remain the weak spot (columns whose lines align are read across).
import { OcrTimeoutError } from './errors.ts';
import { normaliseForOcr, NORMALISE_DEFAULTS, type NormaliseOptions } from './normalise.ts';
import type { OcrReading } from './ocr-text.ts';
import { hasTesseractLanguage, runTesseract, tessdataDir } from './tesseract.ts';

export { ImageTooLargeError, NotAnImageError, OcrTimeoutError, OcrUnavailableError } from './errors.ts';

export interface ReadImageOptions {
  /** Whole reading (decode, normalise, OCR) must finish within this. Default 8,000 ms. */
  timeoutMs?: number;
  /** Refuse images over this many bytes. Default 10 MB. */
  maxBytes?: number;
  /** Refuse images over this many pixels. Default 40 MP. */
  maxPixels?: number;
  /** Tesseract languages. Default 'jpn'. */
  lang?: string;
  /** Page segmentation mode for horizontal text. Default 3 (automatic). */
  psm?: number;
  /** Read images that look vertical with jpn_vert when it is installed. Default true. */
  vertical?: boolean;
  /** Filter after grey + scale (see normalise.ts). Default 'sharpen'. */
  filter?: NormaliseOptions['filter'];
  /** Cancels the reading (the OCR is stopped); reported as OcrTimeoutError. */
  signal?: AbortSignal;
  /** The tesseract executable (default `tesseract` on PATH, or env TESSERACT_CMD). */
  command?: string;
  /** Where the traineddata lives; default TESSDATA_PREFIX or Debian's directory. */
  tessdataDir?: string;
}

export interface ImageText {
  /** The text read, lines in reading order, Japanese spacing tidied. */
  text: string;
  /** 0–1, Tesseract's word confidence averaged over the characters read. */
  confidence: number;
  /** Time spent reading, ms. */
  ms: number;
}

export const READ_IMAGE_DEFAULTS = {
  timeoutMs: 8_000,
  maxBytes: NORMALISE_DEFAULTS.maxBytes,
  maxPixels: NORMALISE_DEFAULTS.maxPixels,
  lang: 'jpn',
  psm: 3,
  vertical: true,
  filter: 'sharpen',
} as const satisfies ReadImageOptions;

/** Below this confidence a horizontal reading of many characters may be vertical text. */
const VERTICAL_RETRY_BELOW = 0.5;

/**
 * Reads the text in an image. Throws ImageTooLargeError (bytes or pixels), NotAnImageError,
 * OcrTimeoutError (over the budget, or `signal` aborted) or OcrUnavailableError (no engine or no
 * Japanese data).
 */
export async function readImageText(bytes: Uint8Array, options: ReadImageOptions = {}): Promise<ImageText> {
  const o = { ...READ_IMAGE_DEFAULTS, ...options };
  const started = performance.now();
  const deadline = AbortSignal.any([AbortSignal.timeout(o.timeoutMs), ...(o.signal ? [o.signal] : [])]);
  const remaining = (): number => Math.max(1, Math.ceil(o.timeoutMs - (performance.now() - started)));
  const normalised = await withDeadline(
    normaliseForOcr(bytes, { maxBytes: o.maxBytes, maxPixels: o.maxPixels, filter: o.filter }),
    deadline,
    o.timeoutMs,
  );
  const dir = o.tessdataDir ?? tessdataDir();
  const canReadVertical = o.vertical && hasTesseractLanguage('jpn_vert', [dir]);
  const ocr = async (lang: string, psm: number): Promise<OcrReading> => {
    try {
      return await runTesseract(normalised.png, {
        lang,
        psm,
        timeoutMs: remaining(),
        signal: deadline,
        tessdataDir: dir,
        ...(o.command ? { command: o.command } : {}),
      });
    } catch (error) {
      // Report the caller's budget, not what was left of it when this OCR run started.
      if (error instanceof OcrTimeoutError) throw new OcrTimeoutError(o.timeoutMs);
      throw error;
    }
  };
  let reading = canReadVertical && normalised.vertical ? await ocr('jpn_vert', 5) : await ocr(o.lang, o.psm);
  // Vertical text the line finder took for horizontal reads as many low-confidence characters.
  if (
    canReadVertical &&
    !normalised.vertical &&
    reading.confidence < VERTICAL_RETRY_BELOW &&
    meaningfulChars(reading.text) >= TEXT_THRESHOLDS.minChars
  ) {
    const vertical = await ocr('jpn_vert', 5);
    if (vertical.confidence > reading.confidence) reading = vertical;
  }
  return { text: reading.text, confidence: reading.confidence, ms: Math.round(performance.now() - started) };
}

/** Resolves with `work`, or rejects with OcrTimeoutError as soon as `signal` aborts. */
function withDeadline<T>(work: Promise<T>, signal: AbortSignal, budgetMs: number): Promise<T> {
  if (signal.aborted) return Promise.reject(new OcrTimeoutError(budgetMs));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new OcrTimeoutError(budgetMs));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** Letters and digits of any script: what counts as "text" (punctuation and symbols do not). */
const MEANINGFUL = /[\p{L}\p{N}]/gu;

export const TEXT_THRESHOLDS = { minChars: 8, minConfidence: 0.5 } as const;

/**
 * Whether an image held text at all: a photo or a sticker gives a few low-confidence characters
 * (OCR finds "letters" in leaves and fur), a flyer or a chat gives many confident ones.
 */
export function looksLikeText(result: Pick<ImageText, 'text' | 'confidence'>): boolean {
  return meaningfulChars(result.text) >= TEXT_THRESHOLDS.minChars && result.confidence >= TEXT_THRESHOLDS.minConfidence;
}

function meaningfulChars(text: string): number {
  return text.match(MEANINGFUL)?.length ?? 0;
}
