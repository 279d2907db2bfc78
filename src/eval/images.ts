// Invitations read from images: how well the reading matches the source text (character accuracy),
// how often the verdict from the image equals the verdict from its source text, and the time per
// image, over the rendered set in test/fixtures/images/ (flyers, chat screenshots, a phone photo, and
// images with no invitation).
import { spawnSync } from 'node:child_process';
import { loadKnowledge } from '../knowledge/load.ts';
import { measureImageReading } from '../reading/measure.ts';
import { judgeInvitation } from '../verdict/verdict.ts';

export const IMAGE_TARGETS = { verdictAgreement: 0.9, p50Ms: 2_000 } as const;

export type ImageEval = {
  images: number;
  accuracy: number;
  recall: number;
  verdictAgreement: number;
  noInvitationRecognised: number;
  p50Ms: number;
  p95Ms: number;
};

export async function evaluateImages(): Promise<ImageEval | undefined> {
  if (spawnSync('tesseract', ['--version']).status !== 0) return undefined;
  const { loadImageFixtures } = await import('../reading/measure.ts');
  const fixtures = new Map((await loadImageFixtures()).map((f) => [f.file, f]));
  const report = await measureImageReading();
  const sources = new Map(loadKnowledge().map((c) => [c.id, { title: c.title, source: c.source }]));
  const invitations = report.images.filter((m) => m.kind !== 'none');
  let agree = 0;
  for (const m of invitations) {
    const source = fixtures.get(m.file)!.text;
    if (m.hasText && judgeInvitation(m.read, sources).level === judgeInvitation(source, sources).level) agree += 1;
  }
  return {
    images: report.images.length,
    accuracy: report.meanAccuracy,
    recall: report.meanRecall,
    verdictAgreement: invitations.length === 0 ? 0 : agree / invitations.length,
    noInvitationRecognised: report.textDetection.none,
    p50Ms: Math.round(report.p50Ms),
    p95Ms: Math.round(report.p95Ms),
  };
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

export async function imageReport(): Promise<string> {
  const r = await evaluateImages();
  if (!r) return 'skipped: the tesseract command is not installed (apt-get install tesseract-ocr tesseract-ocr-jpn tesseract-ocr-jpn-vert)';
  const mark = (ok: boolean) => (ok ? 'ok ' : 'MISS');
  return [
    `test/fixtures/images: ${r.images} images`,
    `       character accuracy of the reading ${pct(r.accuracy)} (recall ${pct(r.recall)})`,
    `  ${mark(r.verdictAgreement >= IMAGE_TARGETS.verdictAgreement)} verdict from the image = verdict from its source text: ${pct(r.verdictAgreement)} (target ≥ ${pct(IMAGE_TARGETS.verdictAgreement)})`,
    `       images with no invitation recognised as such: ${pct(r.noInvitationRecognised)}`,
    `  ${mark(r.p50Ms <= IMAGE_TARGETS.p50Ms)} time per image p50 ${r.p50Ms} ms, p95 ${r.p95Ms} ms (target p50 ≤ ${IMAGE_TARGETS.p50Ms} ms)`,
  ].join('\n');
}

if (import.meta.main) console.log(await imageReport());
