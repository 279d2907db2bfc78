// Pure helpers over what an OCR engine returns: Tesseract's TSV (words with boxes and confidences)
// turned into lines of text and one confidence, and Japanese spacing tidied (Tesseract puts spaces
// between CJK characters that were never there).

export interface OcrWord {
  block: number;
  paragraph: number;
  line: number;
  text: string;
  /** 0–100, as Tesseract reports it. */
  confidence: number;
  height: number;
  /** The word's box, when the engine gives it (Tesseract's TSV does): used to tell wrapped lines. */
  left?: number;
  top?: number;
  width?: number;
}

export interface OcrReading {
  text: string;
  /** 0–1: the mean word confidence, weighted by each word's length; 0 when nothing was read. */
  confidence: number;
  /** Median height in pixels of the words read, 0 when nothing was read. */
  wordHeight: number;
}

/** Parses `tesseract … tsv` output: only level-5 rows (words) with text. */
export function parseTsv(tsv: string): OcrWord[] {
  const words: OcrWord[] = [];
  for (const row of tsv.split('\n')) {
    const cells = row.split('\t');
    if (cells.length < 12 || cells[0] !== '5') continue;
    const text = cells.slice(11).join('\t').trim();
    if (!text) continue;
    words.push({
      block: Number(cells[2]),
      paragraph: Number(cells[3]),
      line: Number(cells[4]),
      left: Number(cells[6]),
      top: Number(cells[7]),
      width: Number(cells[8]),
      height: Number(cells[9]),
      confidence: Number(cells[10]),
      text,
    });
  }
  return words;
}

type OcrLine = { paragraph: string; words: OcrWord[] };

/** Where a line starts and ends along its reading direction (columns, for vertical text). */
function extent(line: OcrLine): { start: number; end: number } | undefined {
  const boxes = line.words.filter((w) => w.left !== undefined && w.top !== undefined && w.width !== undefined);
  if (boxes.length === 0) return undefined;
  const left = Math.min(...boxes.map((w) => w.left!));
  const right = Math.max(...boxes.map((w) => w.left! + w.width!));
  const top = Math.min(...boxes.map((w) => w.top!));
  const bottom = Math.max(...boxes.map((w) => w.top! + w.height));
  return right - left >= bottom - top ? { start: left, end: right } : { start: top, end: bottom };
}

/** The size of a line's glyphs: the median of its words' thinner side (their height, or width in a column). */
function glyphSize(line: OcrLine): number {
  const sizes = line.words.filter((w) => w.width !== undefined).map((w) => Math.min(w.width!, w.height)).sort((a, b) => a - b);
  return sizes[Math.floor(sizes.length / 2)] ?? 0;
}

/** Glyphs this much larger or smaller start something else (a title above its details). */
const SIZE_CHANGE = 1.25;

/** A line that runs (nearly) to the paragraph's far edge, without ending a sentence, wraps on. */
const WRAP_SLACK = 0.12;
const sameSize = (a: number, b: number): boolean => a === 0 || b === 0 || Math.max(a, b) / Math.min(a, b) < SIZE_CHANGE;
const ENDS_SENTENCE = /[。．！？!?」』）)]$/u;
const LATIN_EDGE = /[A-Za-z0-9]/;

/**
 * Lines of text from words in reading order, with one confidence for the whole reading. A line the
 * layout wrapped (a chat bubble or a paragraph narrower than its sentence) is joined to the next
 * line of its paragraph, so a sentence reaches the verdict whole rather than as two fragments;
 * short lines (「日時：…」「会場：…」) and lines that end a sentence stay lines.
 */
export function readingFromWords(words: readonly OcrWord[]): OcrReading {
  const lines: OcrLine[] = [];
  let weighted = 0;
  let chars = 0;
  for (const word of words) {
    const paragraph = `${word.block}.${word.paragraph}`;
    const key = `${paragraph}.${word.line}`;
    const last = lines.at(-1);
    if (last && `${last.paragraph}.${last.words[0]!.line}` === key) last.words.push(word);
    else lines.push({ paragraph, words: [word] });
    const n = [...word.text].length;
    weighted += Math.max(0, word.confidence) * n;
    chars += n;
  }
  const texts = lines.map((line) => tidyJapaneseSpacing(line.words.map((w) => w.text).join(' ')));
  const edges = new Map<string, { start: number; end: number }>();
  for (const line of lines) {
    const e = extent(line);
    if (!e) continue;
    const edge = edges.get(line.paragraph);
    edges.set(line.paragraph, edge ? { start: Math.min(edge.start, e.start), end: Math.max(edge.end, e.end) } : e);
  }
  let text = '';
  lines.forEach((line, i) => {
    const own = texts[i]!;
    if (i === 0) {
      text = own;
      return;
    }
    const previous = lines[i - 1]!;
    const before = texts[i - 1]!;
    const e = extent(previous);
    const edge = edges.get(previous.paragraph);
    const wraps =
      previous.paragraph === line.paragraph && e !== undefined && edge !== undefined && edge.end > edge.start &&
      e.end >= edge.end - WRAP_SLACK * (edge.end - edge.start) && !ENDS_SENTENCE.test(before) && sameSize(glyphSize(previous), glyphSize(line));
    if (!wraps) text += `\n${own}`;
    else text += LATIN_EDGE.test(before.at(-1) ?? '') && LATIN_EDGE.test(own[0] ?? '') ? ` ${own}` : own;
  });
  const heights = words.map((w) => w.height).sort((a, b) => a - b);
  return {
    text: repairCommonMisreads(tidyJapaneseSpacing(text)),
    confidence: chars === 0 ? 0 : weighted / chars / 100,
    wordHeight: heights.length === 0 ? 0 : (heights[Math.floor(heights.length / 2)] ?? 0),
  };
}

// Kana, kanji, CJK punctuation, full-width forms: between two of these a space is an OCR artefact.
const CJK = String.raw`\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}ー々〆\u3000-\u303f\uff01-\uff60`;
const SPACE_BETWEEN_CJK = new RegExp(String.raw`(?<=[${CJK}])[ \t]+(?=[${CJK}])`, 'gu');
const SPACE_AROUND_CJK_DIGITS = new RegExp(String.raw`(?<=[${CJK}])[ \t]+(?=[0-9０-９])|(?<=[0-9０-９])[ \t]+(?=[${CJK}])`, 'gu');

/**
 * Removes the spaces Tesseract inserts between Japanese characters (and between them and digits,
 * as in 「12 月 14 日」), keeps spaces between Latin words, trims lines and drops empty ones.
 */
export function tidyJapaneseSpacing(text: string): string {
  return text
    .split('\n')
    .map((line) => line.replace(SPACE_BETWEEN_CJK, '').replace(SPACE_AROUND_CJK_DIGITS, '').trim())
    .filter((line) => line.length > 0)
    .join('\n');
}

/**
 * Two misreadings Tesseract's Japanese model makes on nearly every flyer, repaired where the
 * context leaves no doubt: a thousands comma read as a full stop before 円 (「3.000円」), and the
 * wave dash between two times read as a kana (「18:30て20:30」).
 */
export function repairCommonMisreads(text: string): string {
  return text
    .replace(/(\d)\.(\d{3})(?=\s*円)/gu, '$1,$2')
    .replace(/(\d{1,2}:\d{2})\s*[てへ~〜ー-]\s*(?=\d{1,2}:\d{2})/gu, '$1〜');
}
