// Reading images: what the OCR gets out of the fixture flyers, chats and photos, what it refuses,
// and how it keeps to its time budget without blocking the event loop. The pure parts (TSV
// parsing, spacing, scaling, accuracy) are specified without any I/O at the end.
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import {
  ImageTooLargeError,
  looksLikeText,
  NotAnImageError,
  OcrTimeoutError,
  OcrUnavailableError,
  readImageText,
} from '../../src/reading/image.ts';
import {
  characterAccuracy,
  characterRecall,
  editDistance,
  loadImageFixtures,
  measureImageSet,
  percentile,
  summarise,
} from '../../src/reading/measure.ts';
import { chooseScale, estimateLines } from '../../src/reading/normalise.ts';
import { parseTsv, readingFromWords, repairCommonMisreads, tidyJapaneseSpacing } from '../../src/reading/ocr-text.ts';
import { hasTesseractLanguage } from '../../src/reading/tesseract.ts';

const IMAGES = join(import.meta.dirname, '..', 'fixtures', 'images');
const image = (file: string): Uint8Array => new Uint8Array(readFileSync(join(IMAGES, file)));
/** NFKC and no whitespace, as the accuracy measure compares. */
const flat = (text: string): string => text.normalize('NFKC').replace(/\s+/g, '');

describe('reading the fixture images', () => {
  it('reads the date, the fee and the organiser off a flyer', async () => {
    const { text, confidence, ms } = await readImageText(image('flyer-01-cci-mixer.png'));
    expect(flat(text)).toContain('2025年11月14日');
    expect(flat(text)).toContain('5,000円');
    expect(flat(text)).toContain('港北商工会議所青年部');
    expect(confidence).toBeGreaterThan(0.7);
    expect(ms).toBeGreaterThan(0);
  });

  it('reads the promise of income in a LINE chat screenshot', async () => {
    const { text } = await readImageText(image('chat-04-income.png'));
    expect(flat(text)).toContain('月30万は固い');
    expect(flat(text)).toContain('誰でも確実に稼げる');
  });

  it('reads a small forwarded flyer by scaling it up', async () => {
    const { text } = await readImageText(image('flyer-13-investment.png'));
    expect(flat(text)).toContain('必ず儲かる');
  });

  it('reads a phone photo of a flyer (skewed, noisy, JPEG)', async () => {
    const { text } = await readImageText(image('photo-01-flyer-on-table.jpg'));
    expect(flat(text)).toContain('年収1000万円');
    expect(flat(text)).toContain('友達紹介で報酬あり');
  });

  it.skipIf(!hasTesseractLanguage('jpn_vert'))('reads vertical text with jpn_vert when it is installed', async () => {
    const { text } = await readImageText(image('flyer-15-vertical-deai.png'));
    expect(flat(text)).toContain('すごい人を紹介します');
  });

  it('says a flyer and a chat hold text, and a landscape, a sticker and a desk photo do not', async () => {
    for (const file of ['flyer-08-cheap-cafe.png', 'chat-12-cci-link.png']) {
      expect(looksLikeText(await readImageText(image(file))), file).toBe(true);
    }
    for (const file of ['none-01-landscape.png', 'none-02-sticker.png', 'none-03-desk.png']) {
      expect(looksLikeText(await readImageText(image(file))), file).toBe(false);
    }
  });

  it('has a source text and a label for every image, and every listed image exists', async () => {
    const fixtures = await loadImageFixtures();
    expect(fixtures.length).toBeGreaterThanOrEqual(33);
    expect(fixtures.filter((f) => f.file.endsWith('.png')).length).toBeGreaterThanOrEqual(32);
    for (const f of fixtures) {
      expect(readFileSync(join(IMAGES, f.file)).length).toBeLessThan(400 * 1024);
      if (f.kind === 'none') expect(f).toMatchObject({ label: 'none', text: '' });
      else expect(f.text.length).toBeGreaterThan(20);
    }
    expect(new Set(fixtures.map((f) => f.kind))).toEqual(new Set(['flyer', 'chat', 'photo', 'none']));
  });
});

/** A PNG with its IHDR width and height rewritten (and its CRC fixed), pixel data unchanged. */
function pngClaiming(png: Buffer, width: number, height: number): Buffer {
  const out = Buffer.from(png);
  // Signature (8) + length (4) + "IHDR" (4), then width, height; the CRC covers type + data (17 bytes).
  out.writeUInt32BE(width, 16);
  out.writeUInt32BE(height, 20);
  out.writeUInt32BE(crc32(out.subarray(12, 29)), 29);
  return out;
}

