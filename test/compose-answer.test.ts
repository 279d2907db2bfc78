import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  composeAnswer,
  composeOutOfScope,
  lineLimits,
  outOfScopeExamples,
  splitSentences,
} from '../src/adviser/compose-answer.ts';
import { buildAnswerMessages, fillTemplate, readPrompt } from '../src/adviser/llm-answer.ts';
import { buildKnowledgeIndex, searchKnowledge } from '../src/adviser/retrieval.ts';
import { loadQuestionSet } from '../src/eval/questions.ts';
import { loadKnowledge } from '../src/knowledge/load.ts';

const chunks = loadKnowledge();
const index = buildKnowledgeIndex(chunks);
const answer = (question: string) => {
  const hits = searchKnowledge(index, question, 5);
  return { hits, ...composeAnswer(question, hits) };
};
const blocks = (text: string) => text.split('\n\n');
const bulletLines = (text: string) => text.split('\n').filter((line) => line.startsWith('・'));
const normalise = (text: string) => text.replace(/^(?:・|次の一歩: )/, '');

describe('composed knowledge answer', () => {
  it('opens with a lead sentence from the chunk that answers, not with a list', () => {
    const { text, hits } = answer('クーリングオフって何日以内にすればいい？');
    const lead = blocks(text)[0]!;
    expect(lead.startsWith('・')).toBe(false);
    expect(lead.endsWith('。')).toBe(true);
    expect(hits[0]!.chunk.body).toContain(lead);
    expect(lead).toContain('20日');
  });

  it('gives two to four points under the lead', () => {
    for (const question of ['交流会で勧誘されたら、どう断ればいい？', '交流会で知り合った人と友達になるには？', '朝活の団体に誘われたけど大丈夫？']) {
      const points = bulletLines(answer(question).text);
      expect(points.length).toBeGreaterThanOrEqual(2);
      expect(points.length).toBeLessThanOrEqual(4);
    }
  });

  it('closes with a 出典 line naming the chunk’s title and source', () => {
    const { text, sources, hits } = answer('マルチ商法って違法なの？');
    const top = hits[0]!.chunk;
    expect(text).toContain(`出典: ${top.title} — ${top.source}`);
    expect(blocks(text).at(-1)!.startsWith('出典: ')).toBe(true);
    expect(sources[0]).toEqual({ id: top.id, title: top.title, source: top.source });
  });

  it('cites only the chunks whose sentences it shows', () => {
    const { text, sources } = answer('ワンコインの交流会ってどうなの？');
    for (const source of sources) {
      const chunk = chunks.find((candidate) => candidate.id === source.id)!;
      const shown = splitSentences(chunk.body).some((sentence) => text.includes(sentence.replace(/^(?:また|なお|さらに|そして|それに|加えて|そのうえで|そのため|こうして)、/, '')));
      expect(shown).toBe(true);
    }
  });

  it('adds a next step pointing to help when someone has signed a contract', () => {
    const { text } = answer('勢いでマルチの契約しちゃった…どうしよう');
    const nextStep = text.split('\n').find((line) => line.startsWith('次の一歩: '));
    expect(nextStep).toMatch(/188|相談/);
  });

  it('condenses instead of dumping the chunks: no sentence twice, shorter than the bodies it draws on', () => {
    const { text, sources } = answer('交流会で出会った人が既婚者か早めに知りたい');
    const shown = [blocks(text)[0]!, ...text.split('\n').filter((line) => line.startsWith('・') || line.startsWith('次の一歩: '))].map(normalise);
    expect(new Set(shown).size).toBe(shown.length);
    const bodies = sources.map((source) => chunks.find((chunk) => chunk.id === source.id)!.body).join('');
    expect(text.length).toBeLessThan(bodies.length + 200);
    expect(text).not.toContain(bodies);
  });

  it('stays within LINE’s limits for every question of the eval set', () => {
    for (const question of loadQuestionSet().filter((item) => item.expected.length > 0)) {
      const { text, quickReplies, hits } = answer(question.q);
      if (hits.length === 0) continue;
      expect(text.length).toBeLessThanOrEqual(lineLimits.textChars);
      expect(quickReplies.length).toBeLessThanOrEqual(lineLimits.quickReplyItems);
      for (const label of quickReplies) expect(label.length).toBeLessThanOrEqual(lineLimits.quickReplyLabelChars);
    }
  });

  it('suggests follow-ups that lead elsewhere than the answer just given', () => {
    const question = '交流会のLINEグループから抜けたい';
    const { quickReplies, hits } = answer(question);
    expect(quickReplies.length).toBeGreaterThanOrEqual(2);
    expect(quickReplies).not.toContain(question);
    for (const label of quickReplies) expect(hits[0]!.chunk.questions).not.toContain(label);
    expect(new Set(quickReplies).size).toBe(quickReplies.length);
  });

  it('honours a smaller point budget', () => {
    const hits = searchKnowledge(index, '交流会で勧誘されたら、どう断ればいい？', 5);
    expect(bulletLines(composeAnswer('交流会で勧誘されたら、どう断ればいい？', hits, { maxPoints: 2 }).text)).toHaveLength(2);
  });

  it('falls back to the out-of-scope reply when nothing was found', () => {
    expect(composeAnswer('明日の天気は？', []).text).toBe(composeOutOfScope());
  });
});

