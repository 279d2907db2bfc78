// kb:check names the file and the field that is wrong.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { KnowledgeError, parseChunk } from '../src/knowledge/load.ts';

const good = ['---', 'id: cafe-meetup', 'title: カフェ会とは', 'source: 記事「カフェ会の案内」', 'tags: [event-basics]', 'questions:', '  - カフェ会って何？', '  - カフェ会は安全？', '---'];
const body = 'カフェ会は、カフェに数人から十数人が集まって気軽に話す会です。参加費は飲み物代程度のことが多いです。';

describe('knowledge validation', () => {
  it('accepts a well-formed chunk', () => {
    expect(parseChunk([...good, body].join('\n'), 'knowledge/cafe-meetup.md').id).toBe('cafe-meetup');
  });

  it.each([
    ['id', good.map((l) => (l.startsWith('id:') ? 'id: Cafe Meetup' : l)), /knowledge\/x\.md: field "id"/],
    ['questions', good.filter((l) => !l.includes('安全')), /knowledge\/x\.md: field "questions"/],
    ['tags', good.filter((l) => !l.startsWith('tags')), /knowledge\/x\.md: field "tags"/],
  ])('names the file and the field when %s is wrong', (_field, lines, message) => {
    expect(() => parseChunk([...lines, body].join('\n'), 'knowledge/x.md')).toThrow(KnowledgeError);
    expect(() => parseChunk([...lines, body].join('\n'), 'knowledge/x.md')).toThrow(message);
  });

  it('passes on the repository’s knowledge', () => {
    const run = spawnSync(process.execPath, ['src/knowledge/check.ts'], { encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/knowledge ok: \d+ chunks/);
  });
});
