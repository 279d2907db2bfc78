// Every example question in knowledge/ gets an offline answer that carries its chunk's facts and names its source.
import { describe, expect, it } from 'vitest';
import { composeAnswer, splitSentences } from '../src/adviser/compose-answer.ts';
import { searchKnowledge } from '../src/adviser/retrieval.ts';
import { createKnowledgeBase } from '../src/conversation/adviser.ts';

const knowledge = createKnowledgeBase();
const cases = knowledge.chunks.flatMap((chunk) => chunk.questions.map((question) => ({ chunk, question })));

describe('offline answers to the knowledge’s own example questions', () => {
  it('covers at least 40 chunks from both articles and the public-body notes', () => {
    expect(knowledge.chunks.length).toBeGreaterThanOrEqual(40);
    const sources = new Set(knowledge.chunks.map((c) => c.source));
    expect([...sources].some((s) => s.includes('恋愛に発展'))).toBe(true);
    expect([...sources].some((s) => s.includes('気持ち悪い'))).toBe(true);
    expect([...sources].some((s) => /消費者庁|国民生活センター|警察/.test(s))).toBe(true);
  });

  it.each(cases.map((c) => [c.chunk.id, c.question, c] as const))('%s: 「%s」 is answered from that chunk, with its source', (_id, question, { chunk }) => {
    const hits = searchKnowledge(knowledge.index, question, 5);
    const { text, sources } = composeAnswer(question, hits);
    const fromChunk = splitSentences(chunk.body).some((sentence) => text.includes(sentence.slice(0, 20)));
    expect(fromChunk).toBe(true);
    expect(sources.map((s) => s.id)).toContain(chunk.id);
    expect(text).toContain(chunk.source);
  });
});
