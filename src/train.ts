// `npm run train`: trains every model from the data in the repository and writes models/*.json.
// Deterministic (seeded); the files record a hash of what they were trained from, and a test fails
// when the data changed without retraining. The held-out sets in test/heldout/ are never read.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LinearModel, stratifiedFolds } from './learning/linear.ts';
import { ANSWERS_MODEL_PATH, type AnswersFile, CARD_TEXT_WEIGHT, type LabelledQuestion, trainCardClassifier } from './answers/ranker.ts';
import { fieldBoosts } from './answers/retrieval.ts';
import { loadKnowledge } from './knowledge/load.ts';
import { trainingKeyedFiles } from './eval/questions.ts';
import { TAGGER_WINDOW_CHARS } from './verdict/tagger.ts';
import { loadContactDetails, trainContactDetails } from './understanding/contact-details.ts';
import { loadUnderstandingCorpus } from './understanding/corpus.ts';
import { messageFeatures } from './understanding/features.ts';
import { ACT_TRAINING, trainActs, trainHarm, trainPerson, UNDERSTANDING_MODEL_PATH, type UnderstandingFile } from './understanding/model.ts';
import { loadClauseBank, loadTrainingInvitations } from './verdict/corpus.ts';
import { VERDICT_MODEL_PATH, type VerdictFile } from './verdict/judge.ts';
import { DEFAULT_COSTS, DEFAULT_FLOOR_AT, DEFAULT_NGRAM_WEIGHT, LEVEL_TRAINING, TAGGER_TRAINING, trainVerdict, userCommentClauses } from './verdict/train.ts';

const root = fileURLToPath(new URL('../', import.meta.url));

/** The files every model is trained from, in a fixed order. */
export function trainingInputs(): string[] {
  const list = (dir: string, ext: RegExp) =>
    readdirSync(join(root, dir))
      .filter((name) => ext.test(name))
      .sort()
      .map((name) => join(dir, name));
  return [
    ...list('data/understanding', /\.jsonl$/),
    ...list('data/invitations', /\.jsonl?$/),
    ...list('data/answers', /\.json$/),
    'data/lexicon/readings.json',
    ...list('knowledge', /^(?!README).*\.md$/),
    'test/fixtures/invitations.json',
    'test/fixtures/questions.json',
  ];
}

/** What the models were trained from: the inputs' bytes and the training settings. */
export function trainingDataHash(): string {
  const hash = createHash('sha256');
  for (const file of trainingInputs()) hash.update(file).update('\0').update(readFileSync(join(root, file))).update('\0');
  hash.update(JSON.stringify({ ACT_TRAINING, TAGGER_TRAINING, LEVEL_TRAINING, DEFAULT_COSTS, DEFAULT_NGRAM_WEIGHT, DEFAULT_FLOOR_AT, MAX_FLAT_DECLINES_OF_OTHERS, TAGGER_WINDOW_CHARS, CARD_TEXT_WEIGHT, fieldBoosts }));
  return hash.digest('hex');
}

/** Share of other messages (questions, feelings…) that may be declined flatly in cross-validation. */
export const MAX_FLAT_DECLINES_OF_OTHERS = 0.01;

/**
 * Two thresholds on P(harmful), from 5-fold cross-validation on the training corpus. Careful: the
 * score that 98% of harmful requests reach (at least 0.15), above which a message that reads as
 * something else still gets a boundary note. Decline: the lowest score at which no more than 1% of
 * the other messages would be refused flatly (a shamed victim is a real cost too).
 */
