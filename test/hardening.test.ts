// Issue 10: what broke when the running server was attacked, held as specifications. Everything
// runs for real on 127.0.0.1: the server (in this process, or as `node src/server.ts`), the LINE
// stand-ins, a TCP link that takes LINE away, and the OpenAI stand-in.
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BotProcess, startBotProcess, waitUntil } from '../bench/support/processes.ts';
import { copy } from '../src/copy.ts';
import { EVENT_MAX_AGE_MS, retryKeyFor } from '../src/processing/handle-event.ts';
import { TIMELINE_BUDGET_BYTES, Timelines, type SimulatorEntry } from '../src/simulator/routes.ts';
import { keys } from '../src/store/store.ts';
import { type RunningBot, startBot, TEST_ACCESS_TOKEN, TEST_CHANNEL_SECRET } from './support/bot-server.ts';
import { LineApiRecorder } from './support/line-recorder.ts';
import { HangingLineApi, LineLink, LOADING_PATH, PUSH_PATH, REPLY_PATH, type SentEvent, summarise } from './support/line-trouble.ts';
import { OpenAiStandIn } from './support/openai-stand-in.ts';
import { testRedisUrl } from './support/redis.ts';
import { fixture, postWebhook, sign, uniqueUserId, type WebhookBody } from './support/webhook.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The one event of a fixture body, as the tallies need it. */
const sentOf = (body: WebhookBody): SentEvent => {
  const event = body.events[0] as { webhookEventId: string; replyToken: string; source: { userId: string } };
  return { id: event.webhookEventId, userId: event.source.userId, replyToken: event.replyToken };
};

const textOf = (messages: { text?: string; altText?: string }[]) => messages.map((m) => m.text ?? m.altText ?? '').join('\n');

async function metricsText(bot: RunningBot): Promise<string> {
  return (await fetch(`${bot.url}/metrics`)).text();
}

/** Sum of a series' samples whose name and labels start with `prefix`. */
function sample(text: string, prefix: string): number {
  return text
    .split('\n')
    .filter((l) => l.startsWith(prefix))
    .reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0);
}

// ------------------------------------------------------------------------------------------------

