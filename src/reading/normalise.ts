// Getting an image ready for OCR with sharp (libvips, off the main thread): refuse what is too big
// before decoding it, turn it upright (EXIF), make it grey, and scale it so its text lines are about
// TARGET_GLYPH_PX high — Tesseract reads best around 20–40 px; chat screenshots arrive near that,
// forwarded flyers are often much smaller, posters much bigger.
//
// The glyph height is estimated without OCR: text lines are bands of rows with many sharp
// left-right transitions (strokes), whatever the colours; the median band height is the line height.
import sharp, { type Metadata, type OutputInfo } from 'sharp';
import { ImageTooLargeError, NotAnImageError } from './errors.ts';

export interface NormaliseOptions {
  /** Refuse larger inputs (bytes). Default 10 MB (LINE's own limit for an image message). */
  maxBytes?: number;
  /** Refuse inputs with more pixels than this (decompression bombs). Default 40 MP. */
  maxPixels?: number;
  /** Scale so text lines come out about this high. Default 30 px. */
  targetGlyphPx?: number;
  /** Cap of the image handed to OCR (pixels). Default 6 MP. */
  maxOutputPixels?: number;
  /**
   * Extra filtering after grey + resize: 'none' (default), 'sharpen', 'threshold', or 'flatten'
   * (divide by the local background, so chat bubbles and coloured boxes turn white).
   */
  filter?: 'none' | 'sharpen' | 'threshold' | 'flatten' | 'flatten-sharpen';
}

export const NORMALISE_DEFAULTS = {
  maxBytes: 10 * 1024 * 1024,
  maxPixels: 40_000_000,
  targetGlyphPx: 30,
  maxOutputPixels: 6_000_000,
  filter: 'none',
} as const satisfies Required<NormaliseOptions>;

export interface Normalised {
  png: Buffer;
  width: number;
  height: number;
  /** The scale applied, and the text-line height estimated on the input (0: none found). */
  scale: number;
  glyphPx: number;
  /** Whether the text looks vertical (more columns of glyphs than lines). */
  vertical: boolean;
  rows: number;
  columns: number;
}

/** The input's format and size from its header, refusing non-images and oversized ones. */
export async function inspectImage(
  bytes: Uint8Array,
  limits: { maxBytes: number; maxPixels: number },
): Promise<{ format: string; width: number; height: number }> {
  if (bytes.byteLength > limits.maxBytes) throw new ImageTooLargeError('bytes', bytes.byteLength, limits.maxBytes);
  let meta: Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (error) {
    throw new NotAnImageError(error instanceof Error ? error.message : String(error));
  }
  const { width, height, format } = meta;
  if (!width || !height || !format || !READABLE_FORMATS.has(format)) {
    throw new NotAnImageError(`unsupported format ${format ?? 'unknown'}`);
  }
  const pages = meta.pages ?? 1;
  if (width * height > limits.maxPixels) throw new ImageTooLargeError('pixels', width * height, limits.maxPixels);
  if (pages > 1 && format !== 'gif' && format !== 'webp') throw new NotAnImageError(`${pages} pages in one image`);
  return { format, width, height };
}

// SVG and PDF are documents, not pictures a phone sends; libvips would render them (and fetch
// nothing, but there is no reason to let them in).
const READABLE_FORMATS = new Set(['png', 'jpeg', 'webp', 'gif', 'tiff', 'heif', 'avif']);

