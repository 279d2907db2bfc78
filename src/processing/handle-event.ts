import { createHash } from 'node:crypto';
import type { webhook } from '@line/bot-sdk';
import type { LineMessage } from '../types.ts';
import { joinMessages, nonTextMessages, welcomeMessages } from '../conversation/canned.ts';
import type { TurnInput, TurnResult } from '../conversation/turn.ts';
import { ContentTooLargeError, LineApiError, type LineGateway } from '../line/gateway.ts';
import type { Logger } from '../observability/log.ts';
import type { Metrics } from '../observability/metrics.ts';
import { keys, type StateStore, StoreUnavailableError } from '../store/store.ts';
import { ClaimLostError, DEDUPE_TTL_SECONDS, EventClaims, type FreshClaim } from './claims.ts';
import { type ChatRef, chatOf, eventTypeLabel, isEventLike } from './events.ts';

export { DEDUPE_TTL_SECONDS };

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
  /** Dedupe marks; by default owned by this process. */
  claims?: EventClaims;
  /** Observes each answered turn (the simulator's developer panel). */
  onTurn?: (turn: { chatId: string; userId: string; input: { text?: string; postback?: string }; result: TurnResult }) => void;
};

/** Reply tokens live about a minute; past this age a push is the only way to answer. */
export const REPLY_TOKEN_MAX_AGE_MS = 50_000;

/**
 * Events older than this are not handled: LINE redelivers within hours, and the dedupe marks last a
 * day, so an older signed body can only be a replay that the marks no longer remember.
 */
export const EVENT_MAX_AGE_MS = (DEDUPE_TTL_SECONDS - 3_600) * 1000;

// Matches "先輩、…", "@bot …", "ボット …" at the start of a group message.
const GROUP_ADDRESS = /^\s*(?:@?(?:bot|ボット|せんぱい|先輩|センパイ)\s*(?:さん)?[\s、,:：!！]+|[!！]\s*)/iu;

/**
 * How handling ended, for the queue that called: `retry` means a passing failure (LINE 5xx or 429
 * after the in-call retries, LINE out of reach) that a durable queue should try again later.
 */
export type Outcome = 'answered' | 'ignored' | 'duplicate' | 'failed' | 'retry';

export type HandleOptions = {
  /** The caller owns this event's queue entry (it took it over from a handler that died). */
  takeover?: boolean;
};

/** One handling in progress: the claim it holds, and what it has sent. */
type Attempt = { claim: FreshClaim; claims: EventClaims; sent: boolean };

const defaultClaims = new WeakMap<StateStore, EventClaims>();
function claimsFor(deps: HandlerDeps): EventClaims {
  if (deps.claims) return deps.claims;
  let claims = defaultClaims.get(deps.store);
  if (!claims) {
    claims = new EventClaims(deps.store, `pid${process.pid}`);
    defaultClaims.set(deps.store, claims);
  }
  return claims;
}

/**
 * Handles one webhook event once: dedupe, route by type, answer. Never throws: a failure is logged
 * and counted, because the event was already acknowledged.
 */
export async function handleEvent(raw: unknown, deps: HandlerDeps, options: HandleOptions = {}): Promise<Outcome> {
  if (!isEventLike(raw)) {
    deps.log.debug('ignored a value that is not a webhook event');
    return 'ignored';
  }
  const event = raw;
  const log = deps.log.child({ eventId: event.webhookEventId, type: eventTypeLabel(event.type) });
  deps.metrics.events.inc({ type: eventTypeLabel(event.type) });
  if (event.mode === 'standby') {
    log.debug('standby mode: another channel answers');
    return 'ignored';
  }
  const age = (deps.now?.() ?? Date.now()) - event.timestamp;
  if (!(age < EVENT_MAX_AGE_MS)) {
    log.warn({ ageSeconds: Number.isFinite(age) ? Math.round(age / 1000) : null }, 'event too old to be a delivery: ignored as a replay');
    return 'ignored';
  }
  const started = performance.now();
  try {
    const claims = claimsFor(deps);
    const claim = await claims.claim(event.webhookEventId, options);
    if (claim.status !== 'fresh') {
      deps.metrics.dedupeHits.inc();
      log.info({ redelivery: event.deliveryContext?.isRedelivery === true, claim: claim.status }, 'duplicate event skipped');
      return 'duplicate';
    }
    const attempt: Attempt = { claim, claims, sent: false };
    await route(event, deps, log, attempt);
    await claims.markDone(event.webhookEventId, claim);
    deps.metrics.handlingSeconds.observe({ type: eventTypeLabel(event.type) }, (performance.now() - started) / 1000);
    return attempt.sent ? 'answered' : 'ignored';
  } catch (err) {
    if (err instanceof ClaimLostError) {
      // The queue entry changed hands while this handler worked; the new holder answers it.
      log.info('event taken over by another handler: not sending');
      return 'duplicate';
    }
    deps.metrics.errors.inc({ stage: 'handle' });
    const transient = isTransient(err);
    log.error({ err, transient }, 'event handling failed');
    return transient ? 'retry' : 'failed';
  }
}

