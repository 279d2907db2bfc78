// One conversation turn as a short pipeline: limits → load → understand → one handler per action →
// remember. Decisions live in the pure modules (understanding, verdict, answers, coaching); this file
// wires them to the ports (store, LLM) and is the turn's one error boundary.
import { showsExample } from '../answers/compose.ts';
import { buildEmbeddingIndex, type EmbeddingIndex, hybridSearch } from '../answers/embedding-index.ts';
import { buildAnswerMessages, checkCitations } from '../answers/llm.ts';
import { CardRanker, shippedCardClassifier } from '../answers/ranker.ts';
import { buildKnowledgeIndex, type Hit, type KnowledgeIndex } from '../answers/retrieval.ts';
import type { Config } from '../config.ts';
import { copy, sourceLine } from '../copy.ts';
import { loadKnowledge } from '../knowledge/load.ts';
import type { Chunk } from '../knowledge/schema.ts';
import type { LlmPort } from '../llm/llm.ts';
import type { Logger } from '../observability/log.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { Adviser } from '../processing/handle-event.ts';
import { maskPersonalData } from '../privacy.ts';
import { keys, type StateStore, StoreUnavailableError } from '../store/store.ts';
import type { LineMessage, Verdict } from '../types.ts';
import { type ContactReader, shippedContactReader } from '../understanding/contact-details.ts';
import { exactAct, exactAction } from '../understanding/exact.ts';
import { buildUnderstandingPrompt, COMMAND_CONFIDENCE, combineReadings, llmUnderstandingSchema } from '../understanding/llm.ts';
import { type Reading, shippedUnderstander, type Understander } from '../understanding/model.ts';
import { type Action, CONFIRMATION_WINDOW_MS, type Dialogue, lastTurnOf, resolve } from '../understanding/resolve.ts';
import { shippedVerdictModel, type VerdictModel } from '../verdict/judge.ts';
import { buildReadingPrompt, factsFromLlm, llmReadingSchema } from '../verdict/llm.ts';
import { judgeInvitation } from '../verdict/verdict.ts';
import { MAX_INVITATION_CHARS } from '../verdict/clauses.ts';
import { type ConversationState, type Handler, type ImageReading, reply, type Services, text, type TurnContext } from './context.ts';
import { ImageTooLargeError, looksLikeText, NotAnImageError, readImageText } from '../reading/image.ts';
import { findUrls, linkKind, type PageFacts, parseAllowHosts, readLink } from '../reading/link.ts';
import type { Act, HarmKind } from '../understanding/acts.ts';
import { flatten, stampSession } from './flatten.ts';
import { actionOfPostback, parsePostback } from './postbacks.ts';
import { HANDLERS } from './handlers/index.ts';
import { MemoryRepository } from './memory.ts';
import type { TurnInput, TurnResult } from './turn.ts';

export type KnowledgeBase = {
  chunks: readonly Chunk[];
  index: KnowledgeIndex;
  ranker: CardRanker;
  sources: ReadonlyMap<string, { title: string; source: string }>;
};

export function createKnowledgeBase(chunks: readonly Chunk[] = loadKnowledge()): KnowledgeBase {
  const index = buildKnowledgeIndex(chunks);
  return {
    chunks,
    index,
    ranker: new CardRanker(index, shippedCardClassifier()),
    sources: new Map(chunks.map((c) => [c.id, { title: c.title, source: c.source }])),
  };
}

export type Models = { understander: Understander; verdict: VerdictModel; contacts: ContactReader };

export const shippedModels = (): Models => ({ understander: shippedUnderstander(), verdict: shippedVerdictModel(), contacts: shippedContactReader() });

export type AdviserDeps = {
  store: StateStore;
  llm: LlmPort | undefined;
  config: Pick<Config, 'stateTtlSeconds' | 'LLM_TIMEOUT_MS' | 'RATE_LIMIT_MESSAGES' | 'RATE_LIMIT_WINDOW_SECONDS' | 'LLM_DAILY_BUDGET'> &
    Partial<Pick<Config, 'OPENAI_VISION' | 'LINK_ALLOW_HOSTS'>>;
  log: Logger;
  metrics: Metrics;
  knowledge?: KnowledgeBase;
  models?: Models;
};

export type ConversationAdviser = Adviser & {
  knowledge: KnowledgeBase;
  memory: MemoryRepository;
  /**
   * The verdict on an invitation as a turn would give it (the CLI's `verdict`): text (its links read
   * too) or an image. Undefined when there was nothing to judge (a photo, an unreadable link).
   */
  verdictOf(input: { text?: string; image?: Uint8Array }, userId: string, now: number): Promise<{ verdict?: Verdict; reply: TurnResult }>;
};

