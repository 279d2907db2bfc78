// Who a message is about: the person's name as the user wrote it, honorific included. Candidates
// are the stretches of text just before an honorific (さん, くん, 部長…: a closed class of words);
// which stretch, if any, is a person is learned from the corpora's `person` labels, so 「行くんだけど」,
// 「スーツのおじさん」 and 「主催者さん」 are not taken for people.
import { addCharNgrams, type Features } from '../learning/features.ts';
import type { LinearModel } from '../learning/linear.ts';

/** Honorifics and titles that follow a name (longest first, so 先生 wins over 生). */
export const HONORIFICS = [
  'マネージャー', 'さま', 'さん', 'くん', 'ちゃん', 'たん', 'っち', '先生', '先輩', '社長', '部長', '課長', '係長', '会長', '専務', '常務', '主任', '店長',
  '代表', '院長', '教授', '氏', '様', '君', 'san', 'kun', 'chan', '-san', '-kun', '-chan',
].sort((a, b) => b.length - a.length);

export type NameCandidate = { name: string; honorific: string; start: number; end: number };

/** The longest stretch considered a name, in characters. */
const MAX_NAME_CHARS = 8;
/** Names are looked for in the first part of a message only, and among a bounded number of candidates. */
export const NAME_SCAN_CHARS = 600;
export const MAX_CANDIDATES = 120;

const scriptOf = (char: string): string => {
  if (/\p{Script=Han}|々/u.test(char)) return 'K';
  if (/\p{Script=Katakana}|ー/u.test(char)) return 'T';
  if (/\p{Script=Hiragana}/u.test(char)) return 'H';
  if (/[A-Za-z]/.test(char)) return 'L';
  if (/\p{N}/u.test(char)) return 'N';
  return 'O';
};

/** Every stretch of 1–8 characters of one line that ends right before an honorific. */
export function nameCandidates(text: string): NameCandidate[] {
  const folded = text.normalize('NFKC').slice(0, NAME_SCAN_CHARS);
  const candidates: NameCandidate[] = [];
  for (let i = 1; i < folded.length && candidates.length < MAX_CANDIDATES; i++) {
    const honorific = HONORIFICS.find((h) => folded.startsWith(h, i));
    if (!honorific) continue;
    for (let length = 1; length <= MAX_NAME_CHARS && i - length >= 0; length++) {
      const name = folded.slice(i - length, i);
      if (/[\s、。,.!?！？「」『』()（）\n]/u.test(name[0]!)) break;
      candidates.push({ name, honorific, start: i - length, end: i + honorific.length });
    }
  }
  return candidates;
}

export function candidateFeatures(text: string, candidate: NameCandidate): Features {
  const folded = text.normalize('NFKC').slice(0, NAME_SCAN_CHARS);
  const features: Features = new Map();
  const { name, honorific, start, end } = candidate;
  features.set(`name:${name}`, 1);
  features.set(`hon:${honorific}`, 1);
  features.set(`len:${Math.min(name.length, 6)}`, 1);
  const scripts = [...name].map(scriptOf).join('');
  let changes = 0;
  for (let i = 1; i < scripts.length; i++) if (scripts[i] !== scripts[i - 1]) changes += 1;
  features.set(`scripts:${scripts}`, 1);
  features.set(`script-first:${scripts[0]}`, 1);
  features.set(`script-mixed:${new Set(scripts).size > 1}`, 1);
  // A name is one run of one script (田中, ゆか, マイク, K); a stretch that changes script midway
  // (朝活で鈴木) has taken in the words before the name.
  features.set(`script-changes:${Math.min(changes, 2)}`, 1);
  features.set(`first-char:${name[0]}`, 1);
  const before = start > 0 ? folded[start - 1]! : '^';
  const after = end < folded.length ? folded[end]! : '$';
  features.set(`before:${before}`, 1);
  features.set(`before-script:${scriptOf(before)}`, 1);
  features.set(`before-script-same:${scriptOf(before) === scripts[0]}`, 1);
  features.set(`after:${after}`, 1);
  features.set(`after-script:${scriptOf(after)}`, 1);
  addCharNgrams(features, name, { min: 1, max: 2, prefix: 'n:' });
  return features;
}

/** The person a message names, if the model is sure enough of one candidate. */
export function findPerson(text: string, model: LinearModel, threshold = 0.5): { name: string; probability: number } | undefined {
  let best: { name: string; probability: number } | undefined;
  for (const candidate of nameCandidates(text)) {
    const probability = model.predict(candidateFeatures(text, candidate)).get('person') ?? 0;
    if (probability >= threshold && (!best || probability > best.probability)) best = { name: candidate.name + candidate.honorific, probability };
  }
  return best;
}
