// The conversation layer: one turn = load memory, decide, answer, remember.
// Decisions are the pure functions in src/adviser/; this file sequences them around the ports.
import { coachingPlan, declineHarmfulRequest, detectGoal, isHarmfulRequest } from '../adviser/coaching.ts';
import { composeAnswer, composeOutOfScope } from '../adviser/compose-answer.ts';
import { applyMention, type Contact, describeContact, findContact, findNames, isContactReport, readContactMention } from '../adviser/contacts.ts';
import { classifyIntent, contactToDelete, INVITATION_WINDOW_MS, type Intent, intentFromPostback, parsePostback } from '../adviser/intent.ts';
import { buildAnswerMessages } from '../adviser/llm-answer.ts';
import { buildVerdictPrompt, type ExplainedVerdict, llmVerdictSchema, mergeLlmVerdict } from '../adviser/llm-verdict.ts';
import { buildEmbeddingIndex, type EmbeddingIndex, hybridSearch } from '../adviser/embedding-index.ts';
import { maskPersonalData } from '../adviser/privacy.ts';
import { buildKnowledgeIndex, type Hit, type KnowledgeIndex, searchKnowledge } from '../adviser/retrieval.ts';
import type { LineMessage, SourceRef, Verdict } from '../adviser/types.ts';
import { explainVerdict, howToDecline, precautionsFor, verdictMessages } from '../adviser/verdict-card.ts';
import { judgeInvitation, looksLikeInvitation } from '../adviser/verdict.ts';
import type { Config } from '../config.ts';
import { loadKnowledge } from '../knowledge/load.ts';
import type { Chunk } from '../knowledge/schema.ts';
import type { ChatMessage, LlmPort } from '../llm/llm.ts';
import type { Logger } from '../observability/log.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { Adviser } from '../processing/handle-event.ts';
import { keys, type StateStore } from '../store/store.ts';
import { mainMenuQuickReplies, quickReply, rateLimitedMessages } from './canned.ts';
import { MemoryRepository, type Profile } from './memory.ts';
import type { TurnInput, TurnResult } from './turn.ts';

export type KnowledgeBase = {
  chunks: readonly Chunk[];
  index: KnowledgeIndex;
  sources: ReadonlyMap<string, { title: string; source: string }>;
};

export function createKnowledgeBase(chunks: readonly Chunk[] = loadKnowledge()): KnowledgeBase {
  return {
    chunks,
    index: buildKnowledgeIndex(chunks),
    sources: new Map(chunks.map((c) => [c.id, { title: c.title, source: c.source }])),
  };
}

export type AdviserDeps = {
  store: StateStore;
  llm: LlmPort | undefined;
  config: Pick<Config, 'stateTtlSeconds' | 'LLM_TIMEOUT_MS' | 'RATE_LIMIT_MESSAGES' | 'RATE_LIMIT_WINDOW_SECONDS' | 'LLM_DAILY_BUDGET'>;
  log: Logger;
  metrics: Metrics;
  knowledge?: KnowledgeBase;
  now?: () => number;
};

export type ConversationAdviser = Adviser & { knowledge: KnowledgeBase; memory: MemoryRepository };

const sourceRef = (chunk: Chunk): SourceRef => ({ id: chunk.id, title: chunk.title, source: chunk.source });

const textMessage = (body: string, quick?: LineMessage['quickReply']): LineMessage => ({
  type: 'text',
  text: body.slice(0, 5_000),
  ...(quick?.items && quick.items.length > 0 ? { quickReply: { items: quick.items.slice(0, 13) } } : {}),
});

const DAY_MS = 86_400_000;
/** Forwarded parts arriving this close together are read as one invitation. */
const INVITATION_PARTS_WINDOW_MS = 3 * 60_000;

