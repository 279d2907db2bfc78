// Exact commands: the texts the bot itself offers (rich menu, quick replies, button labels) and the
// command words its help names. They are matched whole, after width folding; everything else is
// read by the models.
import { copy } from '../copy.ts';
import type { Act } from './acts.ts';
import type { Action } from './resolve.ts';

const EXACT: ReadonlyMap<string, Act> = new Map<string, Act>([
  ['ヘルプ', 'help'],
  ['help', 'help'],
  ['使い方', 'help'],
  ['メニュー', 'help'],
  ['リセット', 'reset'],
  ['データを削除', 'delete-data'],
  ['連絡先一覧', 'list-contacts'],
  ['はい', 'yes'],
  ['いいえ', 'no'],
  [copy.menu.help.text, 'help'],
  [copy.verdict.buttons.why, 'why'],
  [copy.verdict.buttons.decline, 'how-to-decline'],
  [copy.verdict.buttons.precautions, 'precautions'],
  [copy.answer.whyLabel, 'why'],
  [copy.answer.exampleLabel, 'example'],
  [copy.answer.moreLabel, 'more'],
]);

const fold = (text: string): string => text.normalize('NFKC').trim().toLowerCase();
const folded = new Map([...EXACT].map(([key, act]) => [fold(key), act]));

export function exactAct(text: string): Act | undefined {
  return folded.get(fold(text));
}

/** Menu texts that name what to do outright, whatever was said before. */
const EXACT_ACTIONS: ReadonlyMap<string, Action> = new Map<string, Action>([[fold(copy.menu.checkInvitation.text), 'invitation-prompt']]);

export function exactAction(text: string): Action | undefined {
  return EXACT_ACTIONS.get(fold(text));
}