describe('slow clients (a real `node src/server.ts` with small limits)', () => {
  const HEADERS_TIMEOUT_MS = 1_000;
  const MAX_CONNECTIONS = 20;
  let logDir = '';
  let line: LineApiRecorder;
  let bot: BotProcess;
  let port: number;

  beforeAll(async () => {
    logDir = mkdtempSync(join(tmpdir(), 'kab-hardening-'));
    line = await new LineApiRecorder().start();
    bot = await startBotProcess('server', {
      env: {
        HOST: '127.0.0.1',
        LINE_CHANNEL_SECRET: TEST_CHANNEL_SECRET,
        LINE_CHANNEL_ACCESS_TOKEN: TEST_ACCESS_TOKEN,
        LINE_API_BASE_URL: line.url,
        HTTP_MAX_CONNECTIONS: String(MAX_CONNECTIONS),
        HTTP_HEADERS_TIMEOUT_SECONDS: String(HEADERS_TIMEOUT_MS / 1000),
        HTTP_REQUEST_TIMEOUT_SECONDS: '2',
      },
      logFile: join(logDir, 'server.log'),
    });
    port = Number(new URL(bot.url).port);
  });
  afterAll(async () => {
    await bot?.kill('SIGKILL');
    await line?.stop();
    if (logDir) rmSync(logDir, { recursive: true, force: true });
  });

  type Drip = { socket: Socket; openedAt: number; closedAt: number | undefined; response: string; stop(): void };

  /** A client that sends a request's head one byte every `everyMs`, never finishing it (bounded). */
  function slowDrip(everyMs = 100): Drip {
    const head = `POST /webhook HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ${'a'.repeat(300)}`; // 30+ s of bytes at most
    const socket = createConnection({ host: '127.0.0.1', port });
    const drip: Drip = { socket, openedAt: Date.now(), closedAt: undefined, response: '', stop: () => socket.destroy() };
    let sent = 0;
    const timer = setInterval(() => {
      if (sent < head.length && socket.writable) socket.write(head[sent++]!);
    }, everyMs);
    socket.on('data', (d: Buffer) => (drip.response += d.toString('latin1')));
    socket.on('error', () => {});
    socket.once('close', () => {
      clearInterval(timer);
      drip.closedAt = Date.now();
    });
    return drip;
  }

  async function healthz(): Promise<number> {
    try {
      return (await fetch(`${bot.url}/healthz`, { signal: AbortSignal.timeout(1_000) })).status;
    } catch {
      return 0;
    }
  }

  it('closes connections past HTTP_MAX_CONNECTIONS at once, stays up, and answers /healthz again once the slow clients are gone', async () => {
    const drips = Array.from({ length: 60 }, () => slowDrip());
    try {
      // Well inside the headers timeout: only the connection cap can have closed anything yet.
      await sleep(HEADERS_TIMEOUT_MS * 0.6);
      const open = drips.filter((d) => d.closedAt === undefined);
      const dropped = drips.filter((d) => d.closedAt !== undefined);
      expect(open.length).toBeGreaterThan(0);
      expect(open.length).toBeLessThanOrEqual(MAX_CONNECTIONS);
      expect(dropped.length).toBeGreaterThanOrEqual(60 - MAX_CONNECTIONS);
      for (const d of dropped) expect(d.response).toBe(''); // closed, not served
      expect(bot.child.exitCode).toBeNull();
    } finally {
      for (const d of drips) d.stop();
    }
    expect(await waitUntil(async () => (await healthz()) === 200, 3_000, 100)).toBe(true);
    expect(bot.child.exitCode).toBeNull();
  });

  // Node enforces headersTimeout/requestTimeout only when its connection check runs, every
  // `connectionsCheckingInterval` (30 s by default): before that was set below the timeout, a client
  // dripping a byte every 100 ms held its connection for about 30 s whatever the limit said.
  it('closes a slow-drip client that has not sent its headers within HTTP_HEADERS_TIMEOUT_SECONDS, with 408', async () => {
    const drips = Array.from({ length: 10 }, () => slowDrip());
    try {
      await waitUntil(() => drips.every((d) => d.closedAt !== undefined), HEADERS_TIMEOUT_MS + 1_500, 50);
      for (const d of drips) {
        expect(d.closedAt, 'closed by the server').toBeDefined();
        expect(d.closedAt! - d.openedAt).toBeLessThanOrEqual(HEADERS_TIMEOUT_MS + 1_500);
        if (d.response) expect(d.response).toMatch(/^HTTP\/1\.1 408/);
      }
      expect(bot.child.exitCode).toBeNull();
    } finally {
      for (const d of drips) d.stop();
    }
  });
});

// ------------------------------------------------------------------------------------------------

