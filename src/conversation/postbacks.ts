// Postback data is exact data the bot itself wrote into its buttons: `action=why&s=<session>`.
// Every button carries the session it was made in; a button without one, or from another session
// (the conversation was reset or deleted since), acts on nothing.
import type { Action } from '../understanding/resolve.ts';

export type PostbackAction = { action: string; session?: string | undefined };

export function parsePostback(data: string): PostbackAction {
  const params = new URLSearchParams(data);
  return { action: params.get('action') ?? '', session: params.get('s') ?? undefined };
}

const BUTTONS: Readonly<Record<string, Action>> = {
  why: 'verdict-why',
  decline: 'verdict-decline',
  precautions: 'verdict-precautions',
  card: 'verdict-card',
  'delete-confirm': 'delete-confirm',
  'delete-cancel': 'delete-cancel',
  reset: 'reset',
  contacts: 'contacts-list',
  help: 'help',
};

export function actionOfPostback(postback: PostbackAction, currentSession: string): Action {
  const action = BUTTONS[postback.action];
  if (!action) return 'help';
  if (postback.session === undefined || postback.session !== currentSession) return 'stale-button';
  return action;
}
