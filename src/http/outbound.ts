// Every outbound HTTP call has a timeout. The LINE SDK and the OpenAI SDK call the global fetch
// without one of their own for LINE, so the process's fetch dispatcher (undici, the library behind
// Node's fetch) gets connect, header and body timeouts: tight for the Messaging API (an answer that
// waits too long misses the reply token's life), generous for everything else (an LLM may stream for
// a while, and its SDK sets its own, shorter budget).
import { Agent, type Dispatcher, Pool, setGlobalDispatcher } from 'undici';

export type OutboundTimeouts = {
  /** Origins of the Messaging API (LINE_API_BASE_URL, LINE_DATA_API_BASE_URL). */
  lineOrigins: readonly string[];
  /** Time to connect, then to the response headers, then between body chunks, for LINE. */
  lineMs: number;
  /** The same for every other origin. */
  otherMs: number;
};

export const DEFAULT_OUTBOUND: Omit<OutboundTimeouts, 'lineOrigins'> = { lineMs: 10_000, otherMs: 130_000 };

export function outboundDispatcher(options: OutboundTimeouts): Dispatcher {
  const line = new Set(options.lineOrigins.map((url) => new URL(url).origin));
  return new Agent({
    connect: { timeout: Math.min(options.lineMs, options.otherMs) },
    factory: (origin, opts) => {
      const ms = line.has(new URL(String(origin)).origin) ? options.lineMs : options.otherMs;
      return new Pool(origin, { ...(opts as Pool.Options), headersTimeout: ms, bodyTimeout: ms, connect: { timeout: ms } });
    },
  });
}

export function installOutboundTimeouts(options: OutboundTimeouts): void {
  setGlobalDispatcher(outboundDispatcher(options));
}
