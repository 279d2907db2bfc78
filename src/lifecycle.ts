// What the server and the worker share as processes: start-up config and a bounded, graceful stop.
import { type Config, ConfigError, loadConfig } from './config.ts';
import type { Logger } from './observability/log.ts';

/** Parses the environment; a bad variable stops the process with one line naming it. */
export function loadConfigOrExit(env: NodeJS.ProcessEnv = process.env): Config {
  try {
    return loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`configuration error: ${err.message}`);
      process.exit(1);
    }
    throw err;
  }
}

export const SHUTDOWN_LIMIT_MS = 30_000;

/**
 * On SIGTERM or SIGINT runs `stop` once and exits 0; if it is still running after the limit,
 * exits 1 (whatever was left stays on the queue for another process).
 */
export function stopGracefullyOnSignals(log: Logger, stop: () => Promise<void>, messages: { stopping: string; overdue: string }): void {
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, messages.stopping);
    setTimeout(() => {
      log.error(messages.overdue);
      process.exit(1);
    }, SHUTDOWN_LIMIT_MS).unref();
    await stop();
    log.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}
