// The replies users read, as they read them, in one file: every change to copy, cards, models or
// composition shows up as a diff of test/__snapshots__/replies.md in review. Offline, in memory,
// on a fixed clock; the conversations are written for this file (not the held-out sets).
import { describe, expect, it } from 'vitest';
import { flatten } from '../src/conversation/flatten.ts';
import { createAdviser, createKnowledgeBase } from '../src/conversation/pipeline.ts';
import { createLogger } from '../src/observability/log.ts';
import { createMetrics } from '../src/observability/metrics.ts';
import { MemoryStore } from '../src/store/memory.ts';

/** `tap`: the button of that action on the bot's latest reply that has one (its postback data, session included). */
type Step = { say: string } | { tap: 'why' | 'decline' | 'precautions' };

const CONVERSATIONS: Record<string, Step[]> = {
  'a greeting, then help': [{ say: 'こんにちは' }, { say: '使い方' }],
  'a recruiting invitation, then why, how to decline and a text to send': [
    { say: '久しぶり！今度の日曜、カフェで面白い人たちと集まるんだけど来ない？将来のお金の話とか、権利収入で自由になった先輩の話が聞けるよ。場所は当日伝えるね' },
    { tap: 'why' },
    { tap: 'decline' },
    { say: '返信の例文ちょうだい' },
  ],
  'a plainly described event': [
    {
      say: '【第12回 渋谷異業種交流会】\n日時：12月14日(土) 14:00〜16:00\n会場：渋谷区民会館 第2会議室\n参加費：2,000円（ドリンク込み）\n主催：一般社団法人 渋谷ビジネス交流協会（代表 佐藤）\n内容：自己紹介タイム、テーマ別グループトーク\n※勧誘・営業行為は禁止です。違反者には退場をお願いします。',
    },
    { tap: 'precautions' },
  ],
  'a question, then why, then an example': [{ say: '交流会の次の日にお礼のメッセージって送るべき？' }, { say: 'なんで？' }, { say: '例文ある？' }],
  'a new question on the card just shown is not answered with the same reply': [
    { say: 'クーリングオフってどうやるの？' },
    { say: '電話する前に何を用意しておけばいい？' },
  ],
  'feelings': [{ say: '初めての交流会で誰とも話せなかった…つらい' }, { say: '契約しちゃった…どうしよう😭' }],
  'a harmful request, declined kindly': [{ say: '交流会で会った人の家を突き止めたい。帰りにこっそりついていけばわかる？' }],
  'a victim is answered, not refused': [{ say: '交流会のあとに知らない人に駅までついてこられた。どうしたらいい？' }],
  'out of scope': [{ say: '明日の東京の天気は？' }],
  'a contact, then advice on them': [
    { say: '今日の朝活で中村さんと知り合った。同じIT業界で、話がすごく合った' },
    { say: '中村さんをランチに誘いたい' },
  ],
  'deleting my data': [{ say: 'データを削除して' }, { say: 'はい' }],
};

/** The postback data of every button and quick reply in some messages. */
function postbacks(messages: readonly unknown[]): string[] {
  const found: string[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (node && typeof node === 'object') {
      const record = node as Record<string, unknown>;
      if (record.type === 'postback' && typeof record.data === 'string') found.push(record.data);
      Object.values(record).forEach(visit);
    }
  };
  visit(messages);
  return found;
}

async function transcript(): Promise<string> {
  const config = { stateTtlSeconds: 86_400, LLM_TIMEOUT_MS: 1_000, RATE_LIMIT_MESSAGES: 10_000, RATE_LIMIT_WINDOW_SECONDS: 600, LLM_DAILY_BUDGET: 0 };
  const adviser = await createAdviser({ store: new MemoryStore(), llm: undefined, config, log: createLogger('silent'), metrics: createMetrics(), knowledge: createKnowledgeBase() });
  const lines = ['# Replies as users read them (offline)', ''];
  let clock = Date.parse('2026-11-02T09:00:00Z');
  let user = 0;
  for (const [title, steps] of Object.entries(CONVERSATIONS)) {
    user += 1;
    lines.push(`## ${title}`, '');
    const shown: unknown[][] = [];
    for (const step of steps) {
      clock += 60_000;
      let input: { text: string } | { postback: string };
      if ('say' in step) input = { text: step.say };
      else {
        const data = shown.map((messages) => postbacks(messages).find((d) => d.startsWith(`action=${step.tap}`))).findLast((d) => d !== undefined);
        if (!data) throw new Error(`no ${step.tap} button on the replies before it in "${title}"`);
        input = { postback: data };
      }
      const result = await adviser.turn({ userId: `Usnapshot${user}`, chatType: 'user', now: clock, ...input });
      shown.push([...result.messages]);
      lines.push('say' in step ? `**User:** ${step.say}` : `**User taps:** ${step.tap}`, '', `_${result.intent}_`, '', '```', flatten(result.messages), '```', '');
    }
  }
  return lines.join('\n');
}

describe('the replies users read', () => {
  it('match the reviewed transcript (update with `npx vitest run -u` and read the diff)', async () => {
    await expect(await transcript()).toMatchFileSnapshot('__snapshots__/replies.md');
  });
});
