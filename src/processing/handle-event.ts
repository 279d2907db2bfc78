import { createHash } from 'node:crypto';
import type { webhook } from '@line/bot-sdk';
import type { LineMessage } from '../adviser/types.ts';
import { joinMessages, nonTextMessages, welcomeMessages } from '../conversation/canned.ts';
import type { TurnInput, TurnResult } from '../conversation/turn.ts';
import { LineApiError, type LineGateway } from '../line/gateway.ts';
import type { Logger } from '../observability/log.ts';
import type { Metrics } from '../observability/metrics.ts';
import { keys, type StateStore } from '../store/store.ts';
import { type ChatRef, chatOf, isEventLike } from './events.ts';

/** What the event handler needs from the conversation layer. */
export interface Adviser {
  turn(input: TurnInput): Promise<TurnResult>;
  /** Whether answering may take seconds (an LLM call), which earns a loading animation. */
  readonly slow: boolean;
}

export type HandlerDeps = {
  store: StateStore;
  line: LineGateway;
  adviser: Adviser;
  log: Logger;
  metrics: Metrics;
  /** Push when the reply token is rejected or too old (pushes count against the monthly quota). */
  pushFallback: boolean;
  now?: () => number;
};

/** Redeliveries arrive within hours; a day of memory covers them with room to spare. */
export const DEDUPE_TTL_SECONDS = 86_400;
/** Reply tokens live about a minute; past this age a push is the only way to answer. */
export const REPLY_TOKEN_MAX_AGE_MS = 50_000;

// Matches "先輩、…", "@bot …", "ボット …" at the start of a group message.
const GROUP_ADDRESS = /^\s*(?:@?(?:bot|ボット|せんぱい|先輩|センパイ)\s*(?:さん)?[\s、,:：!！]+|[!！]\s*)/iu;

/**
 * Handles one webhook event once: dedupe, route by type, answer. Never throws: a failure is logged
 * and counted, because the event was already acknowledged.
 */
export async function handleEvent(raw: unknown, deps: HandlerDeps): Promise<void> {
  if (!isEventLike(raw)) {
    deps.log.debug('ignored a value that is not a webhook event');
    return;
  }
  const event = raw;
  const log = deps.log.child({ eventId: event.webhookEventId, type: event.type });
  deps.metrics.events.inc({ type: event.type });
  if (event.mode === 'standby') {
    log.debug('standby mode: another channel answers');
    return;
  }
  const started = performance.now();
  try {
    const fresh = await deps.store.setIfAbsent(keys.dedupe(event.webhookEventId), String(event.timestamp), DEDUPE_TTL_SECONDS);
    if (!fresh) {
      deps.metrics.dedupeHits.inc();
      log.info({ redelivery: event.deliveryContext?.isRedelivery === true }, 'duplicate event skipped');
      return;
    }
    await route(event, deps, log);
    deps.metrics.handlingSeconds.observe({ type: event.type }, (performance.now() - started) / 1000);
  } catch (err) {
    deps.metrics.errors.inc({ stage: 'handle' });
    log.error({ err }, 'event handling failed');
  }
}

async function route(event: webhook.Event, deps: HandlerDeps, log: Logger): Promise<void> {
  const chat = chatOf(event);
  switch (event.type) {
    case 'message': {
      if (!chat) return;
      if (event.message.type === 'text') {
        const text = addressedText(chat, event.message);
        if (text === undefined) return; // group chatter not meant for the bot
        await converse(event, chat, { text }, deps, log);
      } else if (chat.type === 'user') {
        await send(event, chat, nonTextMessages(event.message.type), deps, log);
      }
      return;
    }
    case 'postback':
      if (chat) await converse(event, chat, { postback: event.postback.data }, deps, log);
      return;
    case 'follow':
      if (chat) await send(event, chat, welcomeMessages(), deps, log);
      return;
    case 'unfollow':
      if (chat?.userId) {
        const deleted = await deps.store.deleteByPrefix(keys.userPrefix(chat.userId));
        log.info({ deleted }, 'user unfollowed: state deleted');
      }
      return;
    case 'join':
      if (chat) await send(event, chat, joinMessages(), deps, log);
      return;
    default:
      log.debug('event type not handled');
  }
}

/** In groups and rooms the bot speaks only when spoken to; returns the text meant for it. */
export function addressedText(chat: ChatRef, message: webhook.TextMessageContent): string | undefined {
  if (chat.type === 'user') return message.text;
  const mentionees = message.mention?.mentionees ?? [];
  const self = mentionees.find((m) => m.type === 'user' && 'isSelf' in m && m.isSelf === true);
  if (self) {
    const text = message.text.slice(0, self.index) + message.text.slice(self.index + self.length);
    return text.trim();
  }
  const match = GROUP_ADDRESS.exec(message.text);
  return match ? message.text.slice(match[0].length).trim() : undefined;
}

async function converse(
  event: webhook.MessageEvent | webhook.PostbackEvent,
  chat: ChatRef,
  said: { text: string } | { postback: string },
  deps: HandlerDeps,
  log: Logger,
): Promise<void> {
  // In groups, memory belongs to the group: advice there is shared by everyone in it.
  const userId = chat.type === 'user' ? chat.id : `${chat.type}-${chat.id}`;
  if (deps.adviser.slow && chat.type === 'user') {
    await deps.line.showLoading(chat.id, 20).catch((err: unknown) => log.warn({ err }, 'loading animation failed'));
  }
  const result = await deps.adviser.turn({
    userId,
    chatType: chat.type,
    now: deps.now?.() ?? Date.now(),
    ...said,
  });
  log.info({ intent: result.intent, sources: result.sources.map((s) => s.id) }, 'turn answered');
  await send(event, chat, result.messages, deps, log);
}

/** Replies with the token; falls back to a push when the token is rejected or too old. */
async function send(
  event: webhook.Event & { replyToken?: string },
  chat: ChatRef,
  messages: LineMessage[],
  deps: HandlerDeps,
  log: Logger,
): Promise<void> {
  if (messages.length === 0) return;
  const batch = messages.slice(0, 5); // the Messaging API takes at most five per call
  const now = deps.now?.() ?? Date.now();
  const tokenUsable = Boolean(event.replyToken) && now - event.timestamp < REPLY_TOKEN_MAX_AGE_MS;
  if (tokenUsable) {
    try {
      await withRetries(() => deps.line.reply(event.replyToken!, batch));
      deps.metrics.replies.inc({ method: 'reply' });
      return;
    } catch (err) {
      if (!(err instanceof LineApiError && err.replyTokenRejected) || !deps.pushFallback) throw err;
      log.warn('reply token rejected: falling back to push');
    }
  } else if (!deps.pushFallback) {
    log.warn('reply token expired and push fallback is off: answer dropped');
    return;
  }
  const retryKey = retryKeyFor(event.webhookEventId);
  await withRetries(() => deps.line.push(chat.id, batch, retryKey));
  deps.metrics.replies.inc({ method: 'push' });
}

/** A stable UUID per event, so a retried push is delivered once (X-Line-Retry-Key). */
export function retryKeyFor(webhookEventId: string): string {
  const h = createHash('sha256').update(webhookEventId).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Retries LINE's 5xx and 429 with exponential backoff; other errors go straight up. */
export async function withRetries<T>(call: () => Promise<T>, attempts = 4, baseDelayMs = 200): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      if (!(err instanceof LineApiError && err.retryable) || attempt >= attempts) throw err;
      await new Promise((resolve) => setTimeout(resolve, baseDelayMs * 2 ** (attempt - 1)));
    }
  }
}
