// Properties of POST /webhook over arbitrary input: never a 5xx, never a crash, and nothing
// handled unless the body carries LINE's signature.
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LineApiRecorder } from './support/line-recorder.ts';
import { type RunningBot, startBot, TEST_CHANNEL_SECRET } from './support/bot-server.ts';
import { testRedisUrl } from './support/redis.ts';
import { sign } from './support/webhook.ts';

const RUNS = 200;
let recorder: LineApiRecorder;
let bots: RunningBot[];
const crashes: unknown[] = [];
const onCrash = (err: unknown) => crashes.push(err);

beforeAll(async () => {
  recorder = await new LineApiRecorder().start();
  process.on('unhandledRejection', onCrash);
  process.on('uncaughtException', onCrash);
  bots = [
    await startBot({ LINE_API_BASE_URL: recorder.url }),
    await startBot({ LINE_API_BASE_URL: recorder.url, REDIS_URL: testRedisUrl(), QUEUE: 'stream' }),
  ];
});
afterEach(async () => {
  // Every property leaves the bot alive and well.
  for (const bot of bots) expect((await fetch(`${bot.url}/healthz`)).status).toBe(200);
  expect(crashes).toEqual([]);
});
afterAll(async () => {
  process.off('unhandledRejection', onCrash);
  process.off('uncaughtException', onCrash);
  for (const bot of bots) await bot.stop();
  await recorder.stop();
});

async function post(bot: RunningBot, body: string | Buffer, headers: Record<string, string>): Promise<number> {
  const res = await fetch(`${bot.url}/webhook`, { method: 'POST', headers, body: typeof body === 'string' ? body : new Uint8Array(body) });
  await res.arrayBuffer();
  return res.status;
}

async function eventsCounted(bot: RunningBot): Promise<number> {
  const text = await (await fetch(`${bot.url}/metrics`)).text();
  return text
    .split('\n')
    .filter((l) => l.startsWith('bot_events_total'))
    .reduce((sum, l) => sum + Number(l.split(' ')[1]), 0);
}

/** Event counts once earlier events (still in the queue after their 200) are all handled. */
async function settledCounts(): Promise<number[]> {
  let last = await Promise.all(bots.map(eventsCounted));
  for (let i = 0; i < 50; i++) {
    await new Promise((r) => setTimeout(r, 200));
    const now = await Promise.all(bots.map(eventsCounted));
    if (now.every((n, j) => n === last[j])) return now;
    last = now;
  }
  return last;
}

const text = fc.string({ unit: 'grapheme', maxLength: 200 });
const source = fc.oneof(
  fc.record({ type: fc.constant('user'), userId: fc.oneof(fc.constant('Ufuzz0000000000000000000000000001'), text) }),
  fc.record({ type: fc.constant('group'), groupId: text, userId: fc.option(text, { nil: undefined }) }),
  fc.record({ type: fc.constant('room'), roomId: text }),
  fc.anything(),
);
const message = fc.oneof(
  fc.record({ type: fc.constant('text'), id: text, text, mention: fc.option(fc.anything(), { nil: undefined }) }),
  fc.record({ type: fc.constantFrom('sticker', 'image', 'video', 'audio', 'file', 'location'), id: text }),
  fc.anything(),
);
/** Events shaped like LINE's, with every field free to be missing, mistyped or unknown. */
const event = fc.record(
  {
    type: fc.oneof(fc.constantFrom('message', 'postback', 'follow', 'unfollow', 'join', 'leave', 'memberJoined', 'unsend', 'beacon'), text, fc.integer()),
    webhookEventId: fc.oneof(fc.uuid(), text, fc.integer()),
    timestamp: fc.oneof(fc.integer({ min: 0, max: 2 ** 42 }), fc.constant(Date.now()), text),
    mode: fc.oneof(fc.constantFrom('active', 'standby'), text),
    replyToken: fc.oneof(fc.stringMatching(/^[0-9a-f]{32}$/), text),
    deliveryContext: fc.oneof(fc.record({ isRedelivery: fc.boolean() }), fc.anything()),
    source,
    message,
    postback: fc.oneof(fc.record({ data: text }), fc.anything()),
  },
  { requiredKeys: [] },
);
const webhookBody = fc.record({ destination: fc.oneof(text, fc.anything()), events: fc.oneof(fc.array(fc.oneof(event, fc.anything()), { maxLength: 5 }), fc.anything()) }, { requiredKeys: [] });
const anyBody = fc.oneof(
  webhookBody.map((b) => JSON.stringify(b) ?? ''),
  fc.json(),
  text,
  fc.uint8Array({ maxLength: 2_000 }),
);
const contentType = fc.constantFrom('application/json', 'text/plain', 'application/octet-stream', 'application/json; charset=latin1', 'multipart/form-data', '');

describe('POST /webhook, for arbitrary input', () => {
  // First, while no signed event is queued or waiting for a retry, so the counters stand still.
  it('handles nothing whose signature is missing or wrong, and says 401', async () => {
    const before = await settledCounts();
    recorder.clear();
    const signature = fc.oneof(
      fc.constant(undefined),
      fc.base64String({ maxLength: 60 }),
      fc.string({ maxLength: 60 }).filter((s) => /^[\x21-\x7e]*$/.test(s)),
    );
    await fc.assert(
      fc.asyncProperty(webhookBody, signature, fc.constantFrom(0, 1), async (body, sig, which) => {
        const json = JSON.stringify(body) ?? '';
        fc.pre(sig !== sign(json, TEST_CHANNEL_SECRET));
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (sig !== undefined) headers['x-line-signature'] = sig;
        expect(await post(bots[which]!, json, headers)).toBe(401);
      }),
      { numRuns: RUNS },
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(await Promise.all(bots.map(eventsCounted))).toEqual(before);
    expect(recorder.requests).toHaveLength(0);
  });

  it('never answers 5xx to a correctly signed body, whatever it holds', async () => {
    await fc.assert(
      fc.asyncProperty(anyBody, contentType, fc.constantFrom(0, 1), async (body, type, which) => {
        const bytes = Buffer.from(body);
        const signature = createHmac('sha256', TEST_CHANNEL_SECRET).update(bytes).digest('base64');
        const status = await post(bots[which]!, bytes, { 'content-type': type, 'x-line-signature': signature });
        expect(status).toBeLessThan(500);
      }),
      { numRuns: RUNS },
    );
  });

  it('answers 200 or 400 to signed webhook-shaped bodies with arbitrary events, and handles them without crashing', async () => {
    await fc.assert(
      fc.asyncProperty(webhookBody, fc.constantFrom(0, 1), async (body, which) => {
        const json = JSON.stringify(body) ?? '';
        const status = await post(bots[which]!, json, { 'content-type': 'application/json', 'x-line-signature': sign(json, TEST_CHANNEL_SECRET) });
        expect([200, 400]).toContain(status);
      }),
      { numRuns: RUNS },
    );
  });

});