describe('a LINE endpoint that never answers', () => {
  let line: HangingLineApi;
  beforeAll(async () => {
    line = await new HangingLineApi().start();
  });
  afterAll(async () => {
    await line?.stop();
  });

  it('does not delay the reply when the loading animation hangs (an LLM is configured, so it is shown)', async () => {
    const llm = await new OpenAiStandIn().start();
    const bot = await startBot({ LINE_API_BASE_URL: line.url, OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: llm.url });
    line.hang(LOADING_PATH);
    try {
      expect(bot.runtime.adviser.slow).toBe(true);
      const userId = uniqueUserId();
      const started = Date.now();
      await postWebhook(bot.url, fixture('text', { userId, text: '名刺交換のあと、どうフォローすればいい？' }), TEST_CHANNEL_SECRET);
      await line.waitFor((r) => r.some((x) => x.path === REPLY_PATH), 5_000);
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(line.to(LOADING_PATH).map((r) => (r.body as { chatId: string }).chatId)).toEqual([userId]);
    } finally {
      line.answerAll();
      line.clear();
      await bot.stop();
      await llm.stop();
    }
  });

  describe('with the outbound timeout for LINE at 500 ms', () => {
    let bot: RunningBot;
    beforeAll(async () => {
      bot = await startBot({ LINE_API_BASE_URL: line.url }, { outbound: { lineMs: 500 } });
    });
    afterAll(async () => {
      await bot?.stop();
    });

    /** When each call to `path` reached the stand-in. */
    const arrivals = (path: string) => line.to(path).map((r) => line.arrivals.get(r)!);

    it('gives a hanging reply up after the timeout and tries the token again while it lives', async () => {
      line.hang(REPLY_PATH, 1);
      try {
        const body = fixture('text', { userId: uniqueUserId() });
        const started = Date.now();
        await postWebhook(bot.url, body, TEST_CHANNEL_SECRET);
        await line.waitFor((r) => r.filter((x) => x.path === REPLY_PATH).length === 2, 5_000);
        await sleep(300);
        const [hung, answered] = arrivals(REPLY_PATH);
        expect(answered! - hung!).toBeGreaterThanOrEqual(450); // the hung call was given up first
        expect(Date.now() - started).toBeLessThan(3_000);
        expect(line.replies.map((r) => r.replyToken)).toEqual([body.events[0]!.replyToken, body.events[0]!.replyToken]);
        expect(line.pushes).toHaveLength(0);
      } finally {
        line.answerAll();
        line.clear();
      }
    });

    it('pushes the answer when the reply hangs past the reply token’s life', async () => {
      line.hang(REPLY_PATH);
      try {
        const userId = uniqueUserId();
        // A reply token with 1.5 s left: usable when the reply starts, spent (less than 1 s left) when
        // the hung call is given up.
        const body = fixture('text', { userId, now: Date.now() - 48_500 });
        const started = Date.now();
        await postWebhook(bot.url, body, TEST_CHANNEL_SECRET);
        await line.waitFor((r) => r.some((x) => x.path === PUSH_PATH), 5_000);
        await sleep(300);
        const [reply] = arrivals(REPLY_PATH);
        const [push] = arrivals(PUSH_PATH);
        expect(push! - reply!).toBeGreaterThanOrEqual(450);
        expect(Date.now() - started).toBeLessThan(4_000);
        const pushes = line.to(PUSH_PATH);
        expect(pushes).toHaveLength(1);
        expect((pushes[0]!.body as { to: string }).to).toBe(userId);
        expect(pushes[0]!.headers['x-line-retry-key']).toBe(retryKeyFor(sentOf(body).id));
      } finally {
        line.answerAll();
        line.clear();
      }
    });
  });
});

// ------------------------------------------------------------------------------------------------

