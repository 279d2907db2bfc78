// `npm run eval`: every quality figure, held-out beside training. Held-out sets are frozen in
// test/heldout/ and reported as aggregates only; training figures are 5-fold cross-validation on the
// training data (models retrained without each fold), so neither is a figure on data the model saw.
//   --quick        skip the cross-validations (held-out figures only)
//   --transcript   write every reply to the held-out questions to eval-output/ for a native reader
//   --misses       list the training set's misses (never the held-out set's)
import { imageReport } from './images.ts';
import { crossValidateVerdicts, formatVerdictReport, loadHeldOutInvitations, predictVerdicts, scoreVerdicts, verdictPasses } from './invitations.ts';
import { ANSWER_TARGETS, answerHeldOut, formatAnswerReport, formatMisses, loadHeldOutQuestions, retrievalOnTraining, scoreAnswers, loadTrainingKeyedQuestions, TRANSCRIPT_PATH, writeTranscript } from './questions.ts';
import { crossValidateUnderstanding, formatUnderstandingReport, loadHeldOutUnderstanding, predictWith, scoreUnderstanding, understandingPasses } from './understanding.ts';
import { shippedUnderstander } from '../understanding/model.ts';
import { loadTrainingInvitations } from '../verdict/corpus.ts';

const quick = process.argv.includes('--quick');
const showMisses = process.argv.includes('--misses');
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
let pass = true;

console.log('== Understanding (what a message is doing)');
const heldOutMessages = loadHeldOutUnderstanding();
const understandingHeldOut = scoreUnderstanding(heldOutMessages, predictWith(shippedUnderstander(), heldOutMessages));
console.log(formatUnderstandingReport('held-out (test/heldout/understanding.json)', understandingHeldOut, { showMisses: false }));
pass &&= understandingPasses(understandingHeldOut);
if (!quick) {
  const { messages, predictions } = crossValidateUnderstanding();
  console.log(formatUnderstandingReport('training corpus (data/understanding/, …), 5-fold cross-validation', scoreUnderstanding(messages, predictions), { showMisses }));
}

console.log('\n== Verdicts on invitations');
const heldOutInvitations = loadHeldOutInvitations();
const verdictHeldOut = scoreVerdicts(heldOutInvitations, predictVerdicts(heldOutInvitations));
console.log(formatVerdictReport('held-out (test/heldout/invitations.json)', verdictHeldOut, { showMisses: false }));
pass &&= verdictPasses(verdictHeldOut);
if (!quick) {
  const training = loadTrainingInvitations();
  const items = training.map((t) => ({ id: t.id, format: t.format, label: t.label, hard: t.hard, personal: t.personal, reason: t.reason, text: t.text }));
  console.log(formatVerdictReport('training invitations (data/invitations/, test/fixtures/), 5-fold cross-validation', scoreVerdicts(items, crossValidateVerdicts(training)), { showMisses }));
}

console.log('\n== Answers to questions');
const answered = await answerHeldOut(loadHeldOutQuestions());
const answers = scoreAnswers(answered);
console.log(formatAnswerReport(answers));
pass &&= answers.carriedWithSource >= ANSWER_TARGETS.carried;
const trainingAnswered = await answerHeldOut(loadTrainingKeyedQuestions());
console.log(formatAnswerReport(scoreAnswers(trainingAnswered), 'training (data/answers/train-questions*.json)'));
if (showMisses) console.log(formatMisses(trainingAnswered));
const retrieval = retrievalOnTraining();
console.log(
  `training (test/fixtures/questions.json, ${retrieval.inScope} questions): the expected card first ${pct(retrieval.ranked.at1)}, in the top 5 ${pct(retrieval.ranked.at5)} (BM25 alone ${pct(retrieval.bm25.at1)} / ${pct(retrieval.bm25.at5)}; the card classifier trained without these questions)`,
);
if (process.argv.includes('--transcript')) {
  writeTranscript(answered);
  console.log(`transcript of every held-out reply: ${TRANSCRIPT_PATH}`);
}

console.log('\n== Invitations read from images');
console.log(await imageReport());

console.log(`\neval ${pass ? 'passed' : 'FAILED'}: held-out targets ${pass ? 'met' : 'missed (see MISS above)'}`);
process.exitCode = pass ? 0 : 1;