export async function createAdviser(deps: AdviserDeps): Promise<ConversationAdviser> {
  const knowledge = deps.knowledge ?? createKnowledgeBase();
  const memory = new MemoryRepository(deps.store, deps.config.stateTtlSeconds);
  const { llm, log, store, metrics, config } = deps;
  const timeoutMs = config.LLM_TIMEOUT_MS;

  // With an embedding endpoint, chunks are embedded once (cached by content hash) in the
  // background; until then, or if it fails, BM25 alone ranks.
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

  async function search(query: string): Promise<Hit[]> {
    if (embeddings && embed) {
      try {
        return (await hybridSearch(knowledge.index, embeddings, embed, query, 5)).hits;
      } catch (err) {
        log.warn({ err: (err as Error).message }, 'embedding search failed: BM25 only');
      }
    }
    return searchKnowledge(knowledge.index, query, 5);
  }

  /** Atomic per-user counters: they hold across processes sharing one Redis. */
  async function withinRateLimit(userId: string, now: number): Promise<boolean> {
    const window = Math.floor(now / 1000 / config.RATE_LIMIT_WINDOW_SECONDS);
    const count = await store.increment(keys.user(userId, `rate:${window}`), config.RATE_LIMIT_WINDOW_SECONDS);
    return count <= config.RATE_LIMIT_MESSAGES;
  }

  async function takeLlmBudget(userId: string, now: number): Promise<boolean> {
    if (!llm) return false;
    const day = new Date(now).toISOString().slice(0, 10);
    const used = await store.increment(keys.user(userId, `llm:${day}`), DAY_MS / 1000 + 3_600);
    return used <= config.LLM_DAILY_BUDGET;
  }

  /** The LLM phrases when configured and within budget; any error or timeout falls back offline. */
  async function phrase(userId: string, now: number, offline: string, build: () => Promise<ChatMessage[]>): Promise<string> {
    if (!(await takeLlmBudget(userId, now))) return offline;
    try {
      return await llm!.complete(await build(), { timeoutMs, purpose: 'answer' });
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'LLM answer failed: offline composer answers');
      return offline;
    }
  }

  async function history(userId: string): Promise<{ role: 'user' | 'bot'; text: string }[]> {
    return (await memory.recentTurns(userId)).slice(-6).map((t) => ({ role: t.role, text: t.text }));
  }

  async function judge(invitation: string, userId: string, now: number): Promise<Verdict> {
    const ruled = judgeInvitation(invitation, knowledge.sources);
    if (!(await takeLlmBudget(userId, now))) return ruled;
    try {
      const prompt = buildVerdictPrompt(maskPersonalData(invitation), ruled);
      const output = await llm!.completeJson(
        [
          { role: 'system', content: prompt.system },
          { role: 'user', content: prompt.user },
        ],
        llmVerdictSchema,
        { timeoutMs, purpose: 'verdict' },
      );
      return mergeLlmVerdict(ruled, output, { invitation: maskPersonalData(invitation), chunkSources: knowledge.sources });
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'LLM verdict failed: rule verdict stands');
      return ruled;
    }
  }

  const chunkRefs = (ids: readonly string[]): SourceRef[] =>
    ids.flatMap((id) => {
      const chunk = knowledge.index.byId.get(id);
      return chunk ? [sourceRef(chunk)] : [];
    });

  async function answerQuestion(input: TurnInput, profile: Profile, intent: 'question' | 'followup', said: string): Promise<TurnResult> {
    const query = intent === 'followup' && profile.lastTopic ? `${profile.lastTopic.query} ${said}` : said;
    const hits = await search(query);
    if (hits.length === 0) {
      return { intent: 'out-of-scope', sources: [], messages: [textMessage(composeOutOfScope(), { items: mainMenuQuickReplies })] };
    }
    const composed = composeAnswer(query, hits);
    const maskedQuery = maskPersonalData(query);
    const answer = await phrase(input.userId, input.now, composed.text, async () =>
      buildAnswerMessages({ query: maskedQuery, hits, history: await history(input.userId) }),
    );
    profile.lastTopic = { query, chunkIds: hits.map((h) => h.chunk.id), intent, at: input.now };
    // Asked about someone the bot has no record of: offer to remember them for stage-aware advice.
    const [unknownName] = findNames(said);
    const hint = unknownName
      ? `\n\n${unknownName}とどこで知り合って、いまどのくらいの関係か（名刺交換だけ、LINEを交換した、2人で食事した…）を教えてもらえれば、段階に合わせて一緒に考えます。`
      : '';
    return {
      intent,
      sources: composed.sources,
      messages: [textMessage(answer + hint, { items: composed.quickReplies.map((q) => quickReply(q)) })],
      debug: { chunks: hits.map((h) => ({ id: h.chunk.id, score: Number(h.score.toFixed(3)) })) },
    };
  }

  async function coach(input: TurnInput, profile: Profile, contact: Contact, said: string): Promise<TurnResult> {
    const goal = detectGoal(said);
    const plan = coachingPlan(contact, goal);
    const hits: Hit[] = plan.chunkIds.flatMap((id) => {
      const chunk = knowledge.index.byId.get(id);
      return chunk ? [{ chunk, score: 1 }] : [];
    });
    const sources = chunkRefs(plan.chunkIds);
    const offline = [
      plan.lead,
      plan.steps.map((s, i) => `${i + 1}. ${s}`).join('\n'),
      plan.closing,
      `出典: ${sources.map((s) => `${s.title}（${s.source}）`).join('／')}`,
    ].join('\n\n');
    const answer = await phrase(input.userId, input.now, offline, async () =>
      buildAnswerMessages({
        query: maskPersonalData(said),
        hits,
        history: await history(input.userId),
        contactContext: `${describeContact(contact)}\n助言の方針: ${plan.lead} ${plan.steps.join(' ')}`,
      }),
    );
    profile.lastTopic = { query: said, chunkIds: plan.chunkIds, intent: 'coaching', at: input.now };
    return {
      intent: 'coaching',
      sources,
      messages: [textMessage(answer, { items: [quickReply('連絡先一覧'), quickReply(`${contact.name}を飲みに誘うには？`)] })],
      debug: { contact, goal, chunks: plan.chunkIds.map((id) => ({ id, score: 1 })) },
    };
  }

  async function turn(input: TurnInput): Promise<TurnResult> {
    const { now, userId } = input;
    if (!(await withinRateLimit(userId, now))) {
      metrics.rateLimitHits.inc();
      return { intent: 'rate-limited', sources: [], messages: rateLimitedMessages() };
    }
    const said = input.text ?? '';
    // Independent reads go out together: with Redis each is a round trip.
    let [profile, contacts] = await Promise.all([memory.loadProfile(userId), said ? memory.loadContacts(userId) : undefined]);
    const loadContacts = async () => (contacts ??= await memory.loadContacts(userId));
    const knownContacts = contacts ?? [];

    const intent: Intent = input.postback
      ? intentFromPostback(parsePostback(input.postback), profile.session)
      : classifyIntent(
          said,
          {
            now,
            lastVerdictAt: profile.lastVerdict?.at,
            lastTopicAt: profile.lastTopic?.at,
            pendingInvitationAt: profile.pendingInvitation?.at,
          },
          {
            invitationLike: looksLikeInvitation,
            contactReport: isContactReport,
            mentionsKnownContact: (t) => findContact(knownContacts, t) !== undefined,
            harmful: isHarmfulRequest,
          },
        );

    let result: TurnResult;
    let remember = true;
    switch (intent) {
      case 'help':
        result = { intent, sources: [], messages: [textMessage(helpText(), { items: mainMenuQuickReplies })] };
        break;
      case 'greeting':
        result = {
          intent,
          sources: [],
          messages: [textMessage('こんにちは！交流会の誘いのチェックや、マナー・戦略の相談に乗ります。気になっていることを気軽に送ってください。', { items: mainMenuQuickReplies })],
        };
        break;
      case 'thanks':
        result = { intent, sources: [], messages: [textMessage('どういたしまして。また気になる誘いが来たら、いつでも転送してくださいね。', { items: mainMenuQuickReplies })] };
        break;
      case 'stale-button':
        result = { intent, sources: [], messages: [textMessage('このボタンは以前の会話のものなので、もう使えません。必要なら、あらためてメッセージを送ってください。', { items: mainMenuQuickReplies })] };
        break;
      case 'command-reset':
        profile = await memory.resetConversation(userId);
        result = {
          intent,
          sources: [],
          messages: [textMessage('会話の流れをリセットしました。登録した知り合いの情報は残っています（消したいときは「データを削除」）。', { items: mainMenuQuickReplies })],
        };
        remember = false;
        break;
      case 'command-delete':
        profile.pendingDeletionAt = now;
        result = { intent, sources: [], messages: [deletionConfirmation(profile.session)] };
        break;
      case 'command-delete-confirm': {
        if (profile.pendingDeletionAt === undefined || now - profile.pendingDeletionAt > 10 * 60_000) {
          result = { intent: 'stale-button', sources: [], messages: [textMessage('削除の確認期限が切れました。もう一度「データを削除」と送ってください。')] };
          break;
        }
        const deleted = await memory.forget(userId);
        log.info({ deleted }, 'user data deleted on request');
        // Nothing of the user may remain, not even this turn.
        return {
          intent,
          sources: [],
          messages: [textMessage('あなたに関するデータ（会話の履歴、判定結果、知り合いの記録）をすべて削除しました。またいつでも話しかけてくださいね。')],
        };
      }
      case 'command-delete-cancel':
        delete profile.pendingDeletionAt;
        result = { intent, sources: [], messages: [textMessage('削除は取りやめました。データはそのまま残っています。')] };
        break;
      case 'contacts-list': {
        const list = await loadContacts();
        result = {
          intent,
          sources: [],
          messages: [
            textMessage(
              list.length === 0
                ? 'まだ知り合いの記録はありません。「IT交流会で田中さんと名刺交換した」のように教えてもらえれば、次の一歩を一緒に考えます。'
                : `いま記録している知り合いです。\n${list.map((c) => `・${describeContact(c)}`).join('\n')}\n\n名前を出して「${list[0]!.name}を合コンに誘うには？」のように聞いてください。消すときは「${list[0]!.name}を削除」。`,
              { items: list.slice(0, 12).map((c) => quickReply(`${c.name}の次の一歩`, `${c.name}と仲良くなるには？`)) },
            ),
          ],
        };
        break;
      }
      case 'contact-delete': {
        const list = await loadContacts();
        const name = contactToDelete(said) ?? '';
        const target = findContact(list, name);
        if (target) {
          contacts = list.filter((c) => c !== target);
          await memory.saveContacts(userId, contacts);
        }
        result = {
          intent,
          sources: [],
          messages: [textMessage(target ? `${target.name}の記録を削除しました。` : `「${name}」という知り合いの記録は見つかりませんでした。「連絡先一覧」で確認できます。`)],
        };
        break;
      }
      case 'contact-report': {
        const mention = readContactMention(said)!;
        const list = await loadContacts();
        const existing = findContact(list, mention.name);
        const updated = applyMention(existing, mention, now);
        contacts = [...list.filter((c) => c !== existing), updated];
        await memory.saveContacts(userId, contacts);
        const plan = coachingPlan(updated, undefined);
        const sources = chunkRefs(plan.chunkIds.slice(0, 2));
        result = {
          intent,
          sources,
          messages: [
            textMessage(
              `${existing ? '更新しました' : '覚えておきますね'}：${describeContact(updated)}\n\n次の一歩の目安です。\n${plan.steps
                .slice(0, 2)
                .map((s) => `・${s}`)
                .join('\n')}\n\n${plan.closing}\n出典: ${sources.map((s) => s.title).join('／')}`,
              { items: [quickReply(`${updated.name}を飲みに誘うには？`), quickReply('連絡先一覧')] },
            ),
          ],
          debug: { contact: updated },
        };
        break;
      }
      case 'coaching': {
        const contact = findContact(await loadContacts(), said)!;
        result = await coach(input, profile, contact, said);
        break;
      }
      case 'harmful-request':
        result = { intent, sources: chunkRefs(['permission-not-pressure']), messages: [textMessage(declineHarmfulRequest())] };
        break;
      case 'invitation-prompt':
        result = {
          intent,
          sources: [],
          messages: [textMessage('届いた誘いのメッセージや告知文を、そのまま転送するか貼り付けてください。日時・会場・参加費・主催者などが入っていると、より正確に見立てられます。')],
        };
        break;
      case 'invitation': {
        // A user often pastes first and asks second, or forwards several messages in a row:
        // parts pasted moments apart are one invitation; a later question refers to the last one.
        const pending = profile.pendingInvitation;
        const pasted = looksLikeInvitation(said);
        const age = pending ? now - pending.at : Infinity;
        const invitation = pasted
          ? pending && age <= INVITATION_PARTS_WINDOW_MS && pending.text !== said
            ? `${pending.text}\n${said}`
            : said
          : pending && age <= INVITATION_WINDOW_MS
            ? pending.text
            : said;
        const verdict = await judge(invitation, userId, now);
        profile.lastVerdict = { verdict, invitation: maskPersonalData(invitation), at: now };
        profile.pendingInvitation = { text: invitation, at: now };
        result = {
          intent,
          sources: sourcesOfVerdict(verdict, knowledge),
          verdict,
          messages: stampSession(verdictMessages(verdict), profile.session),
          debug: { flags: verdict.flags.map((f) => ({ kind: f.kind, id: f.id, evidence: f.evidence, chunkId: f.chunkId })) },
        };
        break;
      }
      case 'verdict-why':
      case 'verdict-decline':
      case 'verdict-precautions': {
        const last = profile.lastVerdict;
        if (!last) {
          result = { intent, sources: [], messages: [textMessage('まだ判定した招待がありません。気になる誘いを転送してもらえれば、見立てをお伝えします。')] };
          break;
        }
        const explained = last.verdict as ExplainedVerdict;
        const body =
          intent === 'verdict-why'
            ? [explained.explanation, explainVerdict(last.verdict)].filter(Boolean).join('\n\n')
            : intent === 'verdict-decline'
              ? howToDecline(last.verdict)
              : precautionsFor(last.verdict);
        result = {
          intent,
          sources: sourcesOfVerdict(last.verdict, knowledge),
          verdict: last.verdict,
          messages: [textMessage(body, { items: verdictFollowUps(intent) })],
        };
        break;
      }
      case 'followup':
      case 'question':
        result = await answerQuestion(input, profile, intent, said);
        break;
    }

    if (remember) {
      await memory.appendTurns(userId, profile, [
        { role: 'user', text: maskPersonalData(said || `[button] ${input.postback ?? ''}`), intent: result.intent, at: now },
        { role: 'bot', text: maskPersonalData(flatten(result.messages)), intent: result.intent, at: now },
      ]);
    }
    await memory.saveProfile(userId, profile);
    return result;
  }

  return { turn, slow: llm !== undefined, knowledge, memory };
}