export function chooseHarmfulThresholds(corpus: ReturnType<typeof loadUnderstandingCorpus>, features: ReturnType<typeof messageFeatures>[]): { careful: number; decline: number } {
  const harmfulScores: number[] = [];
  const others: { p: number; argmax: boolean }[] = [];
  for (const fold of stratifiedFolds(corpus, (c) => c.act, 5)) {
    const held = new Set(fold);
    const model = new LinearModel(trainActs(corpus.filter((_, i) => !held.has(i)), features.filter((_, i) => !held.has(i))));
    for (const i of fold) {
      const probabilities = model.predict(features[i]!);
      const p = probabilities.get('harmful') ?? 0;
      if (corpus[i]!.act === 'harmful') harmfulScores.push(p);
      else others.push({ p, argmax: [...probabilities.values()].every((q) => q <= p) });
    }
  }
  harmfulScores.sort((a, b) => a - b);
  const at = harmfulScores[Math.floor(harmfulScores.length * 0.02)] ?? 0.3;
  const careful = Math.round(Math.min(0.5, Math.max(0.15, at)) * 100) / 100;
  let decline = careful;
  const declined = (t: number) => others.filter((o) => o.argmax || o.p >= t).length / Math.max(1, others.length);
  while (decline < 0.9 && declined(decline) > MAX_FLAT_DECLINES_OF_OTHERS) decline = Math.round((decline + 0.05) * 100) / 100;
  return { careful, decline };
}

/**
 * Questions labelled with the card that answers them (training data): the earlier retrieval set, and
 * the keyed training questions in data/answers/ with the card each was mapped to.
 */
export function trainingQuestions(): LabelledQuestion[] {
  const raw = JSON.parse(readFileSync(join(root, 'test/fixtures/questions.json'), 'utf8')) as { questions: { q: string; expected: string[] }[] };
  const fixtures = raw.questions.flatMap((q) => (q.expected[0] ? [{ text: q.q, cardId: q.expected[0] }] : []));
  const keyed = trainingKeyedFiles().flatMap(({ questions, cards }) => {
    const cardOf = new Map((JSON.parse(readFileSync(cards, 'utf8')) as { id: string; card: string }[]).map((m) => [m.id, m.card]));
    return (JSON.parse(readFileSync(questions, 'utf8')) as { id: string; text: string }[]).flatMap((q) => (cardOf.has(q.id) ? [{ text: q.text, cardId: cardOf.get(q.id)! }] : []));
  });
  return [...fixtures, ...keyed];
}

export function trainAll(log: (line: string) => void = console.log): { understanding: UnderstandingFile; verdict: VerdictFile; answers: AnswersFile } {
  const dataHash = trainingDataHash();
  const corpus = loadUnderstandingCorpus();
  log(`understanding corpus: ${corpus.length} messages`);
  const features = corpus.map((item) => messageFeatures(item.text, item.context?.last ?? 'none'));
  const thresholds = chooseHarmfulThresholds(corpus, features);
  log(`harmful thresholds (cross-validated): careful ${thresholds.careful}, decline ${thresholds.decline}`);
  const understanding: UnderstandingFile = {
    dataHash,
    acts: trainActs(corpus, features),
    harm: trainHarm(corpus, features),
    // Contact reports labelled for stage also name their person: more examples of names.
    person: trainPerson([...corpus, ...loadContactDetails().map((d) => ({ text: d.text, person: d.person }))]),
    harmfulThreshold: thresholds.decline,
    carefulThreshold: thresholds.careful,
    contacts: trainContactDetails(loadContactDetails()),
  };
  const invitations = loadTrainingInvitations();
  const base = [...loadClauseBank(), ...userCommentClauses(corpus)];
  log(`verdict corpus: ${invitations.length} invitations, ${base.length} clauses in the bank`);
  const { tagger, level } = trainVerdict(invitations, base, DEFAULT_NGRAM_WEIGHT);
  const verdict: VerdictFile = { dataHash, tagger, level, ngramWeight: DEFAULT_NGRAM_WEIGHT, costs: DEFAULT_COSTS, floorAt: DEFAULT_FLOOR_AT };
  const cards = loadKnowledge();
  log(`answers: ${cards.length} cards`);
  const answers: AnswersFile = { dataHash, cards: trainCardClassifier(cards, trainingQuestions()) };
  return { understanding, verdict, answers };
}

if (import.meta.main) {
  const started = Date.now();
  const { understanding, verdict, answers } = trainAll();
  writeFileSync(UNDERSTANDING_MODEL_PATH, `${JSON.stringify(understanding)}\n`);
  writeFileSync(VERDICT_MODEL_PATH, `${JSON.stringify(verdict)}\n`);
  writeFileSync(ANSWERS_MODEL_PATH, `${JSON.stringify(answers)}\n`);
  console.log(`wrote models/understanding.json, models/verdict.json and models/answers.json in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
