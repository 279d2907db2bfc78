// Replies that need no understanding: welcome, group introduction, messages the bot cannot read.
import { copy } from '../copy.ts';
import type { LineMessage } from '../types.ts';
import { mainMenuQuickReplies, text } from './context.ts';

export const welcomeMessages = (): LineMessage[] => [text(copy.welcome, mainMenuQuickReplies())];
export const joinMessages = (): LineMessage[] => [text(copy.join)];
export const nonTextMessages = (kind: string): LineMessage[] => [text(kind === 'sticker' ? copy.sticker : copy.unsupportedMessage, mainMenuQuickReplies())];
