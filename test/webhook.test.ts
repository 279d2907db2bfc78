// The webhook path end to end: real HTTP server, real Redis, a loopback LINE API recorder.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RedisStore } from '../src/store/redis.ts';
import { keys } from '../src/store/store.ts';
import { LineApiRecorder } from './support/line-recorder.ts';
import { type RunningBot, startBot, TEST_ACCESS_TOKEN, TEST_CHANNEL_SECRET } from './support/bot-server.ts';
import { testRedisUrl } from './support/redis.ts';
import { fixture, postWebhook, uniqueUserId } from './support/webhook.ts';

const JAPANESE = /[\u3040-\u30ff\u4e00-\u9fff]/;
const settle = (ms = 300) => new Promise((r) => setTimeout(r, ms));

let recorder: LineApiRecorder;
let bot: RunningBot;
let redis: RedisStore;

beforeAll(async () => {
  recorder = await new LineApiRecorder().start();
  bot = await startBot({ LINE_API_BASE_URL: recorder.url, REDIS_URL: testRedisUrl() });
  redis = new RedisStore(testRedisUrl());
  await redis.connected();
});
afterAll(async () => {
  await bot.stop();
  await redis.close();
  await recorder.stop();
});
afterEach(() => recorder.clear());

describe('signature and body checks', () => {
  it('answers 200 to the verify button body with no events', async () => {
    const res = await postWebhook(bot.url, fixture('verify'), TEST_CHANNEL_SECRET);
    expect(res.status).toBe(200);
  });

  it('rejects a body signed with another secret with 401 and sends nothing', async () => {
    const res = await postWebhook(bot.url, fixture('text'), 'not-the-channel-secret');
    expect(res.status).toBe(401);
    await settle();
    expect(recorder.requests).toHaveLength(0);
  });

  it('rejects a body without a signature with 401', async () => {
    const res = await postWebhook(bot.url, fixture('text'), TEST_CHANNEL_SECRET, { signature: null });
    expect(res.status).toBe(401);
  });

  it('rejects a tampered body whose signature was made for the original with 401', async () => {
    const original = JSON.stringify(fixture('text'));
    const { sign } = await import('./support/webhook.ts');
    const signature = sign(original, TEST_CHANNEL_SECRET);
    const tampered = original.replace('どんな種類', 'どんな費用');
    const res = await postWebhook(bot.url, tampered, TEST_CHANNEL_SECRET, { signature });
    expect(res.status).toBe(401);
  });

  it('answers 400 to a correctly signed body that is not JSON', async () => {
    const res = await postWebhook(bot.url, '{"destination": "U1", "events": [', TEST_CHANNEL_SECRET);
    expect(res.status).toBe(400);
    await settle();
    expect(recorder.requests).toHaveLength(0);
  });

  it('answers 400 to signed JSON that is not a webhook body', async () => {
    const res = await postWebhook(bot.url, JSON.stringify({ hello: 'world' }), TEST_CHANNEL_SECRET);
    expect(res.status).toBe(400);
  });

  it('answers 413 to a body over 1 MB and sends nothing', async () => {
    const big = fixture('text', { text: 'あ'.repeat(400_000) });
    const res = await postWebhook(bot.url, big, TEST_CHANNEL_SECRET);
    expect(res.status).toBe(413);
    await settle();
    expect(recorder.requests).toHaveLength(0);
  });

  it('ignores unknown event types with 200', async () => {
    const body = fixture('text');
    body.events[0] = { ...body.events[0], type: 'somethingNew', message: undefined };
    const res = await postWebhook(bot.url, body, TEST_CHANNEL_SECRET);
    expect(res.status).toBe(200);
    await settle();
    expect(recorder.requests).toHaveLength(0);
  });
});