describe('refusing images', () => {
  it('refuses an image over the byte limit before decoding it', async () => {
    const error = await readImageText(image('flyer-01-cci-mixer.png'), { maxBytes: 10_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImageTooLargeError);
    expect(error).toMatchObject({ reason: 'bytes', limit: 10_000 });
  });

  it('refuses an image over the pixel limit (a decompression bomb) from its header', async () => {
    // A small PNG whose header claims 20,000 × 20,000: it would decode to 400 MP.
    const bomb = pngClaiming(await sharp({ create: { width: 8, height: 8, channels: 3, background: '#fff' } }).png().toBuffer(), 20_000, 20_000);
    const error = await readImageText(bomb).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImageTooLargeError);
    expect(error).toMatchObject({ reason: 'pixels', actual: 400_000_000 });
    expect((error as Error).message).toContain('pixels');
  });

  it('refuses bytes that are not an image, and SVG documents', async () => {
    const notImages = [
      new TextEncoder().encode('来週カフェ会あるけど来ない？'),
      new Uint8Array([0x25, 0x50, 0x44, 0x46, 0x2d, 0x31]), // %PDF-1
      new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'),
      new Uint8Array(),
    ];
    for (const bytes of notImages) {
      await expect(readImageText(bytes)).rejects.toBeInstanceOf(NotAnImageError);
    }
  });
});

describe('the time budget', () => {
  /** A tesseract stand-in that never finishes. */
  function hangingTesseract(): string {
    const dir = mkdtempSync(join(tmpdir(), 'ocr-stand-in-'));
    const path = join(dir, 'tesseract');
    writeFileSync(path, '#!/bin/sh\nexec sleep 30\n');
    chmodSync(path, 0o755);
    return path;
  }

  it('gives up at the budget with a typed error, and kills the OCR process', async () => {
    const started = performance.now();
    const error = await readImageText(image('chat-01-success-cafe.png'), { command: hangingTesseract(), timeoutMs: 400 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(OcrTimeoutError);
    expect(error).toMatchObject({ budgetMs: 400 });
    expect(performance.now() - started).toBeLessThan(1_500);
  });

  it('stops when the caller aborts', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    await expect(
      readImageText(image('chat-01-success-cafe.png'), { command: hangingTesseract(), signal: controller.signal }),
    ).rejects.toBeInstanceOf(OcrTimeoutError);
  });

  it('keeps the event loop free while it reads', async () => {
    let ticks = 0;
    let longestGap = 0;
    let last = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      longestGap = Math.max(longestGap, now - last);
      last = now;
      ticks++;
    }, 10);
    try {
      await readImageText(image('flyer-02-tech-study.png'));
    } finally {
      clearInterval(timer);
    }
    expect(ticks).toBeGreaterThan(5);
    expect(longestGap).toBeLessThan(150);
  });

  it('reports a missing tesseract as unavailable', async () => {
    await expect(readImageText(image('chat-01-success-cafe.png'), { command: '/nonexistent/tesseract' })).rejects.toBeInstanceOf(
      OcrUnavailableError,
    );
  });
});

describe('measuring the reading', () => {
  it('reports accuracy, recall and time per image for any reader', async () => {
    const fixtures = await loadImageFixtures();
    const byFile = new Map(fixtures.map((f) => [f.file, f.text]));
    // A reader that "reads" the source text of each image perfectly, found by its bytes.
    const bytesToFile = new Map(fixtures.map((f) => [readFileSync(join(IMAGES, f.file)).length, f.file]));
    const report = await measureImageSet(
      {
        read: async (bytes) => ({ text: byFile.get(bytesToFile.get(bytes.length) ?? '') ?? '', confidence: 0.9, ms: 5 }),
        hasText: (r) => r.text.length > 0,
      },
      { only: (f) => ['flyer-01-cci-mixer.png', 'chat-01-success-cafe.png', 'none-02-sticker.png'].includes(f.file) },
    );
    expect(report.images).toHaveLength(3);
    expect(report.meanAccuracy).toBe(1);
    expect(report.meanRecall).toBe(1);
    expect(report.textDetection).toEqual({ none: 1, text: 1 });
    expect(report.p50Ms).toBe(5);
  });
});

// ------------------------------------------------------------------ pure parts

