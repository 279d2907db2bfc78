// `npm run train`: trains every model from the data in the repository and writes models/*.json.
// Deterministic (seeded); the files record a hash of what they were trained from, and a test fails
// when the data changed without retraining. The held-out sets in test/heldout/ are never read.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LinearModel, stratifiedFolds } from './learning/linear.ts';
import { ANSWERS_MODEL_PATH, type AnswersFile, type LabelledQuestion, trainCardClassifier } from './answers/ranker.ts';
import { loadKnowledge } from './knowledge/load.ts';
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
  hash.update(JSON.stringify({ ACT_TRAINING, TAGGER_TRAINING, LEVEL_TRAINING, DEFAULT_COSTS, DEFAULT_NGRAM_WEIGHT, DEFAULT_FLOOR_AT }));
  return hash.digest('hex');
}

/**
 * The P(harmful) above which a request is declined even when another act scores higher: the highest
 * bar that still declines 98% of the training corpus's harmful requests under 5-fold cross-validation
 * (never below 0.15, so ordinary questions are not refused by a whisper).
 */
export function chooseHarmfulThreshold(corpus: ReturnType<typeof loadUnderstandingCorpus>, features: ReturnType<typeof messageFeatures>[]): number {
  const harmfulScores: number[] = [];
  for (const fold of stratifiedFolds(corpus, (c) => c.act, 5)) {
    const held = new Set(fold);
    const model = new LinearModel(trainActs(corpus.filter((_, i) => !held.has(i)), features.filter((_, i) => !held.has(i))));
    for (const i of fold) if (corpus[i]!.act === 'harmful') harmfulScores.push(model.predict(features[i]!).get('harmful') ?? 0);
  }
  harmfulScores.sort((a, b) => a - b);
  const at = harmfulScores[Math.floor(harmfulScores.length * 0.02)] ?? 0.3;
  return Math.round(Math.min(0.5, Math.max(0.15, at)) * 100) / 100;
}

/**
 * Questions labelled with the card that answers them (training data): the earlier retrieval set, and
 * the keyed training questions in data/answers/ with the card each was mapped to.
 */
export function trainingQuestions(): LabelledQuestion[] {
  const raw = JSON.parse(readFileSync(join(root, 'test/fixtures/questions.json'), 'utf8')) as { questions: { q: string; expected: string[] }[] };
  const fixtures = raw.questions.flatMap((q) => (q.expected[0] ? [{ text: q.q, cardId: q.expected[0] }] : []));
  const keyed = JSON.parse(readFileSync(join(root, 'data/answers/train-questions.json'), 'utf8')) as { id: string; text: string }[];
  const cards = new Map((JSON.parse(readFileSync(join(root, 'data/answers/train-question-cards.json'), 'utf8')) as { id: string; card: string }[]).map((m) => [m.id, m.card]));
  return [...fixtures, ...keyed.flatMap((q) => (cards.has(q.id) ? [{ text: q.text, cardId: cards.get(q.id)! }] : []))];
}

export function trainAll(log: (line: string) => void = console.log): { understanding: UnderstandingFile; verdict: VerdictFile; answers: AnswersFile } {
  const dataHash = trainingDataHash();
  const corpus = loadUnderstandingCorpus();
  log(`understanding corpus: ${corpus.length} messages`);
  const features = corpus.map((item) => messageFeatures(item.text, item.context?.last ?? 'none'));
  const harmfulThreshold = chooseHarmfulThreshold(corpus, features);
  log(`harmful threshold (cross-validated): ${harmfulThreshold}`);
  const understanding: UnderstandingFile = {
    dataHash,
    acts: trainActs(corpus, features),
    harm: trainHarm(corpus, features),
    // Contact reports labelled for stage also name their person: more examples of names.
    person: trainPerson([...corpus, ...loadContactDetails().map((d) => ({ text: d.text, person: d.person }))]),
    harmfulThreshold,
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