describe('a text message', () => {
  it('gets one Japanese reply through the reply endpoint, with the bearer token', async () => {
    const body = fixture('text', { userId: uniqueUserId() });
    const res = await postWebhook(bot.url, body, TEST_CHANNEL_SECRET);
    expect(res.status).toBe(200);
    await recorder.waitFor((r) => r.some((x) => x.path === '/v2/bot/message/reply'));
    const [reply] = recorder.replies;
    expect(reply!.replyToken).toBe(body.events[0]!.replyToken);
    const text = reply!.messages.map((m) => m.text ?? m.altText ?? '').join('\n');
    expect(text).toMatch(JAPANESE);
    expect(text).not.toBe('異業種交流会ってどんな種類があるの？');
    expect(recorder.to('/v2/bot/message/reply')[0]!.headers.authorization).toBe(`Bearer ${TEST_ACCESS_TOKEN}`);
  });

  it('is answered once when delivered three times, twice marked as redelivery', async () => {
    const userId = uniqueUserId();
    const first = fixture('text', { userId });
    const again = structuredClone(first);
    (again.events[0]!.deliveryContext as { isRedelivery: boolean }).isRedelivery = true;
    expect((await postWebhook(bot.url, first, TEST_CHANNEL_SECRET)).status).toBe(200);
    expect((await postWebhook(bot.url, again, TEST_CHANNEL_SECRET)).status).toBe(200);
    expect((await postWebhook(bot.url, again, TEST_CHANNEL_SECRET)).status).toBe(200);
    await recorder.waitFor((r) => r.some((x) => x.path === '/v2/bot/message/reply'));
    await settle(500);
    expect(recorder.replies).toHaveLength(1);
    expect(recorder.pushes).toHaveLength(0);
  });

  it('leaves only keys with a TTL in Redis', async () => {
    const userId = uniqueUserId();
    await postWebhook(bot.url, fixture('text', { userId }), TEST_CHANNEL_SECRET);
    await recorder.waitFor((r) => r.some((x) => x.path === '/v2/bot/message/reply'));
    await settle(200);
    const found: string[] = [];
    for await (const batch of redis.client.scanStream({ match: 'kab:*', count: 500 })) found.push(...(batch as string[]));
    expect(found.length).toBeGreaterThan(0);
    for (const key of found) expect({ key, ttl: await redis.ttl(key) }).toMatchObject({ ttl: expect.any(Number) });
    const ttls = await Promise.all(found.map((k) => redis.ttl(k)));
    expect(ttls.filter((t) => t < 0)).toEqual([]);
  });

  it('answers messages of one user in the order they were sent', async () => {
    const userId = uniqueUserId();
    const first = fixture('text', { userId, text: 'カフェ会ってどんな感じ？' });
    const second = fixture('text', { userId, text: '朝活の交流会は怪しい？' });
    const body = { destination: first.destination, events: [first.events[0]!, second.events[0]!] };
    await postWebhook(bot.url, body, TEST_CHANNEL_SECRET);
    await recorder.waitFor((r) => r.filter((x) => x.path === '/v2/bot/message/reply').length === 2);
    expect(recorder.replies.map((r) => r.replyToken)).toEqual([first.events[0]!.replyToken, second.events[0]!.replyToken]);
  });
});

