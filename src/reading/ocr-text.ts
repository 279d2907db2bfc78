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
      height: Number(cells[9]),
      confidence: Number(cells[10]),
      text,
    });
  }
  return words;
}

/** Lines of text from words in reading order, with one confidence for the whole reading. */
export function readingFromWords(words: readonly OcrWord[]): OcrReading {
  const lines: string[] = [];
  let key = '';
  let current: string[] = [];
  let weighted = 0;
  let chars = 0;
  for (const word of words) {
    const k = `${word.block}.${word.paragraph}.${word.line}`;
    if (k !== key && current.length > 0) {
      lines.push(current.join(' '));
      current = [];
    }
    key = k;
    current.push(word.text);
    const n = [...word.text].length;
    weighted += Math.max(0, word.confidence) * n;
    chars += n;
  }
  if (current.length > 0) lines.push(current.join(' '));
  const heights = words.map((w) => w.height).sort((a, b) => a - b);
  return {
    text: repairCommonMisreads(tidyJapaneseSpacing(lines.join('\n'))),
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