const TRANSIENT_NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT']);

/** LINE busy or out of reach, or the state store away: worth another try later. Anything else would fail the same way. */
export function isTransient(err: unknown): boolean {
  if (err instanceof LineApiError) return err.retryable;
  if (err instanceof StoreUnavailableError) return true;
  if (typeof err !== 'object' || err === null) return false;
  const cause = 'cause' in err && typeof err.cause === 'object' && err.cause !== null ? err.cause : err;
  const code = 'code' in cause ? String(cause.code) : '';
  return TRANSIENT_NETWORK_CODES.has(code) || (err instanceof TypeError && err.message === 'fetch failed');
}

async function route(event: webhook.Event, deps: HandlerDeps, log: Logger, attempt: Attempt): Promise<void> {
  const chat = chatOf(event);
  switch (event.type) {
    case 'message': {
      if (!chat) return;
      if (event.message.type === 'text') {
        const text = addressedText(chat, event.message);
        if (text === undefined) return; // group chatter not meant for the bot
        await converse(event, chat, { text }, deps, log, attempt);
      } else if (event.message.type === 'image' && chat.type === 'user') {
        // An image carries no mention, so in groups and rooms it is never addressed to the bot.
        await converseAboutImage(event, chat, event.message, deps, log, attempt);
      } else if (chat.type === 'user') {
        await send(event, chat, nonTextMessages(event.message.type), deps, log, attempt);
      }
      return;
    }
    case 'postback':
      if (chat) await converse(event, chat, { postback: event.postback.data }, deps, log, attempt);
      return;
    case 'follow':
      if (chat) await send(event, chat, welcomeMessages(), deps, log, attempt);
      return;
    case 'unfollow':
      if (chat?.userId) {
        const deleted = await deps.store.deleteByPrefix(keys.userPrefix(chat.userId));
        log.info({ deleted }, 'user unfollowed: state deleted');
      }
      return;
    case 'leave':
      // The bot was removed from a group or room: what it kept for the group goes too.
      if (chat && chat.type !== 'user') {
        const deleted = await deps.store.deleteByPrefix(keys.userPrefix(memoryIdOf(chat)));
        log.info({ deleted }, 'bot left the chat: its state deleted');
      }
      return;
    case 'join':
      if (chat) await send(event, chat, joinMessages(), deps, log, attempt);
      return;
    default:
      log.debug('event type not handled');
  }
}

/** In groups, memory belongs to the group: advice there is shared by everyone in it. */
export function memoryIdOf(chat: ChatRef): string {
  return chat.type === 'user' ? chat.id : `${chat.type}-${chat.id}`;
}

function errorSummary(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
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
  attempt: Attempt,
): Promise<void> {
  const userId = memoryIdOf(chat);
  if (deps.adviser.slow && chat.type === 'user') {
    // Shown while the answer is worked out, never waited for: a slow LINE must not delay the answer.
    void deps.line.showLoading(chat.id, 20).catch((err: unknown) => log.warn({ err: errorSummary(err) }, 'loading animation failed'));
  }
  const result = await deps.adviser.turn({
    userId,
    chatType: chat.type,
    now: deps.now?.() ?? Date.now(),
    ...said,
  });
  log.info({ intent: result.intent, sources: result.sources.map((s) => s.id) }, 'turn answered');
  deps.onTurn?.({ chatId: chat.id, userId, input: said, result });
  await send(event, chat, result.messages, deps, log, attempt);
}

/** Images larger than this are not fetched past it (LINE allows 10 MB; a screenshot is far smaller). */
export const MAX_IMAGE_BYTES = 10 * 1024 * 1024;

/**
 * An image: fetched from LINE's content API (bounded), then read and judged by the adviser. The
 * loading animation shows while it works; the bytes live only as long as this turn.
 */
async function converseAboutImage(
  event: webhook.MessageEvent,
  chat: ChatRef,
  message: webhook.ImageMessageContent,
  deps: HandlerDeps,
  log: Logger,
  attempt: Attempt,
): Promise<void> {
  void deps.line.showLoading(chat.id, 20).catch((err: unknown) => log.warn({ err: errorSummary(err) }, 'loading animation failed'));
  let image: { bytes: Uint8Array } | { failure: 'too-large' | 'unavailable' };
  try {
    image = { bytes: await deps.line.getMessageContent(message.id, MAX_IMAGE_BYTES) };
  } catch (err) {
    if (isTransient(err)) throw err; // LINE busy: the event is tried again
    log.warn({ err: errorSummary(err) }, 'image content could not be fetched');
    image = { failure: err instanceof ContentTooLargeError ? 'too-large' : 'unavailable' };
  }
  const userId = memoryIdOf(chat);
  const input = 'bytes' in image ? { image: image.bytes } : { imageFailure: image.failure };
  const result = await deps.adviser.turn({ userId, chatType: chat.type, now: deps.now?.() ?? Date.now(), ...input });
  log.info({ intent: result.intent }, 'image turn answered');
  deps.onTurn?.({ chatId: chat.id, userId, input: { postback: '[image]' }, result });
  await send(event, chat, result.messages, deps, log, attempt);
}

