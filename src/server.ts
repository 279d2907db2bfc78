// `npm start`: the webhook server.
import type { Server } from 'node:http';
import { loadConfigOrExit, stopGracefullyOnSignals } from './lifecycle.ts';
import { applyServerLimits, limitsOf } from './http/server-limits.ts';
import { createRuntime } from './runtime.ts';

const config = loadConfigOrExit();

const runtime = await createRuntime(config);
const { log } = runtime;

// Local mode answers anyone who can sign with its secret and serves the simulator: only this
// machine may reach it unless HOST says otherwise (a container sets HOST=0.0.0.0).
const host = config.HOST ?? (config.localMode ? '127.0.0.1' : '0.0.0.0');
const server: Server = runtime.app.listen(config.PORT, host, () => {
  log.info(
    { port: config.PORT, host, mode: config.localMode ? 'local' : 'line', store: runtime.store.kind, llm: runtime.llm ? 'openai' : 'offline', queue: runtime.queue },
    config.localMode ? `listening: open http://localhost:${config.PORT}/ for the simulator` : 'listening',
  );
});
applyServerLimits(server, limitsOf(config));
server.on('error', (err) => {
  log.fatal({ err }, 'could not listen');
  process.exit(1);
});

/**
 * SIGTERM (a deploy, a scale-in): stop taking requests, finish the events in hand, acknowledge
 * them and give the queue's shards back so another worker picks up at once.
 */
stopGracefullyOnSignals(
  log,
  async () => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    await closed;
    await runtime.close();
  },
  { stopping: 'shutting down: no new requests, finishing events in flight', overdue: 'events still in flight after 30 s: exiting anyway' },
);
