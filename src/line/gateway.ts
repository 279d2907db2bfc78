import { HTTPFetchError, messagingApi } from '@line/bot-sdk';
import type { LineMessage } from '../types.ts';

/** The few Messaging API calls the bot makes. */
export interface LineGateway {
  reply(replyToken: string, messages: LineMessage[]): Promise<void>;
  /** `retryKey` makes a retried push idempotent on LINE's side (X-Line-Retry-Key). */
  push(to: string, messages: LineMessage[], retryKey: string): Promise<void>;
  showLoading(chatId: string, seconds: number): Promise<void>;
  /** The bytes a user sent (an image), read no further than `maxBytes` (ContentTooLargeError past it). */
  getMessageContent(messageId: string, maxBytes: number): Promise<Uint8Array>;
}

/** A user's image (or other content) larger than the bot reads. */
export class ContentTooLargeError extends Error {
  override name = 'ContentTooLargeError';
  readonly limit: number;
  constructor(limit: number) {
    super(`content larger than ${limit} bytes`);
    this.limit = limit;
  }
}

/** Reads a stream to its end, or throws as soon as it passes the cap (nothing more is buffered). */
export async function readCapped(stream: AsyncIterable<Uint8Array | string>, maxBytes: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += bytes.byteLength;
    if (size > maxBytes) {
      const closable = stream as { destroy?: () => void };
      closable.destroy?.();
      throw new ContentTooLargeError(maxBytes);
    }
    chunks.push(bytes);
  }
  return Buffer.concat(chunks);
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
  readonly #blobs: messagingApi.MessagingApiBlobClient;

  /** `dataBaseURL`: where message content lives (LINE_DATA_API_BASE_URL). */
  constructor(channelAccessToken: string, baseURL: string, dataBaseURL = 'https://api-data.line.me') {
    this.#client = new messagingApi.MessagingApiClient({ channelAccessToken, baseURL });
    this.#blobs = new messagingApi.MessagingApiBlobClient({ channelAccessToken, baseURL: dataBaseURL });
  }

  async getMessageContent(messageId: string, maxBytes: number): Promise<Uint8Array> {
    const stream = await translateErrors(() => this.#blobs.getMessageContent(messageId));
    return readCapped(stream, maxBytes);
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
  /** Content the simulator's users sent, until the bot fetched it once (bounded). */
  readonly #content = new Map<string, Uint8Array>();

  /** The simulator stores an image here before posting the event that names it. */
  putContent(messageId: string, bytes: Uint8Array): void {
    this.#content.set(messageId, bytes);
    while (this.#content.size > 20) this.#content.delete(this.#content.keys().next().value!);
  }

  async getMessageContent(messageId: string, maxBytes: number): Promise<Uint8Array> {
    const bytes = this.#content.get(messageId);
    this.#content.delete(messageId); // read once, kept no longer than needed
    if (!bytes) throw new LineApiError(404, 'no content for this message');
    if (bytes.byteLength > maxBytes) throw new ContentTooLargeError(maxBytes);
    return bytes;
  }

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
