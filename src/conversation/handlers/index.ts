// One handler per action, all with one signature (see ../context.ts). Deleting confirmed data is the
// pipeline's own step, since it owns the store.
import type { Action } from '../../understanding/resolve.ts';
import type { Handler } from '../context.ts';
import { deleteCancel, deleteRequest, help, reset, staleButton } from './commands.ts';
import { contactAdvice, contactForget, contactReport, contactsList } from './contacts.ts';
import { judgeImage } from './images-and-links.ts';
import { invitationPrompt, judge, verdictCard, verdictSummaryHandler } from './invitation.ts';
import { answerExample, answerMore, answerWhy, clarify, outOfScope, question } from './question.ts';
import { feeling, greeting, harmful, smalltalk, thanks } from './social.ts';
import { verdictDecline, verdictExampleHandler, verdictPrecautions, verdictWhy } from './verdict-follow-ups.ts';

export const HANDLERS: Readonly<Record<Exclude<Action, 'delete-confirm'>, Handler>> = {
  judge,
  'judge-image': judgeImage,
  'verdict-summary': verdictSummaryHandler,
  'verdict-card': verdictCard,
  'invitation-prompt': invitationPrompt,
  'verdict-why': verdictWhy,
  'verdict-decline': verdictDecline,
  'verdict-precautions': verdictPrecautions,
  'verdict-example': verdictExampleHandler,
  'answer-why': answerWhy,
  'answer-more': answerMore,
  'answer-example': answerExample,
  question,
  'contact-report': contactReport,
  'contact-advice': contactAdvice,
  'contacts-list': contactsList,
  'contact-forget': contactForget,
  'delete-request': deleteRequest,
  'delete-cancel': deleteCancel,
  reset,
  help,
  greeting,
  thanks,
  feeling,
  smalltalk,
  harmful,
  'out-of-scope': outOfScope,
  clarify,
  'stale-button': staleButton,
};
