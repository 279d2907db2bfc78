// Commands: deleting one's data (asked, then confirmed by a button or a typed yes), reset, help,
// and buttons from an earlier conversation.
import { copy } from '../../copy.ts';
import type { LineMessage } from '../../types.ts';
import { type Handler, mainMenuQuickReplies, reply, text } from '../context.ts';
import { newSession } from '../memory.ts';

function deletionConfirmation(session: string): LineMessage {
  return {
    type: 'template',
    altText: copy.deletion.altText,
    template: {
      type: 'confirm',
      text: copy.deletion.confirm,
      actions: [
        { type: 'postback', label: copy.deletion.yes, data: `action=delete-confirm&s=${session}`, displayText: copy.deletion.yes },
        { type: 'postback', label: copy.deletion.no, data: `action=delete-cancel&s=${session}`, displayText: copy.deletion.no },
      ],
    },
  };
}

export const deleteRequest: Handler = async (ctx) => {
  ctx.state.profile.pendingDeletionAt = ctx.now;
  return reply('delete-request', [deletionConfirmation(ctx.state.profile.session)]);
};

export const deleteCancel: Handler = async (ctx) => {
  const wasOpen = ctx.state.profile.pendingDeletionAt !== undefined;
  delete ctx.state.profile.pendingDeletionAt;
  return reply('delete-cancel', [text(wasOpen ? copy.deletion.cancelled : copy.deletion.nothingOpen)]);
};

export const reset: Handler = async (ctx) => {
  ctx.state.profile = { session: newSession() };
  ctx.state.forgetTurns = true;
  return reply('reset', [text(copy.reset, mainMenuQuickReplies())]);
};

export const help: Handler = async () => reply('help', [text(copy.help, mainMenuQuickReplies())]);
export const staleButton: Handler = async () => reply('stale-button', [text(copy.staleButton, mainMenuQuickReplies())]);