describe('character accuracy', () => {
  it('is 1 − edit distance / source length, after NFKC and without whitespace', () => {
    expect(characterAccuracy('参加費 : 1,000円', '参加費：1,000円')).toBe(1);
    expect(characterAccuracy('参加費1.000円', '参加費1,000円')).toBeCloseTo(1 - 1 / 9);
    expect(characterAccuracy('', '参加費')).toBe(0);
    expect(characterAccuracy('全然違う長い長い長い文章です', 'abc')).toBe(0);
    expect(characterAccuracy('', '')).toBe(1);
  });

  it('recall ignores extra text such as a chat clock', () => {
    expect(characterRecall('9:41\nゆうき\n久しぶり！\n19:02', '久しぶり！')).toBe(1);
    expect(characterRecall('久しぶり', '久しぶり！元気？')).toBeCloseTo(4 / 8);
  });

  it('edit distance counts insertions, deletions and substitutions', () => {
    expect(editDistance([...'交流会'], [...'交流会'])).toBe(0);
    expect(editDistance([...'交流'], [...'交流会'])).toBe(1);
    expect(editDistance([...'異業種'], [...'同業種'])).toBe(1);
    expect(editDistance([], [...'abc'])).toBe(3);
  });

  it('percentiles by nearest rank', () => {
    expect(percentile([300, 100, 200, 400], 50)).toBe(200);
    expect(percentile([300, 100, 200, 400], 95)).toBe(400);
    expect(percentile([], 50)).toBeNaN();
  });

  it('summarises per kind and counts text detection', () => {
    const base = { read: '', confidence: 0, recall: 1, label: 'legit' as const };
    const report = summarise([
      { ...base, file: 'a', kind: 'flyer', accuracy: 0.8, hasText: true, ms: 100 },
      { ...base, file: 'b', kind: 'chat', accuracy: 0.6, hasText: true, ms: 300 },
      { ...base, file: 'c', kind: 'none', label: 'none', accuracy: 1, hasText: false, ms: 50 },
    ]);
    expect(report.meanAccuracy).toBeCloseTo(0.7);
    expect(report.accuracyByKind).toEqual({ flyer: 0.8, chat: 0.6 });
    expect(report.textDetection).toEqual({ none: 1, text: 1 });
    expect(report.p50Ms).toBe(100);
  });
});

describe('Tesseract output', () => {
  const tsv = [
    'level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext',
    '1\t1\t0\t0\t0\t0\t0\t0\t800\t600\t-1\t',
    '5\t1\t1\t1\t1\t1\t10\t10\t80\t30\t96.5\t参加費',
    '5\t1\t1\t1\t1\t2\t95\t10\t90\t30\t91.0\t1.000円',
    '5\t1\t1\t1\t2\t1\t10\t50\t200\t28\t40.0\t18:30て20:30',
    '5\t1\t2\t1\t1\t1\t10\t90\t10\t10\t12.0\t ',
  ].join('\n');

  it('reads words with confidences and heights, skipping empty ones', () => {
    const words = parseTsv(tsv);
    expect(words.map((w) => w.text)).toEqual(['参加費', '1.000円', '18:30て20:30']);
    expect(words[0]).toMatchObject({ block: 1, paragraph: 1, line: 1, confidence: 96.5, height: 30 });
  });

  it('joins words into lines, weights confidence by length, and repairs the usual misreads', () => {
    const reading = readingFromWords(parseTsv(tsv));
    expect(reading.text).toBe('参加費1,000円\n18:30〜20:30');
    expect(reading.confidence).toBeCloseTo((96.5 * 3 + 91 * 6 + 40 * 11) / 20 / 100);
    expect(reading.wordHeight).toBe(30);
    expect(readingFromWords([])).toEqual({ text: '', confidence: 0, wordHeight: 0 });
  });

  it('joins a line the layout wrapped to the next line of its paragraph, and keeps short, sentence-ending or differently sized lines apart', () => {
    const row = (par: number, line: number, word: number, left: number, width: number, height: number, text: string) =>
      `5\t1\t1\t${par}\t${line}\t${word}\t${left}\t${line * 40}\t${width}\t${height}\t95\t${text}`;
    const bubble = [
      'level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext',
      row(1, 1, 1, 10, 300, 30, '会社に頼らない生き方について話'), // runs to the bubble's edge: wrapped
      row(1, 2, 1, 10, 120, 30, 'すセミナーがあるの'),
      row(2, 1, 1, 10, 300, 30, '参加費は2,000円です。'), // ends a sentence
      row(2, 2, 1, 10, 100, 30, '会場は渋谷'),
      row(3, 1, 1, 10, 300, 45, '喫茶店で語る夢の会'), // a title, in larger glyphs
      row(3, 2, 1, 10, 280, 30, '日時:毎週日曜'),
    ].join('\n');
    expect(readingFromWords(parseTsv(bubble)).text).toBe('会社に頼らない生き方について話すセミナーがあるの\n参加費は2,000円です。\n会場は渋谷\n喫茶店で語る夢の会\n日時:毎週日曜');
  });

  it('removes the spaces Tesseract puts between Japanese characters, keeps those between words', () => {
    expect(tidyJapaneseSpacing('港 北 商工 会議所  青年 部')).toBe('港北商工会議所青年部');
    expect(tidyJapaneseSpacing('12 月 14 日 ( 日 )')).toBe('12月14日 ( 日 )');
    expect(tidyJapaneseSpacing('TypeScript 勉強会 #38\n\n  Design Meetup Tokyo ')).toBe('TypeScript 勉強会 #38\nDesign Meetup Tokyo');
  });

  it('repairs a thousands comma and a wave dash only where the context is unambiguous', () => {
    expect(repairCommonMisreads('一般5.000円 19:00て21:00')).toBe('一般5,000円 19:00〜21:00');
    expect(repairCommonMisreads('vol.12 3.14 月利5.5%')).toBe('vol.12 3.14 月利5.5%');
  });
});

