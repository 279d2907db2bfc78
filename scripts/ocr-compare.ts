// Compares OCR engines and settings on test/fixtures/images: character accuracy and time per
// image. The figures in the comment at the top of src/reading/image.ts come from this script.
//   node scripts/ocr-compare.ts cmd psm=6 lang=jpn target=30 filter=none threads=1 [detail]
//   node scripts/ocr-compare.ts js  psm=6 lang=jpn target=30          (needs `npm install --no-save tesseract.js`)
//   node scripts/ocr-compare.ts final                                   (readImageText as shipped)
import { looksLikeText, readImageText } from '../src/reading/image.ts';
import { measureImageSet, type ImageReader, type ImageSetReport } from '../src/reading/measure.ts';
import { normaliseForOcr } from '../src/reading/normalise.ts';
import { readingFromWords, tidyJapaneseSpacing } from '../src/reading/ocr-text.ts';
import { runTesseract } from '../src/reading/tesseract.ts';

const [engine = 'cmd', ...rest] = process.argv.slice(2);
const opt = Object.fromEntries(rest.filter((a) => a.includes('=')).map((a) => a.split('=') as [string, string]));
const detail = rest.includes('detail');
const psm = Number(opt.psm ?? 6);
const lang = opt.lang ?? 'jpn';
const target = opt.target === 'none' ? 0 : Number(opt.target ?? 30);
const filter = (opt.filter ?? 'none') as 'none' | 'sharpen' | 'threshold' | 'flatten' | 'flatten-sharpen';
const threads = Number(opt.threads ?? 1);
const vert = opt.vert ?? 'off'; // 'on': vertical-looking images read with jpn_vert --psm 5

async function prepare(bytes: Uint8Array) {
  return normaliseForOcr(bytes, {
    targetGlyphPx: target || 30,
    filter,
    ...(target === 0 ? { targetGlyphPx: 1, maxOutputPixels: Number.MAX_SAFE_INTEGER } : {}),
  });
}

async function commandReader(): Promise<ImageReader & { close(): Promise<void> }> {
  return {
    async read(bytes) {
      const started = performance.now();
      const n = target === 0 ? { png: Buffer.from(bytes), vertical: false } : await prepare(bytes);
      const useVert = vert === 'on' && n.vertical;
      const r = await runTesseract(n.png, {
        lang: useVert ? 'jpn_vert' : lang,
        psm: useVert ? 5 : psm,
        timeoutMs: 30_000,
        threads,
      });
      return { text: r.text, confidence: r.confidence, ms: performance.now() - started };
    },
    hasText: looksLikeText,
    async close() {},
  };
}

async function jsReader(): Promise<ImageReader & { close(): Promise<void> }> {
  // tesseract.js is not a dependency of the bot (the command won); install it to re-run this.
  const name = 'tesseract.js';
  const T = (await import(name)) as typeof import('tesseract.js');
  const workerFor = async (l: string) => {
    const w = await T.createWorker(l, T.OEM.LSTM_ONLY, {
      langPath: '/usr/share/tesseract-ocr/5/tessdata',
      gzip: false,
      cacheMethod: 'none',
    });
    return w;
  };
  const worker = await workerFor(lang);
  const vertWorker = vert === 'on' ? await workerFor('jpn_vert') : undefined;
  await worker.setParameters({ tessedit_pageseg_mode: String(psm) as never });
  await vertWorker?.setParameters({ tessedit_pageseg_mode: '5' as never });
  return {
    async read(bytes) {
      const started = performance.now();
      const n = target === 0 ? { png: Buffer.from(bytes), vertical: false } : await prepare(bytes);
      const w = vertWorker && n.vertical ? vertWorker : worker;
      const { data } = await w.recognize(n.png, {}, { text: true, blocks: true });
      const words = (data.blocks ?? []).flatMap((b, bi) =>
        b.paragraphs.flatMap((p, pi) =>
          p.lines.flatMap((l, li) =>
            l.words.map((word) => ({
              block: bi,
              paragraph: pi,
              line: li,
              text: word.text,
              confidence: word.confidence,
              height: word.bbox.y1 - word.bbox.y0,
            })),
          ),
        ),
      );
      const reading = words.length > 0 ? readingFromWords(words) : { text: tidyJapaneseSpacing(data.text), confidence: data.confidence / 100 };
      return { text: reading.text, confidence: reading.confidence, ms: performance.now() - started };
    },
    hasText: looksLikeText,
    async close() {
      await worker.terminate();
      await vertWorker?.terminate();
    },
  };
}

function finalReader(): ImageReader & { close(): Promise<void> } {
  // readImageText as shipped; psm=, filter=, lang= override its defaults when given.
  const options = {
    ...(opt.psm ? { psm } : {}),
    ...(opt.filter ? { filter } : {}),
    ...(opt.lang ? { lang } : {}),
    ...(opt.vert === 'off' ? { vertical: false } : {}),
  };
  return { read: (bytes) => readImageText(bytes, options), hasText: looksLikeText, async close() {} };
}

const reader = engine === 'js' ? await jsReader() : engine === 'final' ? finalReader() : await commandReader();
const report: ImageSetReport = await measureImageSet(reader);
await reader.close();
const pct = (x: number | undefined) => (x === undefined ? '  -  ' : `${(x * 100).toFixed(1)}%`);
if (detail) {
  for (const m of report.images) {
    console.log(
      `${m.file.padEnd(34)} acc ${pct(m.accuracy).padStart(6)} rec ${pct(m.recall).padStart(6)} conf ${m.confidence.toFixed(2)} text ${m.hasText ? 'y' : 'n'} ${Math.round(m.ms)} ms${m.error ? ` ${m.error}` : ''}`,
    );
    if (opt.show === m.file || opt.show === 'all') console.log(m.read);
  }
}
console.log(
  [
    engine === 'final' ? 'final (readImageText defaults)' : `${engine} lang=${lang} psm=${psm} target=${target || 'none'} filter=${filter} threads=${threads} vert=${vert}`,
    `acc ${pct(report.meanAccuracy)} recall ${pct(report.meanRecall)} (flyer ${pct(report.accuracyByKind.flyer)}, chat ${pct(report.accuracyByKind.chat)}, photo ${pct(report.accuracyByKind.photo)})`,
    `text-detect none ${pct(report.textDetection.none)} text ${pct(report.textDetection.text)}`,
    `p50 ${Math.round(report.p50Ms)} ms p95 ${Math.round(report.p95Ms)} ms`,
  ].join(' | '),
);
