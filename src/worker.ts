// `npm run worker`: a queue worker without HTTP. Run any number of them next to web processes
// started with WORKER=off; they share the Redis named by REDIS_URL and split the stream's shards.
import { loadConfigOrExit, stopGracefullyOnSignals } from './lifecycle.ts';
import { createRuntime, queueModeOf } from './runtime.ts';

const config = loadConfigOrExit({ QUEUE: 'stream', ...process.env });
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

stopGracefullyOnSignals(log, () => runtime.close(), {
  stopping: 'stopping: finishing events in hand and giving the shards back',
  overdue: 'events still in hand after 30 s: exiting; their entries stay pending for another worker',
});
