// Multi-turn conversations through the real webhook, a real Redis and a simulated clock.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RedisStore } from '../src/store/redis.ts';
import { LineApiRecorder } from './support/line-recorder.ts';
import { type RunningBot, startBot, TEST_CHANNEL_SECRET } from './support/bot-server.ts';
import { testRedisUrl } from './support/redis.ts';
import { fixture, postWebhook, uniqueUserId } from './support/webhook.ts';

const DAY = 86_400_000;
let clock = Date.parse('2026-11-02T09:00:00Z');
const now = () => clock;

let recorder: LineApiRecorder;
let bot: RunningBot;
let redis: RedisStore;

type Sent = { type: string; text?: string; altText?: string; quickReply?: { items: { action: { label: string; data?: string; text?: string } }[] }; template?: { actions: { data: string }[] }; contents?: unknown };

/** Sends one message (or a postback) as the user and returns what the bot answered. */
async function say(userId: string, text: string): Promise<Sent[]> {
  const before = recorder.replies.length;
  const body = fixture('text', { userId, text, now: clock });
  expect((await postWebhook(bot.url, body, TEST_CHANNEL_SECRET)).status).toBe(200);
  await recorder.waitFor((r) => r.filter((x) => x.path === '/v2/bot/message/reply').length > before);
  return recorder.replies[before]!.messages as Sent[];
}

async function tap(userId: string, data: string): Promise<Sent[]> {
  const before = recorder.replies.length;
  const body = fixture('postback', { userId, now: clock });
  (body.events[0]!.postback as { data: string }).data = data;
  expect((await postWebhook(bot.url, body, TEST_CHANNEL_SECRET)).status).toBe(200);
  await recorder.waitFor((r) => r.filter((x) => x.path === '/v2/bot/message/reply').length > before);
  return recorder.replies[before]!.messages as Sent[];
}

const read = (messages: Sent[]) => messages.map((m) => m.text ?? m.altText ?? '').join('\n');

/** The user's own keys (what deletion removes); abuse counters live apart, under kab:limit:. */
async function keysOf(userId: string): Promise<string[]> {
  const found: string[] = [];
  for await (const batch of redis.client.scanStream({ match: `kab:u:{${userId}}:*`, count: 500 })) found.push(...(batch as string[]));
  return found;
}

const INVITATION = '来週の土曜、代々木公園でBBQやるんだけど来ない？そのあといつもの場所でちょっといい話があるんだ。成功してる先輩も紹介するよ！会費3000円';

beforeAll(async () => {
  recorder = await new LineApiRecorder().start();
  bot = await startBot({ LINE_API_BASE_URL: recorder.url, REDIS_URL: testRedisUrl(), RATE_LIMIT_MESSAGES: '12' }, { now });
  redis = new RedisStore(testRedisUrl());
  await redis.connected();
});
afterAll(async () => {
  await bot.stop();
  await redis.close();
  await recorder.stop();
});
beforeEach(() => {
  clock += DAY; // every test starts on a fresh day: rate-limit windows and budgets do not leak
});

describe('coaching that remembers a contact', () => {
  it('records a contact, updates it days later, and advises by its stage when asked about 合コン', async () => {
    const user = uniqueUserId();
    expect(read(await say(user, 'IT交流会で田中さんと名刺交換した、同い年の営業職'))).toContain('田中さん');
    clock += 3 * DAY;
    expect(read(await say(user, '田中さんとLINE交換したよ'))).toContain('連絡先交換');
    clock += 6 * DAY;
    const advice = read(await say(user, '田中さんを合コンに誘うには？'));
    expect(advice).toContain('田中さん');
    expect(advice).toContain('連絡先交換');
    expect(advice).toMatch(/まだ少し早い/);
    expect(advice).toMatch(/結婚/);
    expect(advice).toContain('出典');
  });

  it('lists contacts and deletes one by name', async () => {
    const user = uniqueUserId();
    await say(user, 'カフェ会で佐藤さんに会った。30代のデザイナー');
    await say(user, '朝活で鈴木さんと名刺交換した');
    const list = read(await say(user, '連絡先一覧'));
    expect(list).toContain('佐藤さん');
    expect(list).toContain('鈴木さん');
    expect(read(await say(user, '佐藤さんを削除'))).toContain('削除しました');
    const after = read(await say(user, '連絡先一覧'));
    expect(after).not.toContain('佐藤さん');
    expect(after).toContain('鈴木さん');
  });

  it('declines to help find where a contact lives', async () => {
    const user = uniqueUserId();
    await say(user, '交流会で田中さんと名刺交換した');
    const reply = read(await say(user, '田中さんの家の住所を調べたい'));
    expect(reply).toContain('お手伝いはできません');
  });

  it('does not take a word that only looks like a name for a person', async () => {
    const user = uniqueUserId();
    await say(user, '初めて異業種交流会行くんだけど何着ていけばいい？');
    await say(user, 'スーツのおじさん15人くらいいて浮いた');
    expect(read(await say(user, '連絡先一覧'))).toContain('まだ知り合いの記録はありません');
  });
});