/** Upright, grey, scaled for OCR; throws ImageTooLargeError / NotAnImageError. */
export async function normaliseForOcr(bytes: Uint8Array, options: NormaliseOptions = {}): Promise<Normalised> {
  const o = { ...NORMALISE_DEFAULTS, ...options };
  await inspectImage(bytes, o);
  // First frame only; autoOrient applies EXIF orientation (phone photos).
  const grey = sharp(bytes, { limitInputPixels: o.maxPixels, pages: 1 }).autoOrient().greyscale();
  let raw: { data: Buffer; info: OutputInfo };
  try {
    raw = await grey.clone().extractChannel(0).raw().toBuffer({ resolveWithObject: true });
  } catch (error) {
    throw new NotAnImageError(error instanceof Error ? error.message : String(error));
  }
  const { width, height } = raw.info;
  // The line finder runs on the main thread: on a big photo it looks at a ≤ 2 MP copy (~20 ms).
  const probe = width * height > ESTIMATE_PIXELS ? Math.sqrt(ESTIMATE_PIXELS / (width * height)) : 1;
  const sample =
    probe === 1
      ? { data: raw.data, width, height, channels: raw.info.channels }
      : await sharp(raw.data, { raw: { width, height, channels: raw.info.channels } })
          .resize(Math.round(width * probe), Math.round(height * probe))
          .extractChannel(0)
          .raw()
          .toBuffer({ resolveWithObject: true })
          .then(({ data, info }) => ({ data, width: info.width, height: info.height, channels: info.channels }));
  const found = (vertical: boolean): LineEstimate => {
    const e = estimateLines(sample.data, sample.width, sample.height, sample.channels, vertical);
    return { size: Math.round(e.size / probe), count: e.count };
  };
  const rows = found(false);
  const columns = found(true);
  const vertical = columns.count >= 3 && columns.count >= rows.count * 1.5;
  const glyphPx = vertical ? columns.size : rows.size;
  const scale = chooseScale({ width, height, glyphPx, targetGlyphPx: o.targetGlyphPx, maxOutputPixels: o.maxOutputPixels });
  let pipeline = sharp(raw.data, { raw: { width, height, channels: raw.info.channels } });
  if (scale !== 1) {
    pipeline = pipeline.resize(Math.round(width * scale), Math.round(height * scale));
  }
  if (o.filter === 'flatten' || o.filter === 'flatten-sharpen') {
    const scaled = await pipeline.raw().toBuffer({ resolveWithObject: true });
    const { width: sw, height: sh, channels } = scaled.info;
    const background = await localBackground(scaled.data, sw, sh, channels);
    const flat = Buffer.alloc(sw * sh);
    for (let i = 0; i < flat.length; i++) {
      const b = background[i] ?? 255;
      flat[i] = Math.min(255, Math.round(((scaled.data[i * channels] ?? 0) * 255) / (b < 1 ? 1 : b)));
    }
    pipeline = sharp(flat, { raw: { width: sw, height: sh, channels: 1 } });
    if (o.filter === 'flatten-sharpen') pipeline = pipeline.sharpen({ sigma: 1 });
  }
  if (o.filter === 'sharpen') pipeline = pipeline.sharpen({ sigma: 1 });
  if (o.filter === 'threshold') pipeline = pipeline.normalise().threshold(140);
  const { data, info } = await pipeline.png({ compressionLevel: 1 }).toBuffer({ resolveWithObject: true });
  return { png: data, width: info.width, height: info.height, scale, glyphPx, vertical, rows: rows.count, columns: columns.count };
}

const MIN_GLYPH_PX = 9;
const ESTIMATE_PIXELS = 2_000_000;

/**
 * The scale that brings text lines to the target height, never past the output pixel cap, and
 * between 1/2 and 3. No text lines found (or only lines too thin to be text): only the cap applies.
 */
export function chooseScale(input: {
  width: number;
  height: number;
  glyphPx: number;
  targetGlyphPx: number;
  maxOutputPixels: number;
}): number {
  const { width, height, glyphPx, targetGlyphPx, maxOutputPixels } = input;
  // Lines under MIN_GLYPH_PX are texture or noise (wood grain, grass), not text anyone can read.
  let scale = glyphPx >= MIN_GLYPH_PX ? targetGlyphPx / glyphPx : 1;
  scale = Math.min(3, Math.max(0.5, scale));
  // Within 15% of the target is close enough: resampling costs time and sharpness.
  if (Math.abs(scale - 1) < 0.15) scale = 1;
  const cap = Math.sqrt(maxOutputPixels / (width * height));
  return Math.round(Math.min(scale, cap) * 1000) / 1000;
}

export interface LineEstimate {
  /** Median text-line height (horizontal text) or column width (vertical text), px; 0: none. */
  size: number;
  /** How many lines (or columns) were found. */
  count: number;
}

