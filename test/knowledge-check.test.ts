// kb:check names the file and the field that is wrong, and holds every card to the voice rules.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { KnowledgeError, parseChunk } from '../src/knowledge/load.ts';

const good = [
  '---',
  'id: cafe-meetup',
  'title: カフェ会とは',
  'source: 記事「カフェ会の案内」',
  'tags: [event-basics]',
  'questions:',
  '  - カフェ会って何？',
  '  - カフェ会は安全？',
  'answer: カフェ会は、カフェに数人から十数人が集まって気軽に話す会です。',
  'points:',
  '  - 参加費は飲み物代程度のことが多いです。',
  '  - 主催者の名前と過去の開催を確かめておくと安心です。',
  'next_step: 気になる会があれば、主催者のページを一度のぞいてみましょう。',
  '---',
];
const body = 'カフェ会は、カフェに数人から十数人が集まって気軽に話す会です。参加費は飲み物代程度のことが多いです。';
const replace = (field: string, line: string) => good.map((l) => (l.startsWith(`${field}:`) ? line : l));

describe('knowledge validation', () => {
  it('accepts a well-formed card', () => {
    expect(parseChunk([...good, body].join('\n'), 'knowledge/cafe-meetup.md').id).toBe('cafe-meetup');
  });

  it.each([
    ['id', replace('id', 'id: Cafe Meetup'), /knowledge\/x\.md: field "id"/],
    ['questions', good.filter((l) => !l.includes('安全')), /knowledge\/x\.md: field "questions"/],
    ['tags', good.filter((l) => !l.startsWith('tags')), /knowledge\/x\.md: field "tags"/],
    ['answer (missing)', good.filter((l) => !l.startsWith('answer')), /field "answer"/],
  ])('names the file and the field when %s is wrong', (_field, lines, message) => {
    expect(() => parseChunk([...lines, body].join('\n'), 'knowledge/x.md')).toThrow(KnowledgeError);
    expect(() => parseChunk([...lines, body].join('\n'), 'knowledge/x.md')).toThrow(message);
  });

  it.each([
    ['an answer that opens with a preamble', replace('answer', 'answer: まず、カフェ会は数人が集まって話す会です。'), /answer must open with the answer/],
    ['an answer that leans on something said before', replace('answer', 'answer: それは数人がカフェで話す会のことです。'), /answer must stand alone/],
    ['a next step that talks about the article', replace('next_step', 'next_step: 記事のとおり、主催者のページを見てみましょう。'), /next_step must talk to the person/],
  ])('rejects %s', (_case, lines, message) => {
    expect(() => parseChunk([...lines, body].join('\n'), 'knowledge/x.md')).toThrow(message);
  });

  it('rejects an explanation that talks about an author', () => {
    expect(() => parseChunk([...good, `${body}筆者の知人もそう言っています。`].join('\n'), 'knowledge/x.md')).toThrow(/field "body"/);
  });

  it('passes on the repository’s knowledge', () => {
    const run = spawnSync(process.execPath, ['src/knowledge/check.ts'], { encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/knowledge ok: \d+ chunks/);
  });
});
