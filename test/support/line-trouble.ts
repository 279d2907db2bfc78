// LINE in trouble, on loopback: a Messaging API stand-in that leaves chosen paths unanswered, a TCP
// link in front of any stand-in that can refuse connections (nothing listens on its port), reset
// every connection, or pass traffic through, and a tally of what LINE accepted for each event.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { retryKeyFor } from '../../src/processing/handle-event.ts';
import { LineApiRecorder, type RecordedRequest } from './line-recorder.ts';
import { freePort } from './throwaway-redis.ts';

export const REPLY_PATH = '/v2/bot/message/reply';
export const PUSH_PATH = '/v2/bot/message/push';
export const LOADING_PATH = '/v2/bot/chat/loading/start';

/**
 * The LINE recorder, except that calls to a hanging path are recorded and never answered: every
 * call (`hang(path)`) or the next `times` calls (`hang(path, times)`).
 */
export class HangingLineApi extends LineApiRecorder {
  readonly #hanging = new Map<string, number>();
  readonly #held: ServerResponse[] = [];
  /** When each recorded request arrived (Date.now()). */
  readonly arrivals = new Map<RecordedRequest, number>();

  hang(path: string, times = Infinity): void {
    this.#hanging.set(path, times);
  }

  answerAll(): void {
    this.#hanging.clear();
  }

  protected override handle(req: IncomingMessage, raw: Buffer, res: ServerResponse): void {
    const path = req.url ?? '';
    const arrived = Date.now();
    const left = this.#hanging.get(path) ?? 0;
    if (left <= 0) {
      super.handle(req, raw, res);
      this.arrivals.set(this.requests.at(-1)!, arrived);
      return;
    }
    this.#hanging.set(path, left - 1);
    let body: unknown = raw.toString('utf8');
    try {
      body = JSON.parse(body as string);
    } catch {
      // keep the raw text
    }
    const request: RecordedRequest = { method: req.method ?? '', path, headers: req.headers, body };
    this.requests.push(request);
    this.arrivals.set(request, arrived);
    this.#held.push(res); // never answered; dropped when the stand-in stops
  }

  override async stop(): Promise<void> {
    for (const res of this.#held.splice(0)) res.destroy();
    await super.stop();
  }
}

export type LinkState = 'up' | 'refusing' | 'resetting';

/**
 * A loopback TCP link to a stand-in, on a port of its own: `up` passes bytes both ways, `refusing`
 * listens on nothing (connections are refused, like a host that is down), `resetting` accepts and
 * resets every connection at once. Switching away from `up` cuts the connections it carries.
 */
export class LineLink {
  readonly url: string;
  readonly #port: number;
  readonly #target: { host: string; port: number };
  readonly #sockets = new Set<Socket>();
  #server: Server | undefined;
  #state: LinkState = 'refusing';
  /** Connections reset while `resetting`. */
  resets = 0;

  private constructor(port: number, targetUrl: string) {
    this.#port = port;
    this.url = `http://127.0.0.1:${port}`;
    const target = new URL(targetUrl);
    this.#target = { host: target.hostname, port: Number(target.port) };
  }

  static async open(targetUrl: string, state: LinkState): Promise<LineLink> {
    const link = new LineLink(await freePort(), targetUrl);
    await link.set(state);
    return link;
  }

  get state(): LinkState {
    return this.#state;
  }

  async set(state: LinkState): Promise<void> {
    this.#state = state;
    if (state !== 'up') for (const socket of this.#sockets) socket.destroy();
    if (state === 'refusing') {
      await this.#close();
      return;
    }
    if (this.#server) return;
    const server = createServer((client) => this.#connect(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.#port, '127.0.0.1', () => resolve());
    });
    this.#server = server;
  }

  #connect(client: Socket): void {
    if (this.#state !== 'up') {
      this.resets++;
      client.resetAndDestroy();
      return;
    }
    const upstream = createConnection(this.#target);
    for (const socket of [client, upstream]) {
      this.#sockets.add(socket);
      socket.on('error', () => {});
      socket.once('close', () => {
        this.#sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  }

  async #close(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  async close(): Promise<void> {
    this.#state = 'refusing';
    for (const socket of this.#sockets) socket.destroy();
    await this.#close();
  }
}

/** An event sent to the bot, with what identifies its answer at LINE. */
export type SentEvent = { id: string; userId: string; replyToken: string };

export type Answer = {
  /** 1 when LINE accepted a reply with the event's token (LINE accepts a token once). */
  replies: number;
  /** 1 when LINE accepted a push with the event's retry key (LINE delivers a retry key once). */
  pushes: number;
  /** Where among the recorded requests the answer first reached LINE; -1 when it did not. */
  firstAt: number;
};

/**
 * What LINE delivered for each event, counted as LINE counts: a reply token is good once (the
 * recorder answers 400 to a second use), a push is delivered once per X-Line-Retry-Key.
 */
export function answersOf(requests: readonly RecordedRequest[], events: readonly SentEvent[]): Map<string, Answer> {
  const firstReply = new Map<string, number>();
  const firstPush = new Map<string, number>();
  requests.forEach((request, index) => {
    if (request.path === REPLY_PATH) {
      const token = (request.body as { replyToken?: string } | undefined)?.replyToken;
      if (token && !firstReply.has(token)) firstReply.set(token, index);
    } else if (request.path === PUSH_PATH) {
      const key = String(request.headers['x-line-retry-key'] ?? '');
      if (key && !firstPush.has(key)) firstPush.set(key, index);
    }
  });
  const answers = new Map<string, Answer>();
  for (const event of events) {
    const reply = firstReply.get(event.replyToken);
    const push = firstPush.get(retryKeyFor(event.id));
    const at = [reply, push].filter((i): i is number => i !== undefined);
    answers.set(event.id, { replies: reply === undefined ? 0 : 1, pushes: push === undefined ? 0 : 1, firstAt: at.length > 0 ? Math.min(...at) : -1 });
  }
  return answers;
}

export type Summary = { once: number; twice: number; missing: number; byReply: number; byPush: number; outOfOrderUsers: string[] };

/** Counts over `answersOf`, and the users whose answers reached LINE in another order than sent. */
export function summarise(requests: readonly RecordedRequest[], events: readonly SentEvent[]): Summary {
  const answers = answersOf(requests, events);
  const summary: Summary = { once: 0, twice: 0, missing: 0, byReply: 0, byPush: 0, outOfOrderUsers: [] };
  const lastAtByUser = new Map<string, number>();
  for (const event of events) {
    const answer = answers.get(event.id)!;
    const n = answer.replies + answer.pushes;
    if (n === 0) summary.missing++;
    else if (n === 1) summary.once++;
    else summary.twice++;
    summary.byReply += answer.replies;
    summary.byPush += answer.pushes;
    if (answer.firstAt < 0) continue;
    const last = lastAtByUser.get(event.userId) ?? -1;
    if (answer.firstAt < last && !summary.outOfOrderUsers.includes(event.userId)) summary.outOfOrderUsers.push(event.userId);
    lastAtByUser.set(event.userId, Math.max(last, answer.firstAt));
  }
  return summary;
}

/** The events LINE delivered more than once, with how: for a failure message that says what went wrong. */
export function answeredTwice(requests: readonly RecordedRequest[], events: readonly SentEvent[]): string[] {
  const answers = answersOf(requests, events);
  return events.filter((e) => answers.get(e.id)!.replies + answers.get(e.id)!.pushes > 1).map((e) => `${e.id} (reply and push, to ${e.userId})`);
}