function deletionConfirmation(session: string): LineMessage {
  return {
    type: 'template',
    altText: 'データを削除しますか？（はい／いいえ）',
    template: {
      type: 'confirm',
      text: '会話の履歴・判定結果・知り合いの記録をすべて削除します。よろしいですか？',
      actions: [
        { type: 'postback', label: '削除する', data: `action=delete-confirm&s=${session}`, displayText: '削除する' },
        { type: 'postback', label: 'やめておく', data: `action=delete-cancel&s=${session}`, displayText: 'やめておく' },
      ],
    },
  };
}

/** Adds the session marker to every postback in the messages, so stale buttons are recognised. */
export function stampSession(messages: LineMessage[], session: string): LineMessage[] {
  const stamp = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(stamp);
    if (typeof node !== 'object' || node === null) return node;
    const record = node as Record<string, unknown>;
    const copy: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(record)) copy[key] = stamp(value);
    if (record.type === 'postback' && typeof record.data === 'string' && !/(?:^|&)s=/.test(record.data)) {
      copy.data = `${record.data}&s=${session}`;
    }
    return copy;
  };
  return stamp(messages) as LineMessage[];
}

function sourcesOfVerdict(verdict: Verdict, knowledge: KnowledgeBase): SourceRef[] {
  const seen = new Set<string>();
  const refs: SourceRef[] = [];
  for (const flag of verdict.flags) {
    if (seen.has(flag.chunkId)) continue;
    seen.add(flag.chunkId);
    const chunk = knowledge.index.byId.get(flag.chunkId);
    if (chunk) refs.push(sourceRef(chunk));
  }
  return refs;
}

