// `npm run lexicon`: builds data/lexicon/readings.json, the reading lexicon of the understanding step
// (see src/understanding/normalize.ts), by running the kuromoji morphological analyser over the
// training corpora and the knowledge cards. Only kanji-bearing words are kept, each with its most
// frequent reading. The held-out sets in test/heldout/ are never read.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as kuromoji from '@patdx/kuromoji';
import NodeDictionaryLoader from '@patdx/kuromoji/node';
import { LEXICON_PATH } from '../src/understanding/normalize.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Every training text: utterance corpora, invitation corpora, clause bank, knowledge, training fixtures. */
export function trainingTexts(): string[] {
  const texts: string[] = [];
  const dataDirs = ['data/understanding', 'data/invitations'];
  for (const dir of dataDirs) {
    for (const name of readdirSync(join(root, dir)).sort()) {
      const raw = readFileSync(join(root, dir, name), 'utf8');
      if (name.endsWith('.jsonl')) for (const line of raw.split('\n')) if (line.trim()) texts.push(String((JSON.parse(line) as { text: string }).text));
      if (name.endsWith('.json')) for (const item of JSON.parse(raw) as { text: string }[]) texts.push(item.text);
    }
  }
  for (const name of readdirSync(join(root, 'knowledge')).sort()) if (name.endsWith('.md')) texts.push(readFileSync(join(root, 'knowledge', name), 'utf8'));
  for (const name of ['invitations.json', 'questions.json']) {
    const raw = JSON.parse(readFileSync(join(root, 'test/fixtures', name), 'utf8')) as { text?: string; q?: string }[] | { questions: { q: string }[] };
    const items = Array.isArray(raw) ? raw : raw.questions;
    for (const item of items) texts.push(('text' in item ? item.text : undefined) ?? ('q' in item ? item.q : '') ?? '');
  }
  return texts;
}

const KANJI = /[\p{Script=Han}々〆ヶ]/u;
const KATAKANA_READING = /^[\p{Script=Katakana}ー]+$/u;

export async function buildLexicon(texts: readonly string[]): Promise<Record<string, string>> {
  const dicPath = join(root, 'node_modules/@patdx/kuromoji/dict/');
  const tokenizer = await new kuromoji.TokenizerBuilder({ loader: new NodeDictionaryLoader({ dic_path: dicPath }) }).build();
  const seen = new Map<string, Map<string, number>>();
  for (const text of texts) {
    for (const token of tokenizer.tokenize(text.normalize('NFKC').toLowerCase())) {
      const surface = token.surface_form;
      const reading = token.reading;
      if (!surface || !KANJI.test(surface) || !reading || !KATAKANA_READING.test(reading)) continue;
      const readings = seen.get(surface) ?? new Map<string, number>();
      readings.set(reading, (readings.get(reading) ?? 0) + 1);
      seen.set(surface, readings);
    }
  }
  const lexicon: Record<string, string> = {};
  for (const surface of [...seen.keys()].sort()) {
    const [best] = [...seen.get(surface)!.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    lexicon[surface] = best![0];
  }
  return lexicon;
}

if (import.meta.main) {
  const lexicon = await buildLexicon(trainingTexts());
  writeFileSync(LEXICON_PATH, `${JSON.stringify(lexicon, null, 0).replace(/","/g, '",\n"')}\n`);
  console.log(`wrote ${LEXICON_PATH}: ${Object.keys(lexicon).length} words`);
}
