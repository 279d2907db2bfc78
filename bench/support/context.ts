// What every bench scenario shares: where logs go, the environment of a bot process pointed at
// the LINE stand-in, and how a target is reported.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { BENCH_ACCESS_TOKEN, BENCH_CHANNEL_SECRET } from './events.ts';

export type Target = { name: string; met: boolean; detail: string };

export type BenchContext = { logDir: string; say(line: string): void };

export function benchContext(logDir: string): BenchContext {
  mkdirSync(logDir, { recursive: true });
  return { logDir, say: (line) => console.log(`  ${line}`) };
}

export const logFile = (ctx: BenchContext, name: string) => join(ctx.logDir, `${name}.log`);

/** A bot with a LINE channel whose Messaging API is the loopback stand-in; offline composer. */
export function botEnv(lineApiUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    LINE_CHANNEL_SECRET: BENCH_CHANNEL_SECRET,
    LINE_CHANNEL_ACCESS_TOKEN: BENCH_ACCESS_TOKEN,
    LINE_API_BASE_URL: lineApiUrl,
    // The bench's simulated users write faster than any person; the per-user limit is not measured.
    RATE_LIMIT_MESSAGES: '10000',
    ...extra,
  };
}

export const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
