import { HTTPFetchError, messagingApi } from '@line/bot-sdk';
import type { LineMessage } from '../types.ts';

/** The few Messaging API calls the bot makes. */
export interface LineGateway {
  reply(replyToken: string, messages: LineMessage[]): Promise<void>;
  /** `retryKey` makes a retried push idempotent on LINE's side (X-Line-Retry-Key). */
  push(to: string, messages: LineMessage[], retryKey: string): Promise<void>;
  showLoading(chatId: string, seconds: number): Promise<void>;
}

/** A Messaging API error with the fields the retry and fallback logic need. */
export class LineApiError extends Error {
  override name = 'LineApiError';
  readonly status: number;
  readonly body: string;
  constructor(status: number, body: string) {
    super(`LINE API answered ${status}: ${body.slice(0, 200)}`);
    this.status = status;
    this.body = body;
  }
  /** 5xx and 429 are worth retrying; other 4xx are not. */
  get retryable(): boolean {
    return this.status >= 500 || this.status === 429;
  }
  /** LINE answers 400 "Invalid reply token" for used or expired tokens. */
  get replyTokenRejected(): boolean {
    return this.status === 400 && /reply token/i.test(this.body);
  }
}

async function translateErrors<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof HTTPFetchError) throw new LineApiError(err.status, err.body);
    throw err;
  }
}

/** Talks to the Messaging API (or a stand-in at LINE_API_BASE_URL) through the official SDK. */
export class SdkLineGateway implements LineGateway {
  readonly #client: messagingApi.MessagingApiClient;

  constructor(channelAccessToken: string, baseURL: string) {
    this.#client = new messagingApi.MessagingApiClient({ channelAccessToken, baseURL });
  }

  async reply(replyToken: string, messages: LineMessage[]): Promise<void> {
    await translateErrors(() => this.#client.replyMessage({ replyToken, messages }));
  }

  async push(to: string, messages: LineMessage[], retryKey: string): Promise<void> {
    await translateErrors(() => this.#client.pushMessage({ to, messages }, retryKey));
  }

  async showLoading(chatId: string, seconds: number): Promise<void> {
    await translateErrors(() => this.#client.showLoadingAnimation({ chatId, loadingSeconds: seconds }));
  }
}

export type CapturedCall =
  | { kind: 'reply'; replyToken: string; messages: LineMessage[]; at: number }
  | { kind: 'push'; to: string; messages: LineMessage[]; retryKey: string; at: number }
  | { kind: 'loading'; chatId: string; seconds: number; at: number };

/**
 * Local mode: the calls the bot would make to LINE are kept in-process, so the simulator page
 * shows exactly what LINE would have received.
 */
export class CapturingLineGateway implements LineGateway {
  readonly #listeners = new Set<(call: CapturedCall) => void>();
  readonly calls: CapturedCall[] = [];
  readonly #maxKept: number;

  constructor(maxKept = 1_000) {
    this.#maxKept = maxKept;
  }

  subscribe(listener: (call: CapturedCall) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #record(call: CapturedCall): void {
    this.calls.push(call);
    if (this.calls.length > this.#maxKept) this.calls.splice(0, this.calls.length - this.#maxKept);
    for (const listener of this.#listeners) listener(call);
  }

  async reply(replyToken: string, messages: LineMessage[]): Promise<void> {
    this.#record({ kind: 'reply', replyToken, messages, at: Date.now() });
  }

  async push(to: string, messages: LineMessage[], retryKey: string): Promise<void> {
    this.#record({ kind: 'push', to, messages, retryKey, at: Date.now() });
  }

  async showLoading(chatId: string, seconds: number): Promise<void> {
    this.#record({ kind: 'loading', chatId, seconds, at: Date.now() });
  }
}