const DAY_MS = 86_400_000;

/** The LLM's reading of a message waits at most this long; the trained model answers past it. */
const UNDERSTANDING_TIMEOUT_MS = 4_000;
/** A command the trained model is sure of needs no second opinion (and spends no LLM budget). */
const COMMAND_ACTS_SURE = (reading: Reading): boolean =>
  ['delete-data', 'reset', 'help', 'list-contacts', 'forget-contact', 'yes', 'no', 'harmful'].includes(reading.act) && reading.confidence >= COMMAND_CONFIDENCE;

/** Acts under which a message with a link is about that link (a command or a harmful request is not). */
const LINK_MAY_BE_JUDGED: ReadonlySet<Act> = new Set(['invitation', 'check-this', 'question', 'out-of-scope', 'smalltalk', 'feeling', 'thanks', 'greeting']);

/** The image type from its first bytes (PNG, JPEG, GIF, WebP), for the data URL sent to a model. */
function sniffImageType(bytes: Uint8Array): string {
  if (bytes[0] === 0x89 && bytes[1] === 0x50) return 'image/png';
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return 'image/jpeg';
  if (bytes[0] === 0x47 && bytes[1] === 0x49) return 'image/gif';
  if (bytes[8] === 0x57 && bytes[9] === 0x45) return 'image/webp';
  return 'application/octet-stream';
}
/** LINE allows 5,000 characters a message; a turn never reads more than that. */
export const MAX_TURN_CHARS = 5_000;

/** Replies that carry the boundary note when the reading was careful. */
const CAREFUL_INTENTS: ReadonlySet<string> = new Set(['question', 'contact-advice', 'feeling']);

/**
 * A message read as a question that is still close to a harmful request is answered, with one
 * conditional line saying where the bot stops: it may be a victim or a manners question, so it is
 * never refused or accused outright.
 */
export function withBoundaryNote(result: TurnResult, careful: HarmKind | undefined): TurnResult {
  if (!careful || !CAREFUL_INTENTS.has(result.intent)) return result;
  const index = result.messages.findIndex((m) => m.type === 'text');
  if (index < 0) return result;
  const message = result.messages[index] as Extract<LineMessage, { type: 'text' }>;
  const blocks = message.text.split('\n\n');
  const at = blocks.at(-1)?.startsWith(copy.answer.sourcesLabel) ? blocks.length - 1 : blocks.length;
  blocks.splice(at, 0, copy.boundaryNote[careful]);
  const messages = [...result.messages];
  messages[index] = { ...message, text: blocks.join('\n\n').slice(0, 5_000) };
  return { ...result, messages };
}

