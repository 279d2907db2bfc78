// Invitations as they really arrive, through the webhook: an image of a flyer (fetched from the
// content API, read, judged), a link to an event page (read behind the guard, judged), and the
// answers when there is nothing to judge. LINE, its content API and the pages are loopback servers.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisStore } from '../src/store/redis.ts';
import { keys } from '../src/store/store.ts';
import { LineApiRecorder } from './support/line-recorder.ts';
import { type RunningBot, startBot, TEST_CHANNEL_SECRET } from './support/bot-server.ts';
import { testRedisUrl } from './support/redis.ts';
import { fixture, postWebhook, uniqueUserId } from './support/webhook.ts';

const haveTesseract = spawnSync('tesseract', ['--version']).status === 0;
const image = (name: string) => new Uint8Array(readFileSync(new URL(`./fixtures/images/${name}`, import.meta.url)));
const REPLY = '/v2/bot/message/reply';

let recorder: LineApiRecorder;
let pages: Server;
let pagesHost = '';
let bot: RunningBot;
let redis: RedisStore;
const logLines: string[] = [];

type Sent = { type: string; text?: string; altText?: string; contents?: unknown };
const read = (messages: Sent[]) => messages.map((m) => m.text ?? m.altText ?? '').join('\n');

async function deliver(body: ReturnType<typeof fixture>, timeoutMs = 20_000): Promise<Sent[]> {
  const before = recorder.replies.length;
  expect((await postWebhook(bot.url, body, TEST_CHANNEL_SECRET)).status).toBe(200);
  await recorder.waitFor((r) => r.filter((x) => x.path === REPLY).length > before, timeoutMs);
  return recorder.replies[before]!.messages as Sent[];
}

async function sendImage(userId: string, bytes: Uint8Array): Promise<Sent[]> {
  const body = fixture('text', { userId });
  const id = String(Date.now()) + String(Math.floor(Math.random() * 1e6));
  recorder.content.set(id, { bytes, type: 'image/png' });
  body.events[0]!.message = { type: 'image', id, quoteToken: 'q', contentProvider: { type: 'line' } };
  return deliver(body);
}

const say = (userId: string, text: string) => deliver(fixture('text', { userId, text }));

beforeAll(async () => {
  recorder = await new LineApiRecorder().start();
  pages = createServer((req, res) => {
    if (req.url?.startsWith('/login')) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(readFileSync(new URL('./fixtures/pages/login-wall.html', import.meta.url)));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(readFileSync(new URL('./fixtures/pages/event-jsonld.html', import.meta.url)));
  });
  await new Promise<void>((resolve) => pages.listen(0, '127.0.0.1', () => resolve()));
  pagesHost = `127.0.0.1:${(pages.address() as AddressInfo).port}`;
  const sink = new Writable({
    write(chunk, _enc, done) {
      logLines.push(String(chunk));
      done();
    },
  });
  bot = await startBot(
    { LINE_API_BASE_URL: recorder.url, LINE_DATA_API_BASE_URL: recorder.url, REDIS_URL: testRedisUrl(), QUEUE: 'inline', LINK_ALLOW_HOSTS: pagesHost },
    { log: pino({ level: 'info' }, sink) },
  );
  redis = new RedisStore(testRedisUrl());
  await redis.connected();
});
afterAll(async () => {
  await bot.stop();
  await redis.close();
  await recorder.stop();
  await new Promise<void>((resolve) => pages.close(() => resolve()));
});

describe.skipIf(!haveTesseract)('an image', () => {
  it('of a flyer is fetched, read and judged: the card quotes what was read, and a note says it came from the image', async () => {
    const messages = await sendImage(uniqueUserId(), image('flyer-11-income-seminar.png'));
    const card = messages.find((m) => m.type === 'flex')!;
    expect(card.altText).toMatch(/危険の可能性大|注意/);
    expect(read(messages)).toContain('画像の文字を読み取って');
    expect(JSON.stringify(card.contents)).toMatch(/月収|稼|説明会/);
    expect(recorder.to('/v2/bot/chat/loading/start').length).toBeGreaterThan(0);
  });

  it('with no invitation in it gets a short, friendly answer, not a verdict', async () => {
    const messages = await sendImage(uniqueUserId(), image('none-01-landscape.png'));
    expect(messages.some((m) => m.type === 'flex')).toBe(false);
    expect(read(messages)).toContain('誘いの文章は見当たりませんでした');
  });

  it('keeps no image bytes: only the text that was judged, under the user’s own keys', async () => {
    const user = uniqueUserId();
    await sendImage(user, image('chat-04-income.png'));
    const profile = await redis.get(keys.user(user, 'profile'));
    expect(profile).not.toBeNull();
    expect(profile!.length).toBeLessThan(20_000);
    expect(profile).not.toMatch(/iVBORw0KGgo|PNG/);
  });
});

describe('an image that cannot be read', () => {
  it('larger than the limit is refused with a clear message, without reading it all', async () => {
    const messages = await sendImage(uniqueUserId(), new Uint8Array(11 * 1024 * 1024));
    expect(read(messages)).toContain('大きすぎて読めませんでした');
  });

  it('that is not an image gets a clear message', async () => {
    const messages = await sendImage(uniqueUserId(), new TextEncoder().encode('this is not an image at all, just text'));
    expect(read(messages)).toContain('うまく読めませんでした');
  });
});

describe('a link', () => {
  it('to an event page is read and judged with the message; the reply names the page', async () => {
    const messages = await say(uniqueUserId(), `このイベント行こうか迷ってる http://${pagesHost}/event/42`);
    const card = messages.find((m) => m.type === 'flex')!;
    expect(card.altText).toMatch(/安全そう|注意|危険の可能性大/);
    expect(JSON.stringify(card.contents)).toContain('フリーランス');
    expect(read(messages)).toContain('リンク先（127.0.0.1）');
  });

  it('that needs a login gets 「リンク先は読めませんでした」 and no verdict', async () => {
    const messages = await say(uniqueUserId(), `http://${pagesHost}/login`);
    expect(messages.some((m) => m.type === 'flex')).toBe(false);
    expect(read(messages)).toContain('リンク先は読めませんでした。内容を貼ってもらえれば判定します');
  });

  it('to a private address is never fetched', async () => {
    const before = logLines.length;
    const messages = await say(uniqueUserId(), 'http://10.0.0.1/event');
    expect(read(messages)).toContain('リンク先は読めませんでした');
    expect(logLines.slice(before).join('')).toMatch(/LinkRefusedError/);
  });

  it('into another LINE account (lin.ee) is a sign of its own, quoted on the card', async () => {
    const messages = await say(uniqueUserId(), '友達がこのLINEグループ入ってって言ってる！稼げる仲間が集まってるらしい https://lin.ee/AbCdEf1');
    const card = messages.find((m) => m.type === 'flex')!;
    expect(JSON.stringify(card.contents)).toContain('別のLINEアカウントやグループへの誘導');
    expect(card.altText).not.toContain('安全そう');
  });

  it('never puts a URL’s path or the read text in the logs', () => {
    const all = logLines.join('');
    expect(all).not.toContain('/event/42');
    expect(all).not.toContain('AbCdEf1');
    expect(all).not.toContain('フリーランス');
  });
});
