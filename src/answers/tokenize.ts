// Japanese tokenizers for the knowledge index. Index and queries must go through the same one.
//
// Both options measured on the same pipeline (synonyms, term weights, scope threshold) with
// `node src/eval/questions.ts [--tokenizer=segmenter]`: 60 chunks, 168 in-scope and 40
// out-of-scope questions.
//   (a) NFKC + lowercase, character bigrams over Japanese runs + each kanji, ASCII words whole
//       recall@1 0.810  recall@5 0.976  MRR 0.876  refusals 0.925  (ranking alone: recall@5 1.000, MRR 0.892)
//   (b) Intl.Segmenter('ja', word) segments + the kanji of multi-kanji words
//       recall@1 0.738  recall@5 0.923  MRR 0.816  refusals 0.900  (ranking alone: recall@5 0.976, MRR 0.853)
// (a) is kept. Casual LINE wording (マルチっぽい, ヤバくない？, dropped particles, odd okurigana)
// splits unpredictably into ICU words, while overlapping bigrams still share most of their
// pieces with the knowledge text. Both search in about 0.4 ms (p50) on this machine. The
// weights and the scope threshold were set with (a); (b) might gain a little from its own.

const KATAKANA_MIDDLE_DOT = /(?<=\p{Script=Katakana}|ー)・(?=\p{Script=Katakana})/gu;

/**
 * Width, case and compatibility forms folded so that ＭＬＭ, mlm and ｍｌｍ meet; the middle dot
 * inside katakana words dropped so that クーリング・オフ and クーリングオフ meet.
 */
export function normalizeText(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(KATAKANA_MIDDLE_DOT, '');
}

const KANJI = /[\p{Script=Han}々〆ヶ]/u;
const JAPANESE = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}々〆ヶー]/u;
const WORD_CHAR = /[\p{L}\p{N}]/u;

type Run = { text: string; japanese: boolean };

/** Splits normalised text into runs of Japanese script and runs of other letters/digits. */
function scriptRuns(text: string): Run[] {
  const runs: Run[] = [];
  let current = '';
  let currentJapanese = false;
  const flush = (): void => {
    if (current) runs.push({ text: current, japanese: currentJapanese });
    current = '';
  };
  for (const char of text) {
    const japanese = JAPANESE.test(char);
    if (!japanese && !WORD_CHAR.test(char)) {
      flush();
      continue;
    }
    if (current && japanese !== currentJapanese) flush();
    currentJapanese = japanese;
    current += char;
  }
  flush();
  return runs;
}

/**
 * Option (a), the one in use: overlapping character bigrams of each Japanese run, plus every
 * kanji on its own (a single kanji often carries a whole word: 会, 酒, 朝), plus non-Japanese
 * words whole (MLM, LINE, 188). A one-character kana run is kept as is so it is not lost.
 */
export function bigramTokenize(text: string): string[] {
  const tokens: string[] = [];
  for (const run of scriptRuns(normalizeText(text))) {
    if (!run.japanese) {
      tokens.push(run.text);
      continue;
    }
    const chars = Array.from(run.text);
    if (chars.length === 1) {
      tokens.push(chars[0]!);
      continue;
    }
    for (let i = 0; i < chars.length; i++) {
      const char = chars[i]!;
      if (KANJI.test(char)) tokens.push(char);
      if (i + 1 < chars.length) tokens.push(char + chars[i + 1]!);
    }
  }
  return tokens;
}

const wordSegmenter = new Intl.Segmenter('ja', { granularity: 'word' });

/** Option (b), kept for the comparison above: ICU word segments plus kanji of kanji compounds. */
export function segmenterTokenize(text: string): string[] {
  const tokens: string[] = [];
  for (const segment of wordSegmenter.segment(normalizeText(text))) {
    if (!segment.isWordLike) continue;
    tokens.push(segment.segment);
    const chars = Array.from(segment.segment);
    if (chars.length > 1) for (const char of chars) if (KANJI.test(char)) tokens.push(char);
  }
  return tokens;
}

export type Tokenizer = (text: string) => string[];

const HIRAGANA_ONLY = /^[\p{Script=Hiragana}ー]+$/u;

/**
 * How much a query term counts. Hiragana-only bigrams are mostly grammar (って, ますか, すれば)
 * and match every example question; single kanji (方, 会, 人) match half the knowledge base.
 * Both count for less than two-character words. Casual words written in hiragana (やばい,
 * ことわる) reach the knowledge through the synonym map instead.
 */
export function termWeight(term: string): number {
  if (HIRAGANA_ONLY.test(term)) return 0.3;
  if (term.length === 1 && KANJI.test(term)) return 0.5;
  return 1;
}

/** The tokenizer the knowledge index uses. */
export const tokenizeJapanese: Tokenizer = bigramTokenize;
