// `npm run eval`: retrieval quality over the question set, verdict quality over the invitation set.
import { runInvitationEval } from './invitations.ts';
import { runQuestionEval } from './questions.ts';

console.log('== Knowledge retrieval (test/fixtures/questions.json)');
const questions = await runQuestionEval();
console.log('\n== Invitation verdicts (test/fixtures/invitations.json)');
const invitations = await runInvitationEval();
const pass = questions.pass && invitations.pass;
console.log(`\neval ${pass ? 'passed' : 'FAILED'}: retrieval ${questions.pass ? 'ok' : 'below target'}, verdicts ${invitations.pass ? 'ok' : 'below target'}`);
process.exitCode = pass ? 0 : 1;