describe('scaling for OCR', () => {
  const base = { width: 800, height: 1000, targetGlyphPx: 30, maxOutputPixels: 6_000_000 };

  it('scales small text up and large text down toward ~30 px', () => {
    expect(chooseScale({ ...base, glyphPx: 15 })).toBe(2);
    expect(chooseScale({ ...base, glyphPx: 60 })).toBe(0.5);
    expect(chooseScale({ ...base, width: 400, height: 500, glyphPx: 10 })).toBe(3);
  });

  it('takes bands thinner than 9 px for texture or noise, not text', () => {
    expect(chooseScale({ ...base, glyphPx: 5 })).toBe(1);
  });

  it('leaves text near the target, and text-less images, as they are', () => {
    expect(chooseScale({ ...base, glyphPx: 28 })).toBe(1);
    expect(chooseScale({ ...base, glyphPx: 0 })).toBe(1);
  });

  it('never goes past the output pixel cap', () => {
    expect(chooseScale({ ...base, width: 2000, height: 3000, glyphPx: 10 })).toBeCloseTo(1, 1);
  });

  /** A grey image with black bars `lineHeight` tall, like lines of text, or columns. */
  function stripes(width: number, height: number, lineHeight: number, gap: number, vertical = false): Uint8Array {
    const data = new Uint8Array(width * height).fill(255);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const along = vertical ? x : y;
        const across = vertical ? y : x;
        const inLine = along % (lineHeight + gap) < lineHeight;
        if (inLine && across % 6 < 3) data[y * width + x] = 0; // strokes: many transitions
      }
    }
    return data;
  }

  it('estimates the height of text lines from the image alone', () => {
    const estimate = estimateLines(stripes(400, 300, 14, 10), 400, 300);
    expect(estimate.size).toBeGreaterThanOrEqual(13);
    expect(estimate.size).toBeLessThanOrEqual(15);
    expect(estimate.count).toBeGreaterThan(8);
  });

  it('finds columns of vertical text', () => {
    const columns = estimateLines(stripes(300, 400, 20, 12, true), 300, 400, 1, true);
    expect(columns.size).toBeGreaterThanOrEqual(19);
    expect(columns.count).toBeGreaterThan(5);
  });

  it('finds no lines in a blank image', () => {
    expect(estimateLines(new Uint8Array(100 * 100).fill(200), 100, 100)).toEqual({ size: 0, count: 0 });
  });
});

describe('looksLikeText', () => {
  it('wants enough letters read with enough confidence', () => {
    expect(looksLikeText({ text: '来週カフェ会あるけど来ない？', confidence: 0.9 })).toBe(true);
    expect(looksLikeText({ text: '来週カフェ会あるけど来ない？', confidence: 0.3 })).toBe(false);
    expect(looksLikeText({ text: '・ | 三 ー', confidence: 0.9 })).toBe(false);
    expect(looksLikeText({ text: '', confidence: 0 })).toBe(false);
  });
});
