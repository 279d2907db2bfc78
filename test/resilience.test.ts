// The bot keeps answering when what it depends on fails: Redis gone and back, LINE busy or
// refusing a token, the LLM down, rate-limited or hanging.
import { spawnSync } from 'node:child_process';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LlmStandIn, type LlmTrouble } from '../bench/support/llm-stand-in.ts';
import { startRedis, type ThrowawayRedis } from './support/throwaway-redis.ts';
import { LineApiRecorder } from './support/line-recorder.ts';
import { type RunningBot, startBot, TEST_CHANNEL_SECRET } from './support/bot-server.ts';
import { testRedisUrl } from './support/redis.ts';
import { fixture, postWebhook, uniqueUserId } from './support/webhook.ts';

const JAPANESE = /[\u3040-\u30ff\u4e00-\u9fff]/;
const hasRedisServer = spawnSync('redis-server', ['--version']).status === 0;
const settle = (ms = 300) => new Promise((r) => setTimeout(r, ms));
const REPLY = '/v2/bot/message/reply';
const PUSH = '/v2/bot/message/push';

async function health(bot: RunningBot): Promise<{ status: string; store: string }> {
  return (await fetch(`${bot.url}/healthz`)).json() as Promise<{ status: string; store: string }>;
}

async function metric(bot: RunningBot, line: string): Promise<number> {
  const text = await (await fetch(`${bot.url}/metrics`)).text();
  return Number(text.split('\n').find((l) => l.startsWith(line))?.split(' ')[1] ?? 0);
}

let recorder: LineApiRecorder;
beforeAll(async () => {
  recorder = await new LineApiRecorder().start();
});
afterEach(() => recorder.clear());
afterAll(async () => {
  await recorder.stop();
});

describe.skipIf(!hasRedisServer)('while Redis is down', () => {
  let redis: ThrowawayRedis;
  let bot: RunningBot;
  beforeAll(async () => {
    redis = await startRedis({ durable: true });
    bot = await startBot({ LINE_API_BASE_URL: recorder.url, REDIS_URL: redis.url, QUEUE: 'stream' });
  });
  afterAll(async () => {
    await bot.stop();
    await redis.destroy();
  });

  it('acknowledges with 200, answers statelessly, says degraded, and is back on its queue within 5 s of Redis returning', async () => {
    expect(await health(bot)).toMatchObject({ status: 'ok', store: 'redis' });
    await redis.stop();
    await expect.poll(async () => (await health(bot)).status, { timeout: 3_000 }).toBe('degraded');

    const during = fixture('text', { userId: uniqueUserId() });
    expect((await postWebhook(bot.url, during, TEST_CHANNEL_SECRET)).status).toBe(200);
    await recorder.waitFor((r) => r.some((x) => x.path === REPLY));
    expect(recorder.replies[0]!.replyToken).toBe(during.events[0]!.replyToken);
    expect(recorder.replies[0]!.messages.map((m) => m.text ?? m.altText ?? '').join('')).toMatch(JAPANESE);

    await redis.start();
    const back = Date.now();
    await expect.poll(async () => (await health(bot)).status, { timeout: 5_000, interval: 100 }).toBe('ok');
    const queuedBefore = await metric(bot, 'bot_queue_handoffs_total{path="stream"}');
    await expect
      .poll(
        async () => {
          await postWebhook(bot.url, fixture('text', { userId: uniqueUserId() }), TEST_CHANNEL_SECRET);
          return (await metric(bot, 'bot_queue_handoffs_total{path="stream"}')) > queuedBefore;
        },
        { timeout: 5_000, interval: 100 },
      )
      .toBe(true);
    expect(Date.now() - back).toBeLessThan(5_000);
  });
});

describe.skipIf(!hasRedisServer)('while Redis stalls', () => {
  let redis: ThrowawayRedis;
  let bot: RunningBot;
  beforeAll(async () => {
    redis = await startRedis();
    bot = await startBot({ LINE_API_BASE_URL: recorder.url, REDIS_URL: redis.url, QUEUE: 'inline' });
  });
  afterAll(async () => {
    await bot.stop();
    await redis.destroy();
  });

  async function say(userId: string, text: string): Promise<string> {
    const before = recorder.replies.length;
    await postWebhook(bot.url, fixture('text', { userId, text }), TEST_CHANNEL_SECRET);
    await recorder.waitFor((r) => r.filter((x) => x.path === REPLY).length > before, 10_000);
    return recorder.replies[before]!.messages.map((m) => m.text ?? m.altText ?? '').join('\n');
  }

  it('never saves over contacts it could not read, and tells the user it could not save this time', async () => {
    const user = uniqueUserId();
    await say(user, 'IT交流会で田中さんと名刺交換した');
    await say(user, 'カフェ会で佐藤さんと会った');
    await say(user, '朝活で鈴木さんと名刺交換した');
    const { Redis } = await import('ioredis');
    const admin = new Redis(redis.url);
    await admin.call('CLIENT', 'PAUSE', '6000', 'ALL');
    const during = await say(user, '交流会で高橋さんと名刺交換した');
    expect(during).toContain('覚えておけませんでした');
    await settle(6_100);
    const list = await say(user, '連絡先一覧');
    for (const name of ['田中さん', '佐藤さん', '鈴木さん']) expect(list).toContain(name);
    expect(list).not.toContain('高橋さん');
    admin.disconnect();
  });
});

