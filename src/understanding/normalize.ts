// Reading-aware normalisation: the same words meet however they were typed. Width and case are
// folded (NFKC), hiragana and katakana meet (かふぇかい, カフェカイ), and kanji words are replaced by
// their reading from a lexicon, so カフェ会 and かふぇかい, 名刺交換 and the homophone slip 名詞こうかん
// come out alike. The lexicon is data (data/lexicon/readings.json), built from the corpora and the
// knowledge with the kuromoji morphological analyser (`npm run lexicon`); the analyser itself is not
// loaded at run time, because its dictionary costs about 390 MB of memory per process.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const LEXICON_PATH = fileURLToPath(new URL('../../data/lexicon/readings.json', import.meta.url));

/** Kanji-bearing word → katakana reading, with the longest word length for the scan. */
export type Lexicon = { readings: ReadonlyMap<string, string>; maxLength: number };

export function lexiconFrom(entries: Readonly<Record<string, string>>): Lexicon {
  const readings = new Map(Object.entries(entries));
  let maxLength = 1;
  for (const word of readings.keys()) maxLength = Math.max(maxLength, word.length);
  return { readings, maxLength };
}

let shipped: Lexicon | undefined;
/** The lexicon that ships with the bot (read once). */
export function shippedLexicon(): Lexicon {
  shipped ??= lexiconFrom(JSON.parse(readFileSync(LEXICON_PATH, 'utf8')) as Record<string, string>);
  return shipped;
}

/** NFKC, lower case, one space for any run of white space. Line breaks are kept: they carry layout. */
export function foldText(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/\r\n?/g, '\n')
    .replace(/[^\S\n]+/g, ' ')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

const HIRAGANA_START = 0x3041;
const HIRAGANA_END = 0x3096;
/** The katakana block sits 0x60 above the hiragana one. */
const KANA_OFFSET = 0x60;

/** Hiragana as katakana; everything else unchanged. */
export function toKatakana(text: string): string {
  let out = '';
  for (const char of text) {
    const code = char.codePointAt(0)!;
    out += code >= HIRAGANA_START && code <= HIRAGANA_END ? String.fromCodePoint(code + KANA_OFFSET) : char;
  }
  return out;
}

const isKanji = (char: string): boolean => /[\p{Script=Han}々〆ヶ]/u.test(char);

/**
 * The text as it sounds: kanji words from the lexicon replaced by their readings (longest match
 * first), then all kana as katakana. Kanji not in the lexicon stay as they are. Linear in the text
 * (each position tries at most `maxLength` lookups).
 */
export function readingOf(folded: string, lexicon: Lexicon = shippedLexicon()): string {
  let out = '';
  let i = 0;
  while (i < folded.length) {
    let matched = false;
    if (isKanji(folded[i]!)) {
      for (let length = Math.min(lexicon.maxLength, folded.length - i); length >= 1; length--) {
        const reading = lexicon.readings.get(folded.slice(i, i + length));
        if (reading !== undefined) {
          out += reading;
          i += length;
          matched = true;
          break;
        }
      }
    }
    if (!matched) {
      out += folded[i];
      i += 1;
    }
  }
  return toKatakana(out);
}
