// The verdict report: accuracy, the confusion matrix, traps called legit, legit called trap, the
// share of caution verdicts, and accuracy per format — on the frozen held-out set and, by 5-fold
// cross-validation (tagger and level model retrained without each fold), on the training invitations.
// Held-out results are aggregates only.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { stratifiedFolds } from '../learning/linear.ts';
import { loadKnowledge } from '../knowledge/load.ts';
import { loadUnderstandingCorpus } from '../understanding/corpus.ts';
import { type AnnotatedInvitation, FORMATS, levelSchema, loadClauseBank, loadTrainingInvitations } from '../verdict/corpus.ts';
import { shippedVerdictModel, VerdictModel } from '../verdict/judge.ts';
import { LEVELS, type Level } from '../verdict/level.ts';
import { DEFAULT_COSTS, DEFAULT_FLOOR_AT, DEFAULT_NGRAM_WEIGHT, trainVerdict, userCommentClauses } from '../verdict/train.ts';
import type { CardSources } from '../verdict/verdict.ts';
import { judgeInvitation } from '../verdict/verdict.ts';

export const HELD_OUT_INVITATIONS = fileURLToPath(new URL('../../test/heldout/invitations.json', import.meta.url));

export const VERDICT_TARGETS = { accuracy: 0.9, trapsCalledLegit: 0, legitCalledTrap: 0, cautionShare: 0.35 } as const;

const heldOutSchema = z.array(
  z.object({ id: z.string(), format: z.string(), label: levelSchema, hard: z.boolean().optional(), personal: z.boolean().optional(), reason: z.string().optional(), text: z.string() }),
);
export type LabelledInvitation = z.infer<typeof heldOutSchema>[number];

export function loadHeldOutInvitations(path = HELD_OUT_INVITATIONS): LabelledInvitation[] {
  return heldOutSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
}

export function knowledgeSources(): CardSources {
  return new Map(loadKnowledge().map((c) => [c.id, { title: c.title, source: c.source }]));
}

export type VerdictReport = {
  total: number;
  accuracy: number;
  confusion: Record<Level, Record<Level, number>>;
  trapsCalledLegit: number;
  legitCalledTrap: number;
  cautionShare: number;
  perFormat: Record<string, { total: number; correct: number }>;
  hard: { total: number; correct: number };
  personalRecognised: { total: number; correct: number };
  misses: { id: string; expected: Level; got: Level; reason?: string | undefined }[];
};

export function scoreVerdicts(items: readonly LabelledInvitation[], predicted: readonly { level: Level; personal?: boolean | undefined }[]): VerdictReport {
  const row = (): Record<Level, number> => ({ legit: 0, caution: 0, 'likely-trap': 0 });
  const confusion: VerdictReport['confusion'] = { legit: row(), caution: row(), 'likely-trap': row() };
  const perFormat: VerdictReport['perFormat'] = {};
  const hard = { total: 0, correct: 0 };
  const personal = { total: 0, correct: 0 };
  const misses: VerdictReport['misses'] = [];
  let correct = 0;
  let caution = 0;
  items.forEach((item, i) => {
    const got = predicted[i]!;
    confusion[item.label][got.level] += 1;
    const ok = got.level === item.label;
    if (ok) correct += 1;
    else misses.push({ id: item.id, expected: item.label, got: got.level, reason: item.reason });
    if (got.level === 'caution') caution += 1;
    const format = (perFormat[item.format] ??= { total: 0, correct: 0 });
    format.total += 1;
    if (ok) format.correct += 1;
    if (item.hard) {
      hard.total += 1;
      if (ok) hard.correct += 1;
    }
    if (item.personal) {
      personal.total += 1;
      if (got.personal) personal.correct += 1;
    }
  });
  return {
    total: items.length,
    accuracy: items.length === 0 ? 0 : correct / items.length,
    confusion,
    trapsCalledLegit: confusion['likely-trap'].legit,
    legitCalledTrap: confusion.legit['likely-trap'],
    cautionShare: items.length === 0 ? 0 : caution / items.length,
    perFormat,
    hard,
    personalRecognised: personal,
    misses,
  };
}

