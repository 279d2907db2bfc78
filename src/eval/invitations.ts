// Measures the invitation verdict against test/fixtures/invitations.json.
// Run directly: `node src/eval/invitations.ts` (exit status 1 when a target is missed).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { loadKnowledge } from '../knowledge/load.ts';
import type { VerdictLevel } from '../adviser/types.ts';
import { type ChunkSources, judgeInvitation } from '../adviser/verdict.ts';

export const fixturesPath = fileURLToPath(new URL('../../test/fixtures/invitations.json', import.meta.url));

const levelSchema = z.enum(['legit', 'caution', 'likely-trap']);

export const invitationFixtureSchema = z.object({
  id: z.string(),
  expected: levelSchema,
  style: z.enum(['message', 'listing']),
  note: z.string(),
  text: z.string().min(1),
});
export type InvitationFixture = z.infer<typeof invitationFixtureSchema>;

export const TARGETS = { accuracy: 0.85, trapsCalledLegit: 0, legitCalledTrap: 0 } as const;

export type InvitationEvalResult = {
  total: number;
  correct: number;
  accuracy: number;
  /** confusion[expected][predicted] = count */
  confusion: Record<VerdictLevel, Record<VerdictLevel, number>>;
  trapsCalledLegit: InvitationFixture[];
  legitCalledTrap: InvitationFixture[];
  misses: { fixture: InvitationFixture; predicted: VerdictLevel; score: number }[];
  pass: boolean;
};

export function loadInvitationFixtures(path: string = fixturesPath): InvitationFixture[] {
  return z.array(invitationFixtureSchema).parse(JSON.parse(readFileSync(path, 'utf8')));
}

/** Chunk id → title and source; empty when the knowledge folder cannot be read. */
export function knowledgeSources(): ChunkSources {
  try {
    return new Map(loadKnowledge().map((c) => [c.id, { title: c.title, source: c.source }]));
  } catch {
    return new Map();
  }
}

const LEVELS: readonly VerdictLevel[] = ['legit', 'caution', 'likely-trap'];

export function evaluateInvitations(fixtures: readonly InvitationFixture[], sources: ChunkSources): InvitationEvalResult {
  const row = (): Record<VerdictLevel, number> => ({ legit: 0, caution: 0, 'likely-trap': 0 });
  const confusion: InvitationEvalResult['confusion'] = { legit: row(), caution: row(), 'likely-trap': row() };
  const misses: InvitationEvalResult['misses'] = [];
  let correct = 0;
  for (const fixture of fixtures) {
    const verdict = judgeInvitation(fixture.text, sources);
    confusion[fixture.expected][verdict.level] += 1;
    if (verdict.level === fixture.expected) correct += 1;
    else misses.push({ fixture, predicted: verdict.level, score: verdict.score });
  }
  const trapsCalledLegit = misses.filter((m) => m.fixture.expected === 'likely-trap' && m.predicted === 'legit').map((m) => m.fixture);
  const legitCalledTrap = misses.filter((m) => m.fixture.expected === 'legit' && m.predicted === 'likely-trap').map((m) => m.fixture);
  const accuracy = fixtures.length === 0 ? 0 : correct / fixtures.length;
  return {
    total: fixtures.length,
    correct,
    accuracy,
    confusion,
    trapsCalledLegit,
    legitCalledTrap,
    misses,
    pass:
      accuracy >= TARGETS.accuracy &&
      trapsCalledLegit.length <= TARGETS.trapsCalledLegit &&
      legitCalledTrap.length <= TARGETS.legitCalledTrap,
  };
}

export function formatInvitationReport(result: InvitationEvalResult): string {
  const pad = (s: string, n: number) => s.padEnd(n);
  const lines: string[] = [];
  lines.push(`invitation verdicts: ${result.correct}/${result.total} correct, accuracy ${(result.accuracy * 100).toFixed(1)}% (target ≥ ${TARGETS.accuracy * 100}%)`);
  lines.push('');
  lines.push('confusion matrix (rows: expected, columns: predicted)');
  lines.push(`${pad('', 13)}${LEVELS.map((l) => pad(l, 13)).join('')}`);
  for (const expected of LEVELS) {
    lines.push(`${pad(expected, 13)}${LEVELS.map((p) => pad(String(result.confusion[expected][p]), 13)).join('')}`);
  }
  lines.push('');
  const list = (title: string, items: readonly InvitationFixture[]) => {
    lines.push(`${title}: ${items.length} (target 0)`);
    for (const f of items) lines.push(`  - ${f.id}: ${f.note}`);
  };
  list('traps called legit', result.trapsCalledLegit);
  list('legit called trap', result.legitCalledTrap);
  if (result.misses.length > 0) {
    lines.push('');
    lines.push('other misses:');
    for (const m of result.misses) {
      if (result.trapsCalledLegit.includes(m.fixture) || result.legitCalledTrap.includes(m.fixture)) continue;
      lines.push(`  - ${m.fixture.id} expected ${m.fixture.expected}, got ${m.predicted} (score ${m.score}): ${m.fixture.note}`);
    }
  }
  lines.push('');
  lines.push(result.pass ? 'PASS: all targets met' : 'FAIL: a target was missed');
  return lines.join('\n');
}

export async function runInvitationEval(): Promise<{ accuracy: number; pass: boolean }> {
  const result = evaluateInvitations(loadInvitationFixtures(), knowledgeSources());
  console.log(formatInvitationReport(result));
  return { accuracy: result.accuracy, pass: result.pass };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { pass } = await runInvitationEval();
  process.exitCode = pass ? 0 : 1;
}
