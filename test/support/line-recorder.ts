// A loopback stand-in for the Messaging API: records what the bot sends, answers like LINE does.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoopbackHttpServer } from './loopback-http.ts';

export type RecordedRequest = {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: unknown;
};

export type ScriptedAnswer = { status: number; body: unknown };

export class LineApiRecorder extends LoopbackHttpServer {
  readonly requests: RecordedRequest[] = [];
  readonly #waiters = new Set<() => void>();
  /** Answers to give before the normal 200, per path, e.g. a 500 then a 200. */
  readonly #script = new Map<string, ScriptedAnswer[]>();
  readonly #usedReplyTokens = new Set<string>();
  /** What the content API serves, by message id (LINE_DATA_API_BASE_URL may point here too). */
  readonly content = new Map<string, { bytes: Uint8Array; type: string }>();

  protected override handle(req: IncomingMessage, raw: Buffer, res: ServerResponse): void {
    const contentPath = /^\/v2\/bot\/message\/([^/]+)\/content$/.exec(req.url ?? '');
    if (req.method === 'GET' && contentPath) {
      this.requests.push({ method: 'GET', path: req.url ?? '', headers: req.headers, body: undefined });
      const found = this.content.get(contentPath[1]!);
      if (!found) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: 'Not found' }));
        return;
      }
      res.writeHead(200, { 'content-type': found.type, 'content-length': found.bytes.byteLength });
      res.end(found.bytes);
      return;
    }
    const text = raw.toString('utf8');
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // keep the raw text
    }
    const path = req.url ?? '';
    this.requests.push({ method: req.method ?? '', path, headers: req.headers, body });
    for (const wake of this.#waiters) wake();
    const scripted = this.#script.get(path)?.shift();
    let answer: ScriptedAnswer = scripted ?? { status: 200, body: {} };
    if (!scripted && path === '/v2/bot/message/reply') {
      // LINE accepts each reply token once.
      const token = (body as { replyToken?: string } | undefined)?.replyToken ?? '';
      if (this.#usedReplyTokens.has(token)) answer = { status: 400, body: { message: 'Invalid reply token' } };
      this.#usedReplyTokens.add(token);
    }
    res.writeHead(answer.status, { 'content-type': 'application/json', 'x-line-request-id': `req-${this.requests.length}` });
    res.end(JSON.stringify(answer.body));
  }

  script(path: string, ...answers: ScriptedAnswer[]): void {
    this.#script.set(path, [...(this.#script.get(path) ?? []), ...answers]);
  }

  to(path: string): RecordedRequest[] {
    return this.requests.filter((r) => r.path === path);
  }

  get replies(): { replyToken: string; messages: { type: string; text?: string; altText?: string }[] }[] {
    return this.to('/v2/bot/message/reply').map((r) => r.body as never);
  }

  get pushes(): { to: string; messages: { type: string; text?: string }[] }[] {
    return this.to('/v2/bot/message/push').map((r) => r.body as never);
  }

  /** Waits until `predicate` holds over the recorded requests, or fails after `timeoutMs`. */
  async waitFor(predicate: (requests: RecordedRequest[]) => boolean, timeoutMs = 5_000): Promise<void> {
    if (predicate(this.requests)) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        reject(new Error(`LINE API recorder: condition not met within ${timeoutMs} ms (${this.requests.length} requests)`));
      }, timeoutMs);
      const check = () => {
        if (predicate(this.requests)) {
          clearTimeout(timer);
          this.#waiters.delete(check);
          resolve();
        }
      };
      this.#waiters.add(check);
    });
  }

  clear(): void {
    this.requests.length = 0;
  }
}