export function verdictPasses(report: VerdictReport): boolean {
  const t = VERDICT_TARGETS;
  return report.accuracy >= t.accuracy && report.trapsCalledLegit <= t.trapsCalledLegit && report.legitCalledTrap <= t.legitCalledTrap && report.cautionShare <= t.cautionShare;
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

export function formatVerdictReport(title: string, report: VerdictReport, options: { showMisses: boolean }): string {
  const t = VERDICT_TARGETS;
  const mark = (ok: boolean) => (ok ? 'ok ' : 'MISS');
  const expectedCaution = LEVELS.reduce((sum, l) => sum + report.confusion.caution[l], 0) / Math.max(1, report.total);
  const lines = [
    `${title}: ${report.total} invitations`,
    `  ${mark(report.accuracy >= t.accuracy)} accuracy             ${pct(report.accuracy)} (target ≥ ${pct(t.accuracy)})`,
    `  ${mark(report.trapsCalledLegit === 0)} traps called legit   ${report.trapsCalledLegit} (target 0)`,
    `  ${mark(report.legitCalledTrap === 0)} legit called trap    ${report.legitCalledTrap} (target 0)`,
    `  ${mark(report.cautionShare <= t.cautionShare)} caution verdicts     ${pct(report.cautionShare)} of the set (${pct(expectedCaution)} labelled caution; target ≤ ${pct(t.cautionShare)})`,
    `       hard cases          ${report.hard.correct}/${report.hard.total}; personal invitations recognised ${report.personalRecognised.correct}/${report.personalRecognised.total}`,
    '  confusion (rows expected, columns got: legit / caution / likely-trap):',
    ...LEVELS.map((l) => `    ${l.padEnd(12)} ${LEVELS.map((g) => String(report.confusion[l][g]).padStart(4)).join(' ')}`),
    `  per format: ${Object.entries(report.perFormat)
      .sort(([a], [b]) => FORMATS.indexOf(a as (typeof FORMATS)[number]) - FORMATS.indexOf(b as (typeof FORMATS)[number]))
      .map(([f, s]) => `${f} ${s.correct}/${s.total}`)
      .join(', ')}`,
  ];
  if (options.showMisses) {
    lines.push('  misses (training data):');
    for (const m of report.misses.slice(0, 50)) lines.push(`    ${m.id} ${m.expected} → ${m.got}: ${m.reason ?? ''}`.slice(0, 160));
  }
  return lines.join('\n');
}

/** Nested cross-validation: the whole verdict (tagger and level model) retrained without each fold. */
export function crossValidateVerdicts(invitations: readonly AnnotatedInvitation[] = loadTrainingInvitations(), k = 5): { level: Level; personal: boolean }[] {
  const base = [...loadClauseBank(), ...userCommentClauses(loadUnderstandingCorpus())];
  const sources = knowledgeSources();
  const out: { level: Level; personal: boolean }[] = new Array(invitations.length);
  for (const fold of stratifiedFolds(invitations, (inv) => inv.label, k, 23)) {
    const held = new Set(fold);
    const trained = trainVerdict(invitations.filter((_, i) => !held.has(i)), base, DEFAULT_NGRAM_WEIGHT);
    const model = new VerdictModel({ dataHash: 'cv', ...trained, ngramWeight: DEFAULT_NGRAM_WEIGHT, costs: DEFAULT_COSTS, floorAt: DEFAULT_FLOOR_AT });
    for (const i of fold) {
      const verdict = judgeInvitation(invitations[i]!.text, sources, model);
      out[i] = { level: verdict.level, personal: verdict.personal === true };
    }
  }
  return out;
}

export function predictVerdicts(items: readonly LabelledInvitation[], model: VerdictModel = shippedVerdictModel()): { level: Level; personal: boolean }[] {
  const sources = knowledgeSources();
  return items.map((item) => {
    const verdict = judgeInvitation(item.text, sources, model);
    return { level: verdict.level, personal: verdict.personal === true };
  });
}


if (import.meta.main) {
  const heldOut = loadHeldOutInvitations();
  console.log(formatVerdictReport('held-out (test/heldout/invitations.json)', scoreVerdicts(heldOut, predictVerdicts(heldOut)), { showMisses: false }));
  if (process.argv.includes('--cv')) {
    const training = loadTrainingInvitations();
    const items: LabelledInvitation[] = training.map((t) => ({ id: t.id, format: t.format, label: t.label, hard: t.hard, personal: t.personal, reason: t.reason, text: t.text }));
    console.log(formatVerdictReport('training invitations, 5-fold cross-validation', scoreVerdicts(items, crossValidateVerdicts(training)), { showMisses: process.argv.includes('--misses') }));
  }
}
