// `npm run worker`: a queue worker without HTTP. Run any number of them next to web processes
// started with WORKER=off; they share the Redis named by REDIS_URL and split the stream's shards.
import { ConfigError, loadConfig } from './config.ts';
import { createRuntime, queueModeOf } from './runtime.ts';

let config;
try {
  config = loadConfig({ QUEUE: 'stream', ...process.env });
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(`configuration error: ${err.message}`);
    process.exit(1);
  }
  throw err;
}
if (!config.REDIS_URL || queueModeOf(config) !== 'stream') {
  console.error(
    config.REDIS_URL
      ? 'configuration error: npm run worker consumes the Redis stream queue, which needs QUEUE=stream and LINE credentials (local mode handles events in the web process)'
      : 'configuration error: npm run worker needs REDIS_URL (the queue it consumes lives in Redis)',
  );
  process.exit(1);
}

const runtime = await createRuntime(config, { consume: true });
const { log } = runtime;
log.info({ consumer: runtime.worker?.consumer }, 'queue worker started');

const SHUTDOWN_LIMIT_MS = 30_000;
let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'stopping: finishing events in hand and giving the shards back');
  setTimeout(() => {
    log.error('events still in hand after 30 s: exiting; their entries stay pending for another worker');
    process.exit(1);
  }, SHUTDOWN_LIMIT_MS).unref();
  await runtime.close();
  log.info('stopped');
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
