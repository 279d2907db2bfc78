import type { Express } from 'express';
import { createApp, type Health } from './app.ts';
import type { Config } from './config.ts';
import { createAdviser } from './conversation/adviser.ts';
import { CapturingLineGateway, type LineGateway, SdkLineGateway } from './line/gateway.ts';
import type { LlmPort } from './llm/llm.ts';
import { OpenAiLlm } from './llm/openai.ts';
import { createLogger, type Logger } from './observability/log.ts';
import { createMetrics, type Metrics } from './observability/metrics.ts';
import { type Adviser, handleEvent, type HandlerDeps } from './processing/handle-event.ts';
import { orderingKey } from './processing/events.ts';
import { KeyedSerialQueue } from './processing/keyed-queue.ts';
import { MemoryStore } from './store/memory.ts';
import { RedisStore } from './store/redis.ts';
import type { StateStore } from './store/store.ts';

export type Runtime = {
  config: Config;
  app: Express;
  store: StateStore;
  line: LineGateway;
  llm: LlmPort | undefined;
  adviser: Adviser;
  log: Logger;
  metrics: Metrics;
  health(): Promise<Health>;
  /** Handles accepted events; the one function a durable queue would call instead. */
  handle(event: unknown): Promise<void>;
  /** Finishes events in flight and closes connections. */
  close(): Promise<void>;
};

export type RuntimeOverrides = {
  log?: Logger;
  line?: LineGateway;
  store?: StateStore;
  now?: () => number;
  extraRoutes?: (app: Express, runtime: Runtime) => void;
};

/** Wires the adapters named by the configuration around the adviser; the imperative shell. */
export async function createRuntime(config: Config, overrides: RuntimeOverrides = {}): Promise<Runtime> {
  const log = overrides.log ?? createLogger(config.LOG_LEVEL);
  const metrics = createMetrics();

  let store: StateStore;
  if (overrides.store) {
    store = overrides.store;
  } else if (config.REDIS_URL) {
    const redis = new RedisStore(config.REDIS_URL, {
      onStatus: (status, err) => {
        if (status === 'down') log.warn({ err: err?.message }, 'Redis unreachable');
        else log.info('Redis connected');
      },
    });
    await redis.connected().catch((err: unknown) => log.warn({ err }, 'Redis not reachable at start-up; will keep trying'));
    store = redis;
  } else {
    log.info('no REDIS_URL: using the in-process store (state is lost on restart)');
    store = new MemoryStore(overrides.now);
  }

  let line: LineGateway;
  if (overrides.line) {
    line = overrides.line;
  } else if (config.localMode) {
    log.info('no LINE credentials: local mode, replies are captured for the simulator page');
    line = new CapturingLineGateway();
  } else {
    line = new SdkLineGateway(config.LINE_CHANNEL_ACCESS_TOKEN!, config.LINE_API_BASE_URL);
  }

  let llm: LlmPort | undefined;
  if (config.OPENAI_API_KEY) {
    llm = new OpenAiLlm({
      apiKey: config.OPENAI_API_KEY,
      baseURL: config.OPENAI_BASE_URL,
      model: config.OPENAI_MODEL,
      embeddingModel: config.OPENAI_EMBEDDING_MODEL,
      metrics,
    });
  } else {
    log.info('no OPENAI_API_KEY: answers come from the offline composer');
  }

  const adviser = await createAdviser({ store, llm, config, log, metrics, ...(overrides.now ? { now: overrides.now } : {}) });
  const deps: HandlerDeps = {
    store,
    line,
    adviser,
    log,
    metrics,
    pushFallback: config.PUSH_FALLBACK,
    ...(overrides.now ? { now: overrides.now } : {}),
  };
  const queue = new KeyedSerialQueue();
  const handle = (event: unknown) => handleEvent(event, deps);

  const health = async (): Promise<Health> => {
    const storeOk = await store.ping();
    const llmOk = llm ? llm.reachable() : true;
    return {
      status: storeOk && llmOk ? 'ok' : 'degraded',
      store: store.kind,
      llm: llm ? 'openai' : 'offline',
    };
  };

  const runtime: Runtime = {
    config,
    app: undefined as unknown as Express,
    store,
    line,
    llm,
    adviser,
    log,
    metrics,
    health,
    handle,
    async close() {
      await queue.drain();
      await store.close();
    },
  };
  runtime.app = createApp({
    config,
    log,
    metrics,
    health,
    accept: async (events) => {
      // Handled after the 200: concurrently across chats, in order within one chat.
      for (const event of events) void queue.run(orderingKey(event), () => handle(event));
    },
    ...(overrides.extraRoutes ? { extraRoutes: (app: Express) => overrides.extraRoutes!(app, runtime) } : {}),
  });
  return runtime;
}