describe('LINE out of reach, without Redis (the default in-process mode)', () => {
  let line: LineApiRecorder;
  beforeAll(async () => {
    line = await new LineApiRecorder().start();
  });
  afterAll(async () => {
    await line?.stop();
  });

  /** `perUser` messages from each user, a user's one after the other (each acknowledged first). */
  async function converse(bot: RunningBot, users: string[], perUser: number, ageMs = 0): Promise<SentEvent[]> {
    const sent: SentEvent[][] = users.map(() => []);
    await Promise.all(
      users.map(async (userId, u) => {
        for (let n = 0; n < perUser; n++) {
          const body = fixture('text', { userId, text: `カフェ会って怪しい？ (${n})`, now: Date.now() - ageMs });
          expect((await postWebhook(bot.url, body, TEST_CHANNEL_SECRET)).status).toBe(200);
          sent[u]!.push(sentOf(body));
        }
      }),
    );
    return sent.flat();
  }

  it('answers every message exactly once, by reply and in order, when LINE resets every connection for the first 2 s', async () => {
    const link = await LineLink.open(line.url, 'resetting');
    const bot = await startBot({ LINE_API_BASE_URL: link.url });
    try {
      const users = Array.from({ length: 8 }, uniqueUserId);
      const sent = await converse(bot, users, 3);
      await sleep(2_000);
      expect(link.resets).toBeGreaterThanOrEqual(8); // every user's first reply was tried, and reset
      expect(line.requests).toHaveLength(0); // nothing got through while LINE reset everything
      await link.set('up');
      expect(await waitUntil(() => summarise(line.requests, sent).missing === 0, 12_000, 50)).toBe(true);
      await sleep(500);
      expect(summarise(line.requests, sent)).toEqual({ once: 24, twice: 0, missing: 0, byReply: 24, byPush: 0, outOfOrderUsers: [] });
    } finally {
      line.clear();
      await bot.stop();
      await link.close();
    }
  });

  it('answers every message exactly once when LINE refuses connections for 6 s: by reply while the token lives, else by push', async () => {
    const link = await LineLink.open(line.url, 'refusing');
    const bot = await startBot({ LINE_API_BASE_URL: link.url });
    try {
      const [fresh, aged] = await Promise.all([
        converse(bot, Array.from({ length: 4 }, uniqueUserId), 2),
        // Reply tokens with 6 s left: they die during the outage. (The reply's retries stop at the
        // 3 s attempt, more than 1 s before the token's last second, so the in-process retry 2 s
        // later still holds a usable token, tries it once more, and pushes.)
        converse(bot, Array.from({ length: 6 }, uniqueUserId), 1, 44_000),
      ]);
      await sleep(6_000);
      await link.set('up');
      const all = [...fresh, ...aged];
      expect(await waitUntil(() => summarise(line.requests, all).missing === 0, 20_000, 50)).toBe(true);
      await sleep(500);
      expect(summarise(line.requests, fresh)).toEqual({ once: 8, twice: 0, missing: 0, byReply: 8, byPush: 0, outOfOrderUsers: [] });
      expect(summarise(line.requests, aged)).toMatchObject({ once: 6, twice: 0, missing: 0, byPush: 6 });
    } finally {
      line.clear();
      await bot.stop();
      await link.close();
    }
  });

  // Reply retries stop when the next backoff would pass the token's deadline; the answer must then
  // be pushed at once. Before, the handler threw, and the in-process retry found its own `s:r:` mark
  // and a token too old to ask, took that for a delivered reply, and dropped the answer.
  it('pushes the answer when a reply token runs out between two in-process attempts while LINE refuses connections', async () => {
    const link = await LineLink.open(line.url, 'refusing');
    const bot = await startBot({ LINE_API_BASE_URL: link.url });
    try {
      // Reply tokens with 2.9 s left: the reply's retries end 1 s before that, and the last attempt
      // (1.4 s in; the next would be at 3 s) fails in the last second before that end.
      const sent = await converse(bot, Array.from({ length: 3 }, uniqueUserId), 1, 47_100);
      await sleep(3_000);
      await link.set('up');
      // Fixed, the answer is pushed about 5 s in (the push that failed while LINE was away is tried
      // again 2 s later); as it is, the 3.4 s attempt drops it.
      await waitUntil(() => summarise(line.requests, sent).missing === 0, 3_500, 50);
      expect(summarise(line.requests, sent)).toMatchObject({ once: 3, twice: 0, missing: 0 });
    } finally {
      line.clear();
      await bot.stop();
      await link.close();
    }
  });
});

// ------------------------------------------------------------------------------------------------

describe('the simulator timelines', () => {
  const filler = 'カフェ会の招待文です。'.repeat(300); // about 3,300 characters
  const entryFor = (user: string, n: number) => ({ kind: 'user-text' as const, text: `${user}#${n}#${filler}` });
  const numberOf = (entry: SimulatorEntry) => Number((entry as { text: string }).text.split('#')[1]);
  const held = (timelines: Timelines, user: string) => timelines.since(user, 0);
  const heldBytes = (timelines: Timelines, users: string[]) =>
    users.reduce((sum, u) => sum + held(timelines, u).reduce((s, e) => s + JSON.stringify(e).length, 0), 0);

  it('hold at most their byte budget whatever is added, drop the oldest entries of the idlest users first, and keep the active user’s newest entry', () => {
    const timelines = new Timelines();
    const users = Array.from({ length: 200 }, (_, u) => `Usimload${u}`);
    let added = 0;
    let peak = 0;
    for (let n = 0; n < 300; n++) {
      for (const user of users) {
        timelines.add(user, entryFor(user, n));
        added += JSON.stringify(entryFor(user, n)).length;
        peak = Math.max(peak, timelines.bytes);
      }
    }
    expect(added).toBeGreaterThan(10 * TIMELINE_BUDGET_BYTES);
    expect(peak).toBeLessThanOrEqual(TIMELINE_BUDGET_BYTES);
    expect(heldBytes(timelines, users)).toBe(timelines.bytes); // the count is what is really held
    // Each user keeps its newest entries: an unbroken run ending at the last one it sent.
    for (const user of users) {
      const numbers = held(timelines, user).map(numberOf);
      expect(numbers).toEqual(Array.from({ length: numbers.length }, (_, i) => 300 - numbers.length + i));
    }

    // Users 0…199 were last active in that order. A new, busy user makes room: the idlest go first.
    const before = new Map(users.map((u) => [u, held(timelines, u).length]));
    const active = 'Usimactive';
    for (let n = 0; n < 300; n++) {
      timelines.add(active, entryFor(active, n));
      expect(timelines.bytes).toBeLessThanOrEqual(TIMELINE_BUDGET_BYTES);
      expect(numberOf(held(timelines, active).at(-1)!)).toBe(n);
    }
    const lost = users.map((u) => before.get(u)! - held(timelines, u).length);
    const touched = lost.findLastIndex((l) => l > 0);
    expect(touched).toBeGreaterThanOrEqual(0);
    expect(lost.slice(touched + 1).every((l) => l === 0)).toBe(true); // the more recently active kept all
    expect(users.slice(0, touched).every((u) => held(timelines, u).length === 0)).toBe(true); // the idlest emptied first
    expect(heldBytes(timelines, [...users, active])).toBe(timelines.bytes);

    // One entry larger than a user's share: the active user's newest entry stays, the budget holds.
    timelines.add(active, { kind: 'user-text', text: `${active}#300#${'x'.repeat(600_000)}` });
    expect(held(timelines, active).map(numberOf)).toEqual([300]);
    expect(timelines.bytes).toBeLessThanOrEqual(TIMELINE_BUDGET_BYTES);
    expect(heldBytes(timelines, [...users, active])).toBe(timelines.bytes);
  });
});