function verdictFollowUps(current: Intent) {
  const all: [Intent, string][] = [
    ['verdict-why', 'なぜ？'],
    ['verdict-decline', 'どう断る？'],
    ['verdict-precautions', '参加するなら気をつけること'],
  ];
  return all.filter(([intent]) => intent !== current).map(([, label]) => quickReply(label));
}

/** What the user reads, as plain text: text bodies and the alt text of cards. */
export function flatten(messages: LineMessage[]): string {
  return messages
    .map((m) => (m.type === 'text' ? m.text : 'altText' in m ? m.altText : ''))
    .filter(Boolean)
    .join('\n\n');
}

function helpText(): string {
  return [
    '使い方はシンプルです。',
    '・誘いのチェック：届いたメッセージや告知文を転送（貼り付け）→「安全そう／注意／危険の可能性大」と理由、次にやることをお返しします。判定のあとに「なぜ？」「どう断る？」も聞けます。',
    '・マナーと戦略：「カフェ会ってどんな感じ？」「交流会のあとのフォローは？」のように、普段の言葉で質問してください。',
    '・知り合った人のこと：「IT交流会で田中さんと名刺交換した」のように教えてもらえれば記録して、次の一歩を一緒に考えます。「連絡先一覧」で確認、「田中さんを削除」で消せます。',
    '・「リセット」で会話の流れをリセット、「データを削除」であなたのデータをすべて削除します。',
    '法律が関わる判断は確約できないので、必要なときは消費者ホットライン188や弁護士への相談をご案内します。',
  ].join('\n');
}
