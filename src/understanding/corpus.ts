// The training corpus of the understanding step, assembled from data kept in the repository:
// labelled utterances (data/understanding/*.jsonl), the training invitations (data/invitations/*.json,
// each an `invitation`), the example questions of the knowledge cards (each a `question`), and the
// earlier tuned sets in test/fixtures/ (now training data). The held-out set in test/heldout/ is never
// part of it.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { loadKnowledge } from '../knowledge/load.ts';
import { type Utterance, utteranceSchema } from './acts.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));

export type CorpusItem = Utterance & { origin: string };

function readJsonl(path: string): unknown[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, i) => {
      try {
        return JSON.parse(line) as unknown;
      } catch (err) {
        throw new Error(`${path}:${i + 1}: not JSON (${(err as Error).message})`);
      }
    });
}

const invitationFileSchema = z.array(z.object({ text: z.string().min(1) }).loose());
const questionFixtureSchema = z.object({ questions: z.array(z.object({ q: z.string(), expected: z.array(z.string()) })) });

export function loadUnderstandingCorpus(dir: string = root): CorpusItem[] {
  const items: CorpusItem[] = [];
  const utteranceDir = join(dir, 'data/understanding');
  for (const name of readdirSync(utteranceDir).sort()) {
    if (!/^train-.*\.jsonl$/.test(name)) continue;
    readJsonl(join(utteranceDir, name)).forEach((raw, i) => {
      const parsed = utteranceSchema.safeParse(raw);
      if (!parsed.success) throw new Error(`data/understanding/${name}:${i + 1}: ${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message}`);
      items.push({ ...parsed.data, origin: `data/understanding/${name}` });
    });
  }
  const invitationDir = join(dir, 'data/invitations');
  for (const name of readdirSync(invitationDir).sort()) {
    if (!name.endsWith('.json')) continue;
    for (const invitation of invitationFileSchema.parse(JSON.parse(readFileSync(join(invitationDir, name), 'utf8')))) {
      items.push({ text: invitation.text, act: 'invitation', context: { last: 'none' }, origin: `data/invitations/${name}` });
    }
  }
  const fixtures = join(dir, 'test/fixtures');
  if (existsSync(join(fixtures, 'invitations.json'))) {
    for (const invitation of invitationFileSchema.parse(JSON.parse(readFileSync(join(fixtures, 'invitations.json'), 'utf8')))) {
      items.push({ text: invitation.text, act: 'invitation', context: { last: 'none' }, origin: 'test/fixtures/invitations.json' });
    }
  }
  if (existsSync(join(fixtures, 'questions.json'))) {
    for (const question of questionFixtureSchema.parse(JSON.parse(readFileSync(join(fixtures, 'questions.json'), 'utf8'))).questions) {
      items.push({ text: question.q, act: question.expected.length > 0 ? 'question' : 'out-of-scope', context: { last: 'none' }, origin: 'test/fixtures/questions.json' });
    }
  }
  for (const card of loadKnowledge(join(dir, 'knowledge'))) {
    for (const question of card.questions) items.push({ text: question, act: 'question', context: { last: 'none' }, origin: card.file });
  }
  // One text in one context, one label: a later duplicate is dropped (the first file's label wins).
  const seen = new Set<string>();
  return items.filter((item) => {
    const key = `${item.context?.last ?? 'none'}\u0000${item.text.normalize('NFKC').trim()}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