/**
 * Replies with the token; falls back to a push when the token is rejected or too old. The push
 * carries a retry key derived from the event, so LINE delivers it once however often it is sent.
 */
async function send(
  event: webhook.Event & { replyToken?: string },
  chat: ChatRef,
  messages: LineMessage[],
  deps: HandlerDeps,
  log: Logger,
  attempt: Attempt,
): Promise<void> {
  if (messages.length === 0) return;
  const batch = messages.slice(0, 5); // the Messaging API takes at most five per call
  const now = deps.now?.() ?? Date.now();
  const tokenDeadline = event.timestamp + REPLY_TOKEN_MAX_AGE_MS;
  const tokenUsable = Boolean(event.replyToken) && now < tokenDeadline;
  const predecessor = attempt.claim.predecessorSending;
  if (!tokenUsable && predecessor === 'reply') {
    // An earlier handler was replying with this token when it stopped; the token is gone now, so
    // whether LINE took that reply cannot be asked. Pushing could say it twice: leave it.
    log.info('an earlier handler was replying when it stopped and the token is too old to ask: not pushing');
    attempt.sent = true;
    return;
  }
  if (!tokenUsable && !deps.pushFallback) {
    log.warn('reply token expired and push fallback is off: answer dropped');
    return;
  }
  if (tokenUsable) {
    await attempt.claims.markSending(event.webhookEventId, attempt.claim, 'reply');
    let calls = 0;
    try {
      // Passing failures are tried again for as long as the token lives (a little less, so a push
      // can still follow in time).
      await withRetries(
        () => {
          calls++;
          return deps.line.reply(event.replyToken!, batch);
        },
        { attempts: 12, maxDelayMs: 5_000, deadline: tokenDeadline - 1_000, now: () => deps.now?.() ?? Date.now() },
      );
      deps.metrics.replies.inc({ method: 'reply' });
      attempt.sent = true;
      return;
    } catch (err) {
      const rejected = err instanceof LineApiError && err.replyTokenRejected;
      if (rejected && (predecessor === 'reply' || calls > 1)) {
        // Only this bot ever held the token, and an earlier call with it (one that errored, or a
        // handler that stopped while sending) reached LINE: the answer went out once already.
        log.info('reply token already spent by an earlier call: the answer went out');
        attempt.sent = true;
        return;
      }
      // withRetries gives up on a passing failure only when no further attempt fits in the token's
      // life (or after its 12 attempts, which outlast it): LINE was out of reach for as long as the
      // token could be used, so a push is the way left — now, while the answer is still fresh.
      const outOfReach = isTransient(err) && !(err instanceof StoreUnavailableError);
      if (!deps.pushFallback || !(rejected || outOfReach)) throw err;
      log.warn({ err: errorSummary(err) }, rejected ? 'reply token rejected: falling back to push' : 'reply failed for the token\'s life: falling back to push');
    }
  }
  await attempt.claims.markSending(event.webhookEventId, attempt.claim, 'push');
  const retryKey = retryKeyFor(event.webhookEventId);
  try {
    await withRetries(() => deps.line.push(chat.id, batch, retryKey));
    deps.metrics.replies.inc({ method: 'push' });
  } catch (err) {
    // 409: a push with this retry key was accepted before (by an earlier attempt): delivered once.
    if (!(err instanceof LineApiError && err.status === 409)) throw err;
    log.info('push already accepted under this retry key');
  }
  attempt.sent = true;
}

/** A stable UUID per event, so a retried push is delivered once (X-Line-Retry-Key). */
export function retryKeyFor(webhookEventId: string): string {
  const h = createHash('sha256').update(webhookEventId).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export type RetryOptions = {
  attempts?: number;
  baseDelayMs?: number;
  /** The longest wait between two attempts. */
  maxDelayMs?: number;
  /** No new attempt starts after this moment (epoch ms): a reply token's life, for replies. */
  deadline?: number;
  now?: () => number;
};

/**
 * Retries what may pass — LINE's 5xx and 429, and network failures (LINE out of reach, a timed-out
 * call) — with exponential backoff; other errors go straight up.
 */
export async function withRetries<T>(call: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const { attempts = 4, baseDelayMs = 200, maxDelayMs = 10_000, deadline, now = Date.now } = options;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      const delay = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
      const pastDeadline = deadline !== undefined && now() + delay >= deadline;
      if (!isTransient(err) || err instanceof StoreUnavailableError || attempt >= attempts || pastDeadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
