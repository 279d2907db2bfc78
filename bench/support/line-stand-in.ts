// A loopback stand-in for the Messaging API that keeps LINE's two delivery rules: a reply token is
// accepted once (400 "Invalid reply token" after), and a push whose X-Line-Retry-Key was accepted
// before gets 409. It counts what was accepted, so a run can check "every event answered once".
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoopbackHttpServer } from '../../test/support/loopback-http.ts';

export type Delivery = { via: 'reply' | 'push'; key: string; at: number; to?: string };

export class LineStandIn extends LoopbackHttpServer {
  readonly #repliesByToken = new Map<string, Delivery>();
  readonly #pushesByRetryKey = new Map<string, Delivery>();
  readonly #listeners = new Set<(delivery: Delivery) => void>();
  readonly #faults: { path: string; status: number; left: number }[] = [];
  /** Every request by path and status, accepted or not. */
  readonly calls = new Map<string, number>();

  protected override handle(req: IncomingMessage, raw: Buffer, res: ServerResponse): void {
    const path = req.url ?? '';
    const answer = (status: number, body: unknown) => {
      this.calls.set(`${path} ${status}`, (this.calls.get(`${path} ${status}`) ?? 0) + 1);
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const fault = this.#faults.find((f) => f.path === path && f.left > 0);
    if (fault) {
      fault.left--;
      answer(fault.status, { message: 'scripted failure' });
      return;
    }
    let body: { replyToken?: string; to?: string } = {};
    try {
      body = JSON.parse(raw.toString('utf8')) as typeof body;
    } catch {
      // an empty or odd body: answered below like LINE would
    }
    if (path === '/v2/bot/message/reply') {
      const token = body.replyToken ?? '';
      if (this.#repliesByToken.has(token)) return answer(400, { message: 'Invalid reply token' });
      this.#record(this.#repliesByToken, { via: 'reply', key: token, at: performance.now() });
      return answer(200, {});
    }
    if (path === '/v2/bot/message/push') {
      const retryKey = String(req.headers['x-line-retry-key'] ?? '');
      if (retryKey && this.#pushesByRetryKey.has(retryKey)) return answer(409, { message: 'The retry key is already accepted' });
      this.#record(this.#pushesByRetryKey, { via: 'push', key: retryKey, at: performance.now(), ...(body.to ? { to: body.to } : {}) });
      return answer(200, {});
    }
    answer(200, {});
  }

  #record(map: Map<string, Delivery>, delivery: Delivery): void {
    map.set(delivery.key, delivery);
    for (const listener of this.#listeners) listener(delivery);
  }

  /** The next `count` calls to `path` get `status` (e.g. 500 or 429). */
  fail(path: string, status: number, count: number): void {
    this.#faults.push({ path, status, left: count });
  }

  onDelivery(listener: (delivery: Delivery) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  replyFor(token: string): Delivery | undefined {
    return this.#repliesByToken.get(token);
  }

  pushFor(retryKey: string): Delivery | undefined {
    return this.#pushesByRetryKey.get(retryKey);
  }

  get accepted(): number {
    return this.#repliesByToken.size + this.#pushesByRetryKey.size;
  }

  /** Calls LINE answered with `status` at `path` (400 on a reply = a token used twice). */
  count(path: string, status: number): number {
    return this.calls.get(`${path} ${status}`) ?? 0;
  }
}
