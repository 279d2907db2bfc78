// Real bot processes for benches and tests: `node src/server.ts` and `node src/worker.ts`, with
// their logs in a file, killed by their own pid.
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../test/support/throwaway-redis.ts';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The node arguments of `npm start` / `npm run worker` (flags included), read from package.json,
 * so the bench measures exactly what those scripts run.
 */
export function botNodeArgs(kind: 'server' | 'worker'): string[] {
  const scripts = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts?: Record<string, string> }).scripts ?? {};
  const words = (scripts[kind === 'server' ? 'start' : 'worker'] ?? '').trim().split(/\s+/);
  const entry = `src/${kind}.ts`;
  if (words[0] !== 'node' || !words.includes(entry)) return [entry];
  return words.slice(1);
}

export type BotProcess = {
  kind: 'server' | 'worker';
  url: string;
  child: ChildProcess;
  exited: Promise<number | null>;
  /** Peak resident set size so far, in MB (Linux /proc). */
  peakRssMb(): number;
  kill(signal: NodeJS.Signals): Promise<number | null>;
};

export type StartOptions = { env: Record<string, string>; logFile: string; waitHealthy?: boolean; port?: number };

export async function startBotProcess(kind: 'server' | 'worker', options: StartOptions): Promise<BotProcess> {
  const port = options.port ?? (await freePort());
  const fd = openSync(options.logFile, 'a');
  const child = spawn(process.execPath, botNodeArgs(kind), {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', PORT: String(port), ...options.env },
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const bot: BotProcess = {
    kind,
    url,
    child,
    exited,
    peakRssMb() {
      try {
        const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
        const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
        return Math.round((kb / 1024) * 10) / 10;
      } catch {
        return 0;
      }
    },
    async kill(signal) {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill(signal);
      return exited;
    },
  };
  if (kind === 'server' && options.waitHealthy !== false) {
    await waitForHttp(url, exited, options.logFile).catch(async (err: unknown) => {
      await bot.kill('SIGKILL');
      throw err;
    });
  }
  return bot;
}

async function waitForHttp(url: string, exited: Promise<number | null>, logFile: string): Promise<void> {
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (gone) throw new Error(`bot process exited during start-up; see ${logFile}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`bot process did not answer /healthz within 30 s; see ${logFile}`);
}

/** Polls until `check` holds or the time is up; returns whether it held. */
export async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs: number, everyMs = 50): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return check();
}
