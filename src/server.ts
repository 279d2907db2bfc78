// `npm start`: the webhook server.
import type { Server } from 'node:http';
import { ConfigError, loadConfig } from './config.ts';
import { createRuntime } from './runtime.ts';

let config;
try {
  config = loadConfig();
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(`configuration error: ${err.message}`);
    process.exit(1);
  }
  throw err;
}

const runtime = await createRuntime(config);
const { log } = runtime;

const server: Server = runtime.app.listen(config.PORT, () => {
  log.info(
    { port: config.PORT, mode: config.localMode ? 'local' : 'line', store: runtime.store.kind, llm: runtime.llm ? 'openai' : 'offline', queue: runtime.queue },
    config.localMode ? `listening: open http://localhost:${config.PORT}/ for the simulator` : 'listening',
  );
});
server.on('error', (err) => {
  log.fatal({ err }, 'could not listen');
  process.exit(1);
});

const SHUTDOWN_LIMIT_MS = 30_000;
let stopping = false;
/**
 * SIGTERM (a deploy, a scale-in): stop taking requests, finish the events in hand, acknowledge
 * them and give the queue's shards back so another worker picks up at once.
 */
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'shutting down: no new requests, finishing events in flight');
  setTimeout(() => {
    log.error('events still in flight after 30 s: exiting anyway');
    process.exit(1);
  }, SHUTDOWN_LIMIT_MS).unref();
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  await closed;
  await runtime.close();
  log.info('stopped');
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
