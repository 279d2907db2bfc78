// Prompt building for the LLM answer path. Pure apart from reading prompts/*.md (once, cached).
// Calling the model, and falling back to the offline composer, belong to the caller.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChatMessage } from '../llm/llm.ts';
import type { Hit } from './retrieval.ts';

export type { ChatMessage };

/** One earlier turn of the conversation, as the memory keeps it. */
export type HistoryTurn = { role: 'user' | 'bot'; text: string };

export type AnswerRequest = {
  query: string;
  hits: readonly Hit[];
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

/** The retrieved chunks as the model sees them: numbered, with id, title, source and body. */
export function formatSources(hits: readonly Hit[]): string {
  if (hits.length === 0) return '（参考情報はありません）';
  return hits
    .map(({ chunk }, i) => [`[${i + 1}] id: ${chunk.id}`, `タイトル: ${chunk.title}`, `出典: ${chunk.source}`, `本文: ${chunk.body}`].join('\n'))
    .join('\n\n');
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
    sources: formatSources(request.hits),
    contact: request.contactContext?.trim() || 'なし',
    question: request.query.trim(),
  });
  return [{ role: 'system', content: system }, ...history, { role: 'user', content: user }];
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