/**
 * Text lines in a grey image. A row is part of a text line when it has many strong left-right
 * transitions (glyph strokes); gaps of a row or two inside a line are bridged; bands shorter than
 * 5 px or taller than a third of the image are not text. `vertical` looks for columns instead
 * (vertical Japanese text), with top-bottom transitions.
 */
export function estimateLines(data: Uint8Array, width: number, height: number, channels = 1, vertical = false): LineEstimate {
  const length = vertical ? width : height; // the lines are stacked along this axis
  const across = vertical ? height : width;
  if (length < 8 || across < 8) return { size: 0, count: 0 };
  const at = (i: number, j: number): number =>
    data[(vertical ? j * width + i : i * width + j) * channels] ?? 0; // i along `length`, j across
  const transitions = new Array<number>(length).fill(0);
  for (let i = 0; i < length; i++) {
    let count = 0;
    let previous = at(i, 0);
    for (let j = 1; j < across; j++) {
      const value = at(i, j);
      const d = value - previous;
      if (d > 40 || d < -40) count++;
      previous = value;
    }
    transitions[i] = count;
  }
  const busiest = [...transitions].sort((a, b) => b - a)[Math.floor(length * 0.02)] ?? 0;
  if (busiest < 6) return { size: 0, count: 0 };
  const threshold = Math.max(4, busiest * 0.12);
  const bands: number[] = [];
  let start = -1;
  let gap = 0;
  for (let i = 0; i <= length; i++) {
    const texty = i < length && (transitions[i] ?? 0) >= threshold;
    if (texty) {
      if (start < 0) start = i;
      gap = 0;
    } else if (start >= 0) {
      gap++;
      if (gap > 2 || i === length) {
        const h = i - gap + 1 - start;
        if (h >= 5 && h <= length / 3) bands.push(h);
        start = -1;
        gap = 0;
      }
    }
  }
  if (bands.length === 0) return { size: 0, count: 0 };
  bands.sort((a, b) => a - b);
  return { size: bands[Math.floor(bands.length / 2)] ?? 0, count: bands.length };
}

/** 1/FLATTEN_STEP resolution for the background estimate; radius in those pixels. */
const FLATTEN_STEP = 8;
const FLATTEN_RADIUS = 3;

/**
 * The inverted local background of a grey image at full size: the brightest value within ~24 px,
 * computed on an 1/8 image (cheap), smoothed and scaled back. Composited with colour-dodge it
 * divides the image by its background.
 */
async function localBackground(grey: Buffer, width: number, height: number, channels: number): Promise<Buffer> {
  const w = Math.max(1, Math.ceil(width / FLATTEN_STEP));
  const h = Math.max(1, Math.ceil(height / FLATTEN_STEP));
  const small = await sharp(grey, { raw: { width, height, channels: channels as 1 } })
    .resize(w, h, { kernel: 'linear' })
    .extractChannel(0)
    .raw()
    .toBuffer();
  const max = maxFilter(small, w, h, FLATTEN_RADIUS);
  return sharp(max, { raw: { width: w, height: h, channels: 1 } })
    .resize(width, height, { kernel: 'linear' })
    .blur(2)
    .extractChannel(0)
    .raw()
    .toBuffer();
}

/** A separable square max filter (radius r) over a one-channel image. */
export function maxFilter(data: Uint8Array, width: number, height: number, r: number): Buffer {
  const tmp = Buffer.alloc(width * height);
  const out = Buffer.alloc(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let m = 0;
      for (let i = Math.max(0, x - r); i <= Math.min(width - 1, x + r); i++) m = Math.max(m, data[y * width + i] ?? 0);
      tmp[y * width + x] = m;
    }
  }
  for (let x = 0; x < width; x++) {
    for (let y = 0; y < height; y++) {
      let m = 0;
      for (let j = Math.max(0, y - r); j <= Math.min(height - 1, y + r); j++) m = Math.max(m, tmp[j * width + x] ?? 0);
      out[y * width + x] = m;
    }
  }
  return out;
}