describe('when LINE is busy or refuses', () => {
  let bot: RunningBot;
  beforeAll(async () => {
    bot = await startBot({ LINE_API_BASE_URL: recorder.url, REDIS_URL: testRedisUrl(), QUEUE: 'stream' });
  });
  afterAll(async () => {
    await bot.stop();
  });

  it('retries a push LINE answered 429 to, with the same retry key, and delivers it', async () => {
    recorder.script(REPLY, { status: 400, body: { message: 'Invalid reply token' } });
    recorder.script(PUSH, { status: 429, body: { message: 'Too many requests' } });
    await postWebhook(bot.url, fixture('text', { userId: uniqueUserId() }), TEST_CHANNEL_SECRET);
    await recorder.waitFor((r) => r.filter((x) => x.path === PUSH).length === 2);
    const keys = recorder.to(PUSH).map((r) => r.headers['x-line-retry-key']);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(keys[1]).toBe(keys[0]);
  });

  it('counts a push LINE already accepted under its retry key (409) as delivered, not as a failure', async () => {
    recorder.script(REPLY, { status: 400, body: { message: 'Invalid reply token' } });
    recorder.script(PUSH, { status: 409, body: { message: 'The retry key is already accepted' } });
    const errorsBefore = await metric(bot, 'bot_errors_total{stage="handle"}');
    await postWebhook(bot.url, fixture('text', { userId: uniqueUserId() }), TEST_CHANNEL_SECRET);
    await recorder.waitFor((r) => r.some((x) => x.path === PUSH));
    await settle();
    expect(recorder.to(PUSH)).toHaveLength(1);
    expect(await metric(bot, 'bot_errors_total{stage="handle"}')).toBe(errorsBefore);
  });

  it('pushes straight away when the reply token is too old to use', async () => {
    const userId = uniqueUserId();
    await postWebhook(bot.url, fixture('text', { userId, now: Date.now() - 55_000 }), TEST_CHANNEL_SECRET);
    await recorder.waitFor((r) => r.some((x) => x.path === PUSH));
    expect(recorder.to(REPLY)).toHaveLength(0);
    expect(recorder.pushes[0]!.to).toBe(userId);
  });

  it('answers a queued event once LINE recovers from an outage longer than the in-call retries', async () => {
    const errors = Array.from({ length: 4 }, () => ({ status: 503, body: { message: 'Service unavailable' } }));
    recorder.script(REPLY, ...errors);
    const body = fixture('text', { userId: uniqueUserId() });
    await postWebhook(bot.url, body, TEST_CHANNEL_SECRET);
    await recorder.waitFor((r) => r.filter((x) => x.path === REPLY).length === 5, 10_000);
    await settle();
    expect(recorder.to(REPLY).map((r) => (r.body as { replyToken: string }).replyToken)).toEqual(Array(5).fill(body.events[0]!.replyToken));
    expect(recorder.pushes).toHaveLength(0);
  });
});

describe('with push fallback off', () => {
  it('does not push when the reply token is refused (pushes count against the monthly quota)', async () => {
    const bot = await startBot({ LINE_API_BASE_URL: recorder.url, PUSH_FALLBACK: 'off' });
    try {
      recorder.script(REPLY, { status: 400, body: { message: 'Invalid reply token' } });
      await postWebhook(bot.url, fixture('text', { userId: uniqueUserId() }), TEST_CHANNEL_SECRET);
      await recorder.waitFor((r) => r.some((x) => x.path === REPLY));
      await settle(400);
      expect(recorder.pushes).toHaveLength(0);
    } finally {
      await bot.stop();
    }
  });
});

describe('when the LLM is unavailable', () => {
  const LLM_TIMEOUT_MS = 1_500;
  let llm: LlmStandIn;
  let bot: RunningBot;
  beforeAll(async () => {
    llm = await new LlmStandIn().start();
    bot = await startBot({ LINE_API_BASE_URL: recorder.url, OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: llm.url, LLM_TIMEOUT_MS: String(LLM_TIMEOUT_MS) });
  });
  afterAll(async () => {
    await bot.stop();
    await llm.stop();
  });

  it.each<[LlmTrouble]>([['server-error'], ['rate-limited'], ['hanging']])('answers from the offline composer within the LLM time budget when it is %s', async (trouble) => {
    llm.trouble = trouble;
    const callsBefore = llm.calls;
    const started = Date.now();
    await postWebhook(bot.url, fixture('text', { userId: uniqueUserId(), text: '名刺交換のあと、どうフォローすればいい？' }), TEST_CHANNEL_SECRET);
    await recorder.waitFor((r) => r.some((x) => x.path === REPLY), 15_000);
    expect(Date.now() - started).toBeLessThan(LLM_TIMEOUT_MS + 1_000);
    expect(llm.calls).toBeGreaterThan(callsBefore);
    expect(recorder.replies[0]!.messages.map((m) => m.text ?? m.altText ?? '').join('')).toMatch(JAPANESE);
  });
});
