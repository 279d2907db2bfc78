// Prompt building for the LLM answer path. Pure apart from reading prompts/*.md (once, cached).
// Calling the model, and falling back to the offline composer, belong to the caller.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChatMessage } from '../llm/llm.ts';
import type { Chunk } from '../knowledge/schema.ts';

export type { ChatMessage };

/** One earlier turn of the conversation, as the memory keeps it. */
export type HistoryTurn = { role: 'user' | 'bot'; text: string };

export type AnswerRequest = {
  query: string;
  cards: readonly Chunk[];
  history: readonly HistoryTurn[];
  /** What the bot remembers about the person the user is asking about (coaching). */
  contactContext?: string;
};

export const promptsDir = fileURLToPath(new URL('../../prompts/', import.meta.url));

/** Earlier turns sent with the question: enough for "それって？" to make sense, no more. */
export const historyTurns = 6;
const historyTurnChars = 400;

const promptCache = new Map<string, string>();

/** Reads prompts/<name>.md; names are kebab-case so a name can never reach outside the folder. */
export function readPrompt(name: string, dir: string = promptsDir): string {
  if (!/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(name)) throw new Error(`prompt name "${name}" must be kebab-case`);
  const path = join(dir, `${name}.md`);
  const cached = promptCache.get(path);
  if (cached !== undefined) return cached;
  const text = readFileSync(path, 'utf8').trim();
  promptCache.set(path, text);
  return text;
}

/** Replaces {{key}} placeholders; a placeholder without a value is a bug, so it throws. */
export function fillTemplate(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`prompt template needs a value for {{${key}}}`);
    return value;
  });
}

/** The cards as the model sees them: numbered, with id, title, source, the card's answer and its explanation. */
export function formatSources(cards: readonly Chunk[]): string {
  if (cards.length === 0) return '（参考情報はありません）';
  return cards
    .map((card, i) =>
      [
        `[${i + 1}] id: ${card.id}`,
        `タイトル: ${card.title}`,
        `出典: ${card.source}`,
        ...(card.answer ? [`答え: ${card.answer}`] : []),
        ...(card.points?.length ? [`ポイント: ${card.points.join(' ')}`] : []),
        ...(card.next_step ? [`次の一歩: ${card.next_step}`] : []),
        ...(card.example ? [`例文: ${card.example}`] : []),
        `説明: ${card.body}`,
      ].join('\n'),
    )
    .join('\n\n');
}

const CITATION = /【出典[:：]\s*([^】]+)】/g;

/**
 * Checks the model's answer against the cards it was given: it must cite at least one of them, and
 * only them. The citations are then rewritten in the bot's own 「出典：」 lines. Undefined when the
 * answer does not hold, so the caller falls back to the offline card.
 */
export function checkCitations(answer: string, cards: readonly Chunk[], sourceLine: (cards: readonly { source: string }[]) => string): string | undefined {
  const cited = [...answer.matchAll(CITATION)].map((m) => m[1]!.trim());
  if (cited.length === 0) return undefined;
  const byTitle = new Map(cards.map((card) => [card.title, card]));
  const used: Chunk[] = [];
  for (const title of cited) {
    const card = byTitle.get(title) ?? cards.find((c) => title.includes(c.title) || c.title.includes(title));
    if (!card) return undefined;
    if (!used.includes(card)) used.push(card);
  }
  const body = answer.replace(CITATION, '').replace(/[ \t]+\n/g, '\n').replace(/\n{3,}/g, '\n\n').trim();
  return `${body}\n\n${sourceLine(used)}`;
}

export type AnswerPrompts = { system: string; answer: string };

/**
 * OpenAI chat messages for a grounded answer: the system prompt (voice, grounding and citation
 * rules), the last few turns, then the question with the retrieved chunks.
 */
export function buildAnswerMessages(request: AnswerRequest, prompts?: AnswerPrompts): ChatMessage[] {
  const system = prompts?.system ?? readPrompt('system');
  const answer = prompts?.answer ?? readPrompt('answer');
  const history: ChatMessage[] = request.history
    .filter((turn) => turn.text.trim().length > 0)
    .slice(-historyTurns)
    .map((turn) => ({
      role: turn.role === 'user' ? 'user' : 'assistant',
      content: clip(turn.text.trim(), historyTurnChars),
    }));
  const user = fillTemplate(answer, {
    sources: formatSources(request.cards),
    contact: request.contactContext?.trim() || 'なし',
    question: request.query.trim(),
  });
  return [{ role: 'system', content: system }, ...history, { role: 'user', content: user }];
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