describe('other events', () => {
  it('welcomes a new follower with the three jobs as quick replies', async () => {
    await postWebhook(bot.url, fixture('follow', { userId: uniqueUserId() }), TEST_CHANNEL_SECRET);
    await recorder.waitFor((r) => r.some((x) => x.path === '/v2/bot/message/reply'));
    const message = recorder.replies[0]!.messages[0] as { text: string; quickReply?: { items: { action: { label: string } }[] } };
    expect(message.text).toContain('招待');
    expect(message.quickReply!.items.length).toBeGreaterThanOrEqual(3);
  });

  it('deletes every key of a user who unfollows', async () => {
    const userId = uniqueUserId();
    await postWebhook(bot.url, fixture('text', { userId }), TEST_CHANNEL_SECRET);
    await recorder.waitFor((r) => r.some((x) => x.path === '/v2/bot/message/reply'));
    const before: string[] = [];
    for await (const b of redis.client.scanStream({ match: `${keys.userPrefix(userId)}*` })) before.push(...(b as string[]));
    expect(before.length).toBeGreaterThan(0);
    await postWebhook(bot.url, fixture('unfollow', { userId }), TEST_CHANNEL_SECRET);
    await settle(300);
    const after: string[] = [];
    for await (const b of redis.client.scanStream({ match: `*${userId}*` })) after.push(...(b as string[]));
    // Only the abuse counters stay (no personal data; they expire on their own).
    expect(after.filter((key) => !key.startsWith('kab:limit:'))).toEqual([]);
  });

  it('deletes what it kept for a group when it leaves the group', async () => {
    const mention = fixture('group-mention');
    const groupId = (mention.events[0]!.source as { groupId: string }).groupId;
    await postWebhook(bot.url, mention, TEST_CHANNEL_SECRET);
    await recorder.waitFor((r) => r.some((x) => x.path === '/v2/bot/message/reply'));
    const prefix = keys.userPrefix(`group-${groupId}`);
    const before: string[] = [];
    for await (const b of redis.client.scanStream({ match: `${prefix}*` })) before.push(...(b as string[]));
    expect(before.length).toBeGreaterThan(0);
    const leave = fixture('join');
    leave.events[0]!.type = 'leave';
    delete leave.events[0]!.replyToken;
    await postWebhook(bot.url, leave, TEST_CHANNEL_SECRET);
    await settle(300);
    const after: string[] = [];
    for await (const b of redis.client.scanStream({ match: `${prefix}*` })) after.push(...(b as string[]));
    expect(after).toEqual([]);
  });

  it('introduces itself when it joins a group', async () => {
    await postWebhook(bot.url, fixture('join'), TEST_CHANNEL_SECRET);
    await recorder.waitFor((r) => r.some((x) => x.path === '/v2/bot/message/reply'));
    expect(recorder.replies[0]!.messages[0]!.text).toContain('メンション');
  });

  it('answers a group message that mentions it', async () => {
    await postWebhook(bot.url, fixture('group-mention'), TEST_CHANNEL_SECRET);
    await recorder.waitFor((r) => r.some((x) => x.path === '/v2/bot/message/reply'));
    expect(recorder.replies[0]!.messages.map((m) => m.text ?? '').join('')).toMatch(/カフェ会/);
  });

  it('answers a group message addressed with the 先輩 prefix', async () => {
    await postWebhook(bot.url, fixture('group-chatter', { text: '先輩、朝活の交流会って怪しいですか？' }), TEST_CHANNEL_SECRET);
    await recorder.waitFor((r) => r.some((x) => x.path === '/v2/bot/message/reply'));
    expect(recorder.replies).toHaveLength(1);
  });

  it('stays out of group chatter that mentions someone else', async () => {
    await postWebhook(bot.url, fixture('group-chatter'), TEST_CHANNEL_SECRET);
    await settle(400);
    expect(recorder.requests).toHaveLength(0);
  });

  it('answers a sticker with a short pointer to what it can do', async () => {
    await postWebhook(bot.url, fixture('sticker', { userId: uniqueUserId() }), TEST_CHANNEL_SECRET);
    await recorder.waitFor((r) => r.some((x) => x.path === '/v2/bot/message/reply'));
    expect(recorder.replies[0]!.messages[0]!.text).toContain('スタンプ');
  });

  it('sends nothing for an event in standby mode', async () => {
    await postWebhook(bot.url, fixture('standby', { userId: uniqueUserId() }), TEST_CHANNEL_SECRET);
    await settle(400);
    expect(recorder.requests).toHaveLength(0);
  });
});

describe('when the reply token cannot be used', () => {
  it('falls back to a push with a retry key when LINE rejects the token', async () => {
    recorder.script('/v2/bot/message/reply', { status: 400, body: { message: 'Invalid reply token' } });
    const userId = uniqueUserId();
    await postWebhook(bot.url, fixture('text', { userId }), TEST_CHANNEL_SECRET);
    await recorder.waitFor((r) => r.some((x) => x.path === '/v2/bot/message/push'));
    expect(recorder.pushes[0]!.to).toBe(userId);
    expect(recorder.to('/v2/bot/message/push')[0]!.headers['x-line-retry-key']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('retries a reply after a LINE 500 and delivers it once', async () => {
    recorder.script('/v2/bot/message/reply', { status: 500, body: { message: 'Internal error' } });
    await postWebhook(bot.url, fixture('text', { userId: uniqueUserId() }), TEST_CHANNEL_SECRET);
    await recorder.waitFor((r) => r.filter((x) => x.path === '/v2/bot/message/reply').length === 2);
    expect(recorder.pushes).toHaveLength(0);
  });
});