describe('sentence splitting', () => {
  it('does not cut inside quotes and keeps an announcing sentence with what it announces', () => {
    expect(splitSentences('「結構です。」と伝えます。次のような行為は禁止です。うそをつくことです。以上。')).toEqual([
      '「結構です。」と伝えます。',
      '次のような行為は禁止です。うそをつくことです。',
      '以上。',
    ]);
  });
});

describe('out-of-scope reply', () => {
  it('says politely what the bot can help with', () => {
    const text = composeOutOfScope();
    expect(text).toMatch(/ごめんなさい|すみません/);
    for (const area of ['招待の見極め', 'マナー', '距離の縮め方']) expect(text).toContain(area);
  });

  it('offers example questions that the bot can actually answer', () => {
    for (const example of outOfScopeExamples) {
      expect(searchKnowledge(index, example).length).toBeGreaterThan(0);
      expect(example.length).toBeLessThanOrEqual(lineLimits.quickReplyLabelChars);
    }
  });
});

describe('LLM answer prompt', () => {
  const hits = searchKnowledge(index, 'マルチの勧誘の断り方', 3);
  const history = Array.from({ length: 10 }, (_, i) => ({ role: i % 2 === 0 ? ('user' as const) : ('bot' as const), text: `turn ${i}` }));

  it('puts every retrieved chunk (id, title, source, body) and the question in the last user message', () => {
    const messages = buildAnswerMessages({ query: 'マルチの勧誘の断り方', hits, history: [] });
    const last = messages.at(-1)!;
    expect(last.role).toBe('user');
    for (const { chunk } of hits) for (const part of [chunk.id, chunk.title, chunk.source, chunk.body]) expect(last.content).toContain(part);
    expect(last.content).toContain('マルチの勧誘の断り方');
    expect(last.content).not.toMatch(/\{\{\w+\}\}/);
  });

  it('states the voice, the grounding rule and the citation format in the system prompt', () => {
    const [system] = buildAnswerMessages({ query: 'x', hits, history: [] });
    expect(system!.role).toBe('system');
    for (const rule of ['です・ます', '【出典: タイトル】', '188', '弁護士', '同意', '断']) expect(system!.content).toContain(rule);
  });

  it('carries only the recent history, as user and assistant turns', () => {
    const messages = buildAnswerMessages({ query: 'x', hits, history });
    const carried = messages.slice(1, -1);
    expect(carried).toHaveLength(6);
    expect(carried.map((message) => message.content)).toEqual(['turn 4', 'turn 5', 'turn 6', 'turn 7', 'turn 8', 'turn 9']);
    expect(carried.map((message) => message.role)).toEqual(['user', 'assistant', 'user', 'assistant', 'user', 'assistant']);
  });

  it('includes what the bot remembers about the person asked about', () => {
    const messages = buildAnswerMessages({ query: 'x', hits, history: [], contactContext: '佐藤さん: カフェ会で名刺交換、1回ランチ' });
    expect(messages.at(-1)!.content).toContain('佐藤さん: カフェ会で名刺交換、1回ランチ');
  });

  it('reads prompts by name only from the prompts folder', () => {
    expect(readPrompt('system')).toContain('【出典: タイトル】');
    expect(() => readPrompt('../package')).toThrow(/kebab-case/);
    const dir = mkdtempSync(join(tmpdir(), 'prompts-'));
    writeFileSync(join(dir, 'greeting.md'), 'こんにちは {{name}} さん\n');
    expect(fillTemplate(readPrompt('greeting', dir), { name: '田中' })).toBe('こんにちは 田中 さん');
  });

  it('refuses to send a template with a placeholder left unfilled', () => {
    expect(() => fillTemplate('{{sources}} {{question}}', { sources: 's' })).toThrow(/question/);
  });
});

describe('a tight length budget', () => {
  it('drops points before the next step and never the 出典 line', () => {
    const hits = searchKnowledge(index, '勢いでマルチの契約しちゃった…どうしよう', 5);
    const full = composeAnswer('勢いでマルチの契約しちゃった…どうしよう', hits).text;
    const tight = composeAnswer('勢いでマルチの契約しちゃった…どうしよう', hits, { maxChars: 250 }).text;
    expect(tight.length).toBeLessThanOrEqual(250);
    expect(tight.length).toBeLessThan(full.length);
    expect(tight).toContain(`出典: ${hits[0]!.chunk.title}`);
  });
});
