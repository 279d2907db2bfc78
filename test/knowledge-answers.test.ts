// Answers as a specification: one card answers, in layers, in the voice of a person, citing only
// the cards used. Offline, pure: the composer over the repository's cards.
import { describe, expect, it } from 'vitest';
import { composeAnswer, composeExample, composeMore, composeWhy } from '../src/answers/compose.ts';
import { createKnowledgeBase } from '../src/conversation/pipeline.ts';
import { cardLint } from '../src/knowledge/schema.ts';

const knowledge = createKnowledgeBase();
const card = (id: string) => knowledge.chunks.find((c) => c.id === id)!;

describe('the knowledge', () => {
  it('covers the whole day: before, at and after an event, feelings, and the bot itself', () => {
    for (const tag of ['before', 'at', 'after', 'feeling', 'bot']) expect(knowledge.chunks.some((c) => c.tags.includes(tag))).toBe(true);
    expect(knowledge.chunks.length).toBeGreaterThanOrEqual(100);
  });

  it('keeps a card for every topic of both seed articles and the public-body notes', () => {
    const sources = new Set(knowledge.chunks.map((c) => c.source));
    expect([...sources].some((s) => s.includes('恋愛に発展'))).toBe(true);
    expect([...sources].some((s) => s.includes('気持ち悪い'))).toBe(true);
    expect([...sources].some((s) => /消費者庁|国民生活センター|警察/.test(s))).toBe(true);
  });
});

describe.each(knowledge.chunks.map((c) => [c.id, c] as const))('the card %s', (_id, c) => {
  const first = composeAnswer(c);
  const why = composeWhy(c);
  it('answers in its first sentence, and names its source in one short line with a full-width 出典：', () => {
    expect(first.text.startsWith(c.answer)).toBe(true);
    expect(first.text.split('\n').filter((line) => line.startsWith('出典：'))).toEqual([`出典：${c.source}`]);
    expect(first.text).not.toMatch(/出典:/);
    expect(first.sources.map((s) => s.id)).toEqual([c.id]);
  });

  it('never talks about an article or its author (a source line may name one), and never repeats the first reply when asked why', () => {
    const spoken = (text: string) => text.split('\n').filter((line) => !line.startsWith('出典：')).join('\n');
    for (const text of [first.text, why.text, composeExample(c).text]) expect(spoken(text)).not.toMatch(cardLint.talksAboutArticle);
    expect(why.text).not.toContain(c.answer);
  });
});

describe('layers of one card', () => {
  it('gives the ready-to-send text when asked for an example, and says so when there is none', () => {
    const withExample = knowledge.chunks.find((c) => c.example)!;
    expect(composeExample(withExample).text).toContain(withExample.example!.slice(0, 20));
    const without = knowledge.chunks.find((c) => !c.example)!;
    expect(composeExample(without).text).toContain(without.points[0]!);
  });

  it('goes deeper on 「もっと詳しく」: the explanation first, then the next card, then says it has said all', () => {
    const c = card('married-contacts');
    const next = card('romance-from-networking');
    expect(composeMore(c, false, next).text).toContain(c.body.slice(0, 15));
    expect(composeMore(c, true, next).text).toContain(next.answer);
    expect(composeMore(c, true, undefined).sources).toEqual([]);
  });

  it('offers the next layers as quick replies that fit LINE’s 20 characters', () => {
    for (const c of knowledge.chunks) for (const label of composeAnswer(c).quickReplies) expect(label.length).toBeLessThanOrEqual(20);
  });

  it('puts one line of empathy first when asked to', () => {
    expect(composeAnswer(card('law-cooling-off'), { empathy: 'あなたは悪くないですよ。' }).text.startsWith('あなたは悪くないですよ。')).toBe(true);
  });
});