export async function createAdviser(deps: AdviserDeps): Promise<ConversationAdviser> {
  const knowledge = deps.knowledge ?? createKnowledgeBase();
  const models = deps.models ?? shippedModels();
  const memory = new MemoryRepository(deps.store, deps.config.stateTtlSeconds);
  const { llm, log, store, metrics, config } = deps;
  const timeoutMs = config.LLM_TIMEOUT_MS;
  const cardsById = new Map(knowledge.chunks.map((c) => [c.id, c]));

  // With an embedding endpoint, cards are embedded once (cached by content hash) in the background;
  // until then, or if it fails, BM25 alone ranks.
  let embeddings: EmbeddingIndex | undefined;
  const embed = llm ? (texts: string[]) => llm.embed(texts, { timeoutMs }) : undefined;
  if (embed && llm) {
    const cache = {
      get: async (hash: string) => {
        const raw = await store.get(`kab:emb:${hash}`).catch(() => null);
        return raw ? (JSON.parse(raw) as number[]) : null;
      },
      set: async (hash: string, vector: number[]) => {
        await store.set(`kab:emb:${hash}`, JSON.stringify(vector), 30 * 86_400).catch(() => undefined);
      },
    };
    void buildEmbeddingIndex(knowledge.chunks, embed, cache, { namespace: llm.model })
      .then((index) => {
        embeddings = index;
        log.info({ chunks: index.entries.length }, 'knowledge embedded: hybrid retrieval on');
      })
      .catch((err: unknown) => log.warn({ err: (err as Error).message }, 'embedding the knowledge failed: BM25 only'));
  }

  // ------------------------------------------------------------ limits (outside the user's data)

  /** Counters fail open: nobody is refused because the counter is out of reach. */
  async function count(key: string, ttlSeconds: number): Promise<number> {
    try {
      return await store.increment(key, ttlSeconds);
    } catch (err) {
      if (err instanceof StoreUnavailableError) return 1;
      throw err;
    }
  }

  async function withinRateLimit(userId: string, now: number): Promise<boolean> {
    const window = Math.floor(now / 1000 / config.RATE_LIMIT_WINDOW_SECONDS);
    return (await count(keys.limit(userId, `rate:${window}`), config.RATE_LIMIT_WINDOW_SECONDS)) <= config.RATE_LIMIT_MESSAGES;
  }

  /**
   * One LLM call from the user's daily budget. None is taken while the endpoint is known to be out of
   * reach (the last call failed to connect or timed out): the next turn's first call tries again.
   */
  async function takeLlmBudget(userId: string, now: number, probe = false): Promise<boolean> {
    if (!llm || (!probe && !llm.reachable())) return false;
    const day = new Date(now).toISOString().slice(0, 10);
    return (await count(keys.limit(userId, `llm:${day}`), DAY_MS / 1000 + 3_600)) <= config.LLM_DAILY_BUDGET;
  }

  // ------------------------------------------------------------ services the handlers use

  /**
   * Cards for a query, best first. `trustScope`: the understanding step already read the message as
   * an in-scope question, so the card that ranks first answers it even where BM25's own scope
   * threshold would have refused a casual wording.
   */
  async function search(query: string, options: { trustScope?: boolean } = {}): Promise<Hit[]> {
    if (embeddings && embed) {
      try {
        const hybrid = await hybridSearch(knowledge.index, embeddings, embed, query, 5);
        return hybrid.inScope || options.trustScope ? hybrid.hits : [];
      } catch (err) {
        log.warn({ err: (err as Error).message }, 'embedding search failed: BM25 only');
      }
    }
    const ranked = knowledge.ranker.rank(query, 5);
    return ranked.inScope || options.trustScope ? ranked.hits : [];
  }

  async function judge(ctx: TurnContext, invitation: string): Promise<Verdict> {
    const offline = judgeInvitation(invitation, knowledge.sources, models.verdict);
    if (!(await takeLlmBudget(ctx.userId, ctx.now))) return offline;
    try {
      const masked = maskPersonalData(invitation);
      const prompt = buildReadingPrompt(masked);
      const reading = await llm!.completeJson(
        [
          { role: 'system', content: prompt.system },
          { role: 'user', content: prompt.user },
        ],
        llmReadingSchema,
        { timeoutMs, purpose: 'verdict' },
      );
      // The same judgement over the facts both readings found; the tagger's strong signs keep their floor.
      const verdict = judgeInvitation(invitation, knowledge.sources, models.verdict, factsFromLlm(reading, masked));
      // An explanation written for another level would contradict the card: it is dropped.
      return reading.level === verdict.level ? { ...verdict, explanation: reading.explanation } : verdict;
    } catch (err) {
      log.warn({ err: err instanceof Error ? err.name : 'error' }, 'LLM reading failed: the models\u2019 verdict stands');
      return offline;
    }
  }

  async function phrase(ctx: TurnContext, request: { query: string; cards: readonly Chunk[]; offline: string; contactContext?: string }): Promise<string> {
    if (request.cards.length === 0 || !(await takeLlmBudget(ctx.userId, ctx.now))) return request.offline;
    try {
      const history = (await memory.recentTurns(ctx.userId).catch(() => [])).slice(-6).map((t) => ({ role: t.role, text: t.text }));
      const answer = await llm!.complete(buildAnswerMessages({ query: request.query, cards: request.cards, history, ...(request.contactContext ? { contactContext: request.contactContext } : {}) }), {
        timeoutMs,
        purpose: 'answer',
      });
      const checked = checkCitations(answer, request.cards, sourceLine);
      if (!checked) log.warn('LLM answer cited no given card: the offline card answers');
      return checked ?? request.offline;
    } catch (err) {
      log.warn({ err: err instanceof Error ? err.name : 'error' }, 'LLM answer failed: the offline card answers');
      return request.offline;
    }
  }

  /** OCR reads screenshots; a model that sees images transcribes instead, with OCR as the fallback. */
  async function readImage(ctx: TurnContext, bytes: Uint8Array): Promise<ImageReading> {
    if (config.OPENAI_VISION && llm && (await takeLlmBudget(ctx.userId, ctx.now))) {
      try {
        const transcribed = await llm.transcribeImage(bytes, { timeoutMs, mimeType: sniffImageType(bytes) });
        if (transcribed.trim()) return { text: transcribed, hasText: looksLikeText({ text: transcribed, confidence: 1 }), via: 'llm' };
      } catch (err) {
        log.warn({ err: err instanceof Error ? err.name : 'error' }, 'image transcription failed: OCR reads it');
      }
    }
    try {
      const read = await readImageText(bytes);
      return { text: read.text, hasText: looksLikeText(read), via: 'ocr' };
    } catch (err) {
      log.warn({ err: err instanceof Error ? err.name : 'error' }, 'image could not be read');
      if (err instanceof ImageTooLargeError) return { failure: 'too-large' };
      if (err instanceof NotAnImageError) return { failure: 'not-an-image' };
      return { failure: 'unreadable' };
    }
  }

  const allowHosts = parseAllowHosts(config.LINK_ALLOW_HOSTS);
  async function readLinkedPage(url: string): Promise<PageFacts | { failure: string }> {
    try {
      return await readLink(url, { allowHosts });
    } catch (err) {
      // Logged by kind and host only: a URL's path can carry personal data.
      log.info({ err: err instanceof Error ? err.name : 'error', host: linkKind(url).host }, 'linked page could not be read');
      return { failure: err instanceof Error ? err.name : 'error' };
    }
  }

  const services: Services = {
    card: (id) => cardsById.get(id),
    cardSources: knowledge.sources,
    search,
    judge,
    phrase,
    readImage,
    readLink: readLinkedPage,
    readContact: (t) => models.contacts.read(t),
  };

  // ------------------------------------------------------------ the turn

  function dialogueOf(state: ConversationState, now: number): Dialogue {
    const { profile, contacts } = state;
    const lastAnswerCard = profile.lastAnswer ? cardsById.get(profile.lastAnswer.cardId) : undefined;
    return {
      now,
      verdictAt: profile.lastVerdict?.at,
      answerAt: profile.lastAnswer?.at,
      // 「はい」 takes up the offer of an example only while the example is still unseen.
      answerHasExample: lastAnswerCard?.example !== undefined && !showsExample(lastAnswerCard) && !profile.lastAnswer!.shown.includes('example'),
      deletionAskedAt: profile.pendingDeletionAt,
      knownContacts: contacts.map((c) => c.name),
    };
  }

  /**
   * The LLM's reading when one is configured and within budget (structured, checked, combined with
   * the trained model's); the trained model's alone otherwise, or when the LLM fails.
   */
  async function readMessage(text: string, last: ReturnType<typeof lastTurnOf>, userId: string, now: number): Promise<Reading> {
    const trained = models.understander.read(text, last);
    if (!llm || COMMAND_ACTS_SURE(trained) || !(await takeLlmBudget(userId, now, true))) return trained;
    try {
      const llmReading = await llm.completeJson(buildUnderstandingPrompt(maskPersonalData(text).slice(0, 2_000), last), llmUnderstandingSchema, {
        timeoutMs: Math.min(timeoutMs, UNDERSTANDING_TIMEOUT_MS),
        purpose: 'understanding',
      });
      return combineReadings(trained, llmReading, text);
    } catch (err) {
      log.warn({ err: err instanceof Error ? err.name : 'error' }, 'LLM understanding failed: the trained model decides');
      return trained;
    }
  }

  /** What a message means: an exact command or button label first, then the models and the dialogue. */
  async function understand(ctx: Pick<TurnContext, 'text' | 'input' | 'state' | 'dialogue' | 'userId' | 'now'>): Promise<{ action: Action; reading?: TurnContext['reading'] }> {
    if (ctx.input.postback) return { action: actionOfPostback(parsePostback(ctx.input.postback), ctx.state.profile.session) };
    if (ctx.input.image || ctx.input.imageFailure) return { action: 'judge-image' };
    const named = exactAction(ctx.text);
    if (named) return { action: named };
    const exact = exactAct(ctx.text);
    const reading = exact ? models.understander.read(ctx.text, lastTurnOf(ctx.dialogue)) : await readMessage(ctx.text, lastTurnOf(ctx.dialogue), ctx.userId, ctx.now);
    if (exact) return { action: resolve(exact, ctx.dialogue, reading.person), reading: { ...reading, act: exact } };
    // A link to read is an invitation to judge, unless the message asks something else of the bot.
    if (findUrls(ctx.text).length > 0 && LINK_MAY_BE_JUDGED.has(reading.act)) return { action: 'judge', reading };
    return { action: resolve(reading.act, ctx.dialogue, reading.person), reading };
  }

  /** Deleting is the pipeline's to do: it owns the store, and nothing of the user may remain after. */
  async function deleteConfirmed(ctx: TurnContext): Promise<{ result: TurnResult; deleted: boolean }> {
    const { pendingDeletionAt } = ctx.state.profile;
    if (pendingDeletionAt === undefined || ctx.now - pendingDeletionAt > CONFIRMATION_WINDOW_MS || ctx.now < pendingDeletionAt) {
      return { result: reply('stale-button', [text(copy.deletion.expired)]), deleted: false };
    }
    try {
      const deleted = await memory.forget(ctx.userId);
      log.info({ deleted }, 'user data deleted on request');
      return { result: reply('delete-confirm', [text(copy.deletion.done)]), deleted: true };
    } catch (err) {
      log.warn({ err: err instanceof Error ? err.name : 'error' }, 'deleting user data failed');
      return { result: reply('delete-confirm', [text(copy.deletion.failed)]), deleted: false };
    }
  }

  async function remember(ctx: TurnContext, result: TurnResult): Promise<void> {
    if (!ctx.state.readable) return; // nothing is saved over what could not be read
    try {
      if (ctx.state.contactsChanged) await memory.saveContacts(ctx.userId, ctx.state.contacts);
      if (ctx.state.forgetTurns) {
        // A reset forgets the conversation (turns, topic, verdict) and keeps the contacts.
        await memory.forgetTurns(ctx.userId);
        await memory.saveProfile(ctx.userId, ctx.state.profile);
        return;
      }
      await memory.appendTurns(ctx.userId, ctx.state.profile, [
        { role: 'user', text: maskPersonalData(ctx.text || `[button] ${ctx.input.postback ?? ''}`), intent: result.intent, at: ctx.now },
        { role: 'bot', text: maskPersonalData(flatten(result.messages)), intent: result.intent, at: ctx.now },
      ]);
      await memory.saveProfile(ctx.userId, ctx.state.profile);
    } catch (err) {
      if (!(err instanceof StoreUnavailableError)) throw err;
      log.warn('state store went away during the turn: this turn is not remembered');
    }
  }

  async function turn(input: TurnInput): Promise<TurnResult> {
    const { now, userId } = input;
    if (!(await withinRateLimit(userId, now))) {
      metrics.rateLimitHits.inc();
      return reply('rate-limited', [text(copy.rateLimited)]);
    }
    const loaded = await memory.load(userId);
    if (!loaded.readable) log.warn('state store unreadable: answering without memory, saving nothing');
    const state: ConversationState = { ...loaded, contactsChanged: false, forgetTurns: false };
    const bounded = (input.text ?? '').slice(0, MAX_TURN_CHARS);
    const dialogue = dialogueOf(state, now);
    const base = { input, text: bounded, now, userId, state, dialogue, services, log };
    const { action, reading } = await understand(base);
    const ctx: TurnContext = { ...base, reading, action };
    let result: TurnResult;
    try {
      if (action === 'delete-confirm') {
        const deletion = await deleteConfirmed(ctx);
        if (deletion.deleted) return deletion.result; // nothing of the user remains, not even this turn
        result = deletion.result;
      } else {
        result = await (HANDLERS[action] as Handler)(ctx);
      }
    } catch (err) {
      // The one error boundary: whatever failed, the user gets an answer and the error a log line.
      log.error({ err, action }, 'handler failed');
      metrics.errors.inc({ stage: 'turn' });
      return reply(action, [text(copy.somethingWentWrong)]);
    }
    result = withBoundaryNote(result, reading?.careful);
    result = { ...result, messages: stampSession(result.messages, ctx.state.profile.session) };
    result.debug = { ...result.debug, action, ...(reading?.careful ? { careful: reading.careful } : {}), ...(reading ? { act: reading.act, confidence: Number(reading.confidence.toFixed(3)), ranking: reading.ranking.map((r) => `${r.act} ${r.probability.toFixed(2)}`) } : {}) };
    await remember(ctx, result);
    return result;
  }

  async function verdictOf(input: { text?: string; image?: Uint8Array }, userId: string, now: number): Promise<{ verdict?: Verdict; reply: TurnResult }> {
    const state: ConversationState = { profile: { session: 'cli' }, contacts: [], readable: false, contactsChanged: false, forgetTurns: false };
    const invitation = (input.text ?? '').slice(0, MAX_INVITATION_CHARS);
    const action = input.image ? 'judge-image' : 'judge';
    const ctx: TurnContext = { input: { userId, chatType: 'user', now, ...input }, text: invitation, now, userId, state, dialogue: dialogueOf(state, now), action, services, log };
    const result = await HANDLERS[action](ctx);
    return { ...(result.verdict ? { verdict: result.verdict } : {}), reply: result };
  }

  return { turn, slow: llm !== undefined, knowledge, memory, verdictOf };
}