// ------------------------------------------------------------------------------------------------

describe('smaller edges', () => {
  let line: LineApiRecorder;
  beforeAll(async () => {
    line = await new LineApiRecorder().start();
  });
  afterAll(async () => {
    await line?.stop();
  });

  /** Sends one text or postback and resolves with the text of the reply it got. */
  async function say(bot: RunningBot, body: WebhookBody): Promise<{ text: string; messages: Record<string, unknown>[] }> {
    const token = sentOf(body).replyToken;
    await postWebhook(bot.url, body, TEST_CHANNEL_SECRET);
    await line.waitFor((r) => r.some((x) => x.path === REPLY_PATH && (x.body as { replyToken: string }).replyToken === token), 10_000);
    const reply = line.replies.find((r) => r.replyToken === token)!;
    return { text: textOf(reply.messages), messages: reply.messages as never };
  }
  const postback = (userId: string, data: string) => {
    const body = fixture('postback', { userId });
    (body.events[0] as { postback: { data: string } }).postback.data = data;
    return body;
  };

  it('deletes nothing on a delete-confirm postback without the session it was made in (s=)', async () => {
    const bot = await startBot({ LINE_API_BASE_URL: line.url });
    try {
      const userId = uniqueUserId();
      await say(bot, fixture('text', { userId, text: 'IT交流会で田中さんと名刺交換した' }));
      const asked = await say(bot, fixture('text', { userId, text: 'データを削除' }));
      const button = JSON.stringify(asked.messages).match(/action=delete-confirm&s=[^"\\]+/)?.[0];
      expect(button).toBeDefined();

      for (const forged of ['action=delete-confirm', 'action=delete-confirm&s=']) {
        const answer = await say(bot, postback(userId, forged));
        expect(answer.text).not.toContain(copy.deletion.done);
        const list = (await say(bot, fixture('text', { userId, text: '連絡先一覧' }))).text;
        expect(list).toContain(copy.contacts.listIntro);
        expect(list).toContain('田中');
        await say(bot, fixture('text', { userId, text: 'データを削除' })); // the confirmation is open again
      }
      // The button the bot made does delete: the forged ones were refused for lacking it.
      const fresh = await say(bot, fixture('text', { userId, text: 'データを削除' }));
      const real = JSON.stringify(fresh.messages).match(/action=delete-confirm&s=[^"\\]+/)![0];
      expect((await say(bot, postback(userId, real))).text).toContain(copy.deletion.done);
      expect((await say(bot, fixture('text', { userId, text: '連絡先一覧' }))).text).toBe(copy.contacts.empty);
    } finally {
      line.clear();
      await bot.stop();
    }
  });

  it('keeps the keys of `Ua}:x` when `Ua` unfollows (ids that are not LINE ids are ignored; keys percent-encode)', async () => {
    const bot = await startBot({ LINE_API_BASE_URL: line.url, REDIS_URL: testRedisUrl(), QUEUE: 'inline' });
    const store = bot.runtime.store;
    const handledUnfollows = async () => sample(await metricsText(bot), 'bot_event_handling_seconds_count{type="unfollow"}');
    const lineUser = uniqueUserId(); // a real LINE id: U and 32 hex digits
    const owned = ['Ua', 'Ua}:x', lineUser, `${lineUser}}:x`, `${lineUser}*`];
    try {
      for (const id of owned) await store.set(keys.user(id, 'profile'), JSON.stringify({ session: id }), 600);

      const unfollow = (userId: string) => {
        const body = fixture('unfollow');
        (body.events[0] as { source: { userId: string } }).source.userId = userId;
        return body;
      };
      await postWebhook(bot.url, unfollow('Ua'), TEST_CHANNEL_SECRET);
      await postWebhook(bot.url, unfollow(lineUser), TEST_CHANNEL_SECRET);
      expect(await waitUntil(async () => (await handledUnfollows()) === 2, 5_000)).toBe(true);

      const left = async (id: string) => (await store.get(keys.user(id, 'profile'))) !== null;
      expect(await left('Ua')).toBe(true); // `Ua` is not a LINE id: its unfollow acts on nothing
      expect(await left('Ua}:x')).toBe(true);
      expect(await left(lineUser)).toBe(false); // the real user's own data goes
      expect(await left(`${lineUser}}:x`)).toBe(true); // but not the keys of ids that start like it
      expect(await left(`${lineUser}*`)).toBe(true);
      expect(keys.userPrefix('Ua}:x')).not.toContain('}:x');
    } finally {
      for (const id of owned) await store.delete(keys.user(id, 'profile')).catch(() => {});
      line.clear();
      await bot.stop();
    }
  });

  it('does not handle again a signed body replayed after the dedupe window has forgotten it', async () => {
    let clock = Date.now();
    const bot = await startBot({ LINE_API_BASE_URL: line.url }, { now: () => clock });
    try {
      const userId = uniqueUserId();
      const body = fixture('text', { userId, now: clock });
      const raw = JSON.stringify(body);
      const signature = sign(raw, TEST_CHANNEL_SECRET);
      await say(bot, body);
      expect(line.requests).toHaveLength(1);

      clock += EVENT_MAX_AGE_MS + 2 * 3_600_000; // a day and more later: the dedupe mark has expired
      expect((await postWebhook(bot.url, raw, TEST_CHANNEL_SECRET, { signature })).status).toBe(200);
      // A fresh message in the same chat is handled after the replay; once it is answered, the
      // replay has been dealt with.
      await say(bot, fixture('text', { userId, now: clock }));
      expect(line.requests.map((r) => r.path)).toEqual([REPLY_PATH, REPLY_PATH]);
      expect(line.pushes).toHaveLength(0);
    } finally {
      line.clear();
      await bot.stop();
    }
  });

  it('counts events of made-up types under one label, so metric labels stay bounded', async () => {
    const bot = await startBot({ LINE_API_BASE_URL: line.url });
    try {
      const userId = uniqueUserId();
      const madeUp = Array.from({ length: 40 }, (_, i) => `x-made-up-${i}-${Math.random().toString(36).slice(2, 8)}`);
      for (const type of madeUp) {
        const body = fixture('unfollow', { userId });
        body.events[0]!.type = type;
        expect((await postWebhook(bot.url, body, TEST_CHANNEL_SECRET)).status).toBe(200);
      }
      expect(await waitUntil(async () => sample(await metricsText(bot), 'bot_events_total{type="other"}') === 40, 5_000)).toBe(true);
      const text = await metricsText(bot);
      const labels = new Set([...text.matchAll(/^bot_\w+\{[^}]*type="([^"]*)"/gm)].map((m) => m[1]));
      for (const type of madeUp) expect(text).not.toContain(type);
      expect(labels).toEqual(new Set(['other']));
    } finally {
      line.clear();
      await bot.stop();
    }
  });
});
