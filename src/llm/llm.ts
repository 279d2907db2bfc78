import type { z } from 'zod';

export type ChatMessage = { role: 'system' | 'user' | 'assistant'; content: string };

export type LlmUsage = { promptTokens: number; completionTokens: number };

/** The adviser's view of a language model: text in, text (or checked JSON) out. */
export interface LlmPort {
  readonly model: string;
  /** Free-form answer text. Rejects on error or after `timeoutMs`. */
  complete(messages: ChatMessage[], options: { timeoutMs: number; purpose: string }): Promise<string>;
  /** Structured output, parsed and checked by the schema; rejects when it does not fit. */
  completeJson<S extends z.ZodType>(
    messages: ChatMessage[],
    schema: S,
    options: { timeoutMs: number; purpose: string },
  ): Promise<z.infer<S>>;
  embed(texts: string[], options: { timeoutMs: number }): Promise<number[][]>;
  /** The text in an image, transcribed (a model that accepts images). Rejects on error or after `timeoutMs`. */
  transcribeImage(image: Uint8Array, options: { timeoutMs: number; mimeType: string }): Promise<string>;
  /** False after the last call failed to reach the endpoint, for /healthz. */
  reachable(): boolean;
}