describe('follow-ups', () => {
  it('explains the last verdict when asked なんで？', async () => {
    const user = uniqueUserId();
    const card = await say(user, INVITATION);
    expect(card.some((m) => m.type === 'flex')).toBe(true);
    const why = read(await say(user, 'なんで？'));
    expect(why).toMatch(/いつもの場所|成功|先輩/);
  });

  it('answers 「これ大丈夫？」 after a pasted invitation with the level and its main reason, not the card again', async () => {
    const user = uniqueUserId();
    await say(user, INVITATION);
    const again = await say(user, 'これ大丈夫？');
    expect(again.some((m) => m.type === 'flex')).toBe(false);
    expect(read(again)).toContain('危険の可能性大');
  });

  it('declines *this* invitation when asked 「じゃあどう断ればいい？」 right after its verdict', async () => {
    const user = uniqueUserId();
    await say(user, INVITATION);
    const decline = read(await say(user, 'じゃあどう断ればいい？'));
    expect(decline).toContain('そのまま使える言い方');
    expect(decline).toMatch(/ビジネスや投資の話には参加しない/);
  });

  it('goes one layer deeper on 「なんで？」 after an answer, never repeating it', async () => {
    const user = uniqueUserId();
    const answer = read(await say(user, '名刺って何枚くらい持っていけばいい？'));
    const why = read(await say(user, 'なんで？'));
    expect(why).not.toBe(answer);
    expect(why).toContain('出典：');
    expect(why.split('\n')[0]).not.toBe(answer.split('\n')[0]);
  });
});

describe('requests the bot declines, kindly', () => {
  it.each([
    ['交流会で会った子の家の最寄り駅知りたい。帰り道ついてけばわかる？', /帰り道|居場所|家/],
    ['相手のスマホのロック解除のコツ', /スマホ|のぞく/],
    ['既婚者だけどタイプだから奥さんにバレないように誘う方法', /偽って|うそ/],
  ])('says no to 「%s」, says why, and offers what it can help with', async (text, why) => {
    const reply = read(await say(uniqueUserId(), text));
    expect(reply).toMatch(/ごめんなさい.+できません/);
    expect(reply).toMatch(why);
    expect(reply).toContain('相手を尊重したうえでなら');
  });
});

describe('commands', () => {
  it('リセット forgets the verdict, and its old buttons no longer act', async () => {
    const user = uniqueUserId();
    const card = await say(user, INVITATION);
    const oldButton = JSON.stringify(card).match(/action=why&s=[A-Za-z0-9_-]+/)?.[0];
    expect(oldButton).toBeDefined();
    expect(read(await say(user, 'リセット'))).toContain('リセット');
    expect(read(await tap(user, oldButton!))).toContain('以前の会話');
  });

  it('takes a natural 「私のデータを全部消してください」 and a typed 「はい」 to delete everything', async () => {
    const user = uniqueUserId();
    await say(user, '交流会で田中さんと名刺交換した');
    expect((await keysOf(user)).length).toBeGreaterThan(0);
    const confirm = await say(user, '私のデータを全部消してください');
    expect(confirm[0]!.type).toBe('template');
    expect(read(await say(user, 'はい'))).toContain('すべて削除しました');
    expect(await keysOf(user)).toEqual([]);
  });

  it('データを削除 asks first, then leaves no key of the user in Redis', async () => {
    const user = uniqueUserId();
    await say(user, '交流会で田中さんと名刺交換した');
    await say(user, INVITATION);
    expect((await keysOf(user)).length).toBeGreaterThan(0);
    const confirm = await say(user, 'データを削除');
    const yes = confirm[0]!.template!.actions[0]!.data;
    expect(yes).toMatch(/^action=delete-confirm&s=/);
    expect(read(await tap(user, yes))).toContain('すべて削除しました');
    expect(await keysOf(user)).toEqual([]);
  });

  it('answers a burst past the rate limit with a friendly wait message', async () => {
    const user = uniqueUserId();
    let last = '';
    for (let i = 0; i < 13; i++) last = read(await say(user, `カフェ会の質問 ${i}`));
    expect(last).toContain('10分ほど');
  });
});

describe('two server processes sharing one Redis', () => {
  it('carry one user’s memory and rate limit across both', async () => {
    const other = await startBot({ LINE_API_BASE_URL: recorder.url, REDIS_URL: testRedisUrl(), RATE_LIMIT_MESSAGES: '12' }, { now });
    try {
      const user = uniqueUserId();
      await say(user, 'IT交流会で田中さんと名刺交換した、同い年の営業職');
      // The next turn arrives at the other process.
      const before = recorder.replies.length;
      const body = fixture('text', { userId: user, text: '田中さんを飲みに誘うには？', now: clock });
      expect((await postWebhook(other.url, body, TEST_CHANNEL_SECRET)).status).toBe(200);
      await recorder.waitFor((r) => r.filter((x) => x.path === '/v2/bot/message/reply').length > before);
      expect(read(recorder.replies[before]!.messages as Sent[])).toContain('田中さん');

      // Ten more on the first process make twelve; the thirteenth, on the other, is refused.
      for (let i = 0; i < 10; i++) await say(user, `質問 ${i}`);
      const last = recorder.replies.length;
      await postWebhook(other.url, fixture('text', { userId: user, text: 'もう一問', now: clock }), TEST_CHANNEL_SECRET);
      await recorder.waitFor((r) => r.filter((x) => x.path === '/v2/bot/message/reply').length > last);
      expect(read(recorder.replies[last]!.messages as Sent[])).toContain('10分ほど');
    } finally {
      await other.stop();
    }
  });
});
