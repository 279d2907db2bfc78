import { EventEmitter } from 'node:events';
import { hostname } from 'node:os';
import type { Express } from 'express';
import { createApp, type Health } from './app.ts';
import { DEFAULT_OUTBOUND, installOutboundTimeouts } from './http/outbound.ts';
import type { Config } from './config.ts';
import { createAdviser } from './conversation/pipeline.ts';
import { CapturingLineGateway, type LineGateway, SdkLineGateway } from './line/gateway.ts';
import { isSimulatedUser, RoutingLineGateway } from './line/routing-gateway.ts';
import type { LlmPort } from './llm/llm.ts';
import { createLogger, type Logger } from './observability/log.ts';
import { createMetrics, type Metrics } from './observability/metrics.ts';
import { EventClaims } from './processing/claims.ts';
import { chatOf, isEventLike, orderingKey } from './processing/events.ts';
import { type Adviser, handleEvent, type HandleOptions, type HandlerDeps, type Outcome } from './processing/handle-event.ts';
import { KeyedSerialQueue } from './processing/keyed-queue.ts';
import { createQueueMetrics } from './processing/queue-metrics.ts';
import { StreamProducer, StreamWorker } from './processing/stream-queue.ts';
import { mountSimulator } from './simulator/routes.ts';
import { MemoryStore } from './store/memory.ts';
import { RedisStore } from './store/redis.ts';
import { ResilientStore } from './store/resilient.ts';
import type { StateStore } from './store/store.ts';

export type QueueMode = 'inline' | 'stream';

export type Runtime = {
  config: Config;
  app: Express;
  store: StateStore;
  line: LineGateway;
  llm: LlmPort | undefined;
  adviser: Adviser;
  log: Logger;
  metrics: Metrics;
  /** Where accepted events go: handled in this process, or through the durable Redis stream. */
  queue: QueueMode;
  /** The stream consumer in this process, when it runs one. */
  worker: StreamWorker | undefined;
  health(): Promise<Health>;
  /** Handles one event right here (what the queue's consumers call). */
  handle(event: unknown, options?: HandleOptions): Promise<Outcome>;
  /** Emits 'turn' with each answered turn, for the simulator's developer panel. */
  turns: EventEmitter;
  /** Stops consuming, finishes events in flight and closes connections. */
  close(): Promise<void>;
};

export type RuntimeOverrides = {
  log?: Logger;
  line?: LineGateway;
  store?: StateStore;
  now?: () => number;
  extraRoutes?: (app: Express, runtime: Runtime) => void;
  /** Run the stream consumer here; defaults to WORKER (`npm run worker` forces it on). */
  consume?: boolean;
  /** Outbound timeouts (tests shorten them). */
  outbound?: Partial<Omit<import('./http/outbound.ts').OutboundTimeouts, 'lineOrigins'>>;
};

/**
 * The queue this configuration gets. The stream needs Redis; local mode stays in-process, because
 * the simulator page shows what this very process sends.
 */
export function queueModeOf(config: Config): QueueMode {
  if (!config.REDIS_URL || config.localMode) return 'inline';
  return config.QUEUE === 'stream' ? 'stream' : 'inline';
}

/** Wires the adapters named by the configuration around the adviser; the imperative shell. */
export async function createRuntime(config: Config, overrides: RuntimeOverrides = {}): Promise<Runtime> {
  const log = overrides.log ?? createLogger(config.LOG_LEVEL);
  installOutboundTimeouts({ ...DEFAULT_OUTBOUND, lineOrigins: [config.LINE_API_BASE_URL, config.LINE_DATA_API_BASE_URL], ...(overrides.outbound ?? {}) });
  const metrics = createMetrics();
  const queueMetrics = createQueueMetrics(metrics);
  const queueMode = queueModeOf(config);

  let store: StateStore;
  let redis: RedisStore | undefined;
  if (overrides.store) {
    store = overrides.store;
  } else if (config.REDIS_URL) {
    let lastStatus: 'ready' | 'down' | undefined;
    redis = new RedisStore(config.REDIS_URL, {
      onStatus: (status, err) => {
        if (status === lastStatus) return; // one line per change, not one per reconnect attempt
        lastStatus = status;
        if (status === 'down') log.warn({ err: err?.message }, 'Redis unreachable: answering statelessly, reconnecting');
        else log.info('Redis connected');
      },
    });
    await redis.connected().catch((err: unknown) => log.warn({ err }, 'Redis not reachable at start-up; will keep trying'));
    store = new ResilientStore(redis, log);
  } else {
    log.info('no REDIS_URL: using the in-process store (state is lost on restart)');
    store = new MemoryStore(overrides.now);
  }

  const simulatorOn = config.localMode || config.SIMULATOR;
  let line: LineGateway;
  if (overrides.line) {
    line = overrides.line;
  } else if (config.localMode) {
    log.info('no LINE credentials: local mode, replies are captured for the simulator page');
    line = new CapturingLineGateway();
  } else {
    const real = new SdkLineGateway(config.LINE_CHANNEL_ACCESS_TOKEN!, config.LINE_API_BASE_URL, config.LINE_DATA_API_BASE_URL);
    // Simulated users ("Usim…") must never reach LINE: their calls stay here for the page.
    line = config.SIMULATOR ? new RoutingLineGateway(real) : real;
  }

  let llm: LlmPort | undefined;
  if (config.OPENAI_API_KEY) {
    // Loaded only when used: the SDK costs memory the offline composer does not need.
    const { OpenAiLlm } = await import('./llm/openai.ts');
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

  const adviser = await createAdviser({ store, llm, config, log, metrics });

  const consume = queueMode === 'stream' && (overrides.consume ?? config.WORKER);
  let worker: StreamWorker | undefined;
  let handle: Runtime['handle'] = async () => 'ignored';
  if (consume) {
    worker = new StreamWorker({
      redisUrl: config.REDIS_URL!,
      log,
      handle: (event, options) => handle(event, options),
      onOutcome: (outcome) => queueMetrics.outcomes.inc({ outcome }),
    });
  }
  const owner = worker?.consumer ?? `${hostname()}-${process.pid}`;

  const turns = new EventEmitter();
  turns.setMaxListeners(100);
  const deps: HandlerDeps = {
    onTurn: (turn) => turns.emit('turn', turn),
    store,
    line,
    adviser,
    log,
    metrics,
    pushFallback: config.PUSH_FALLBACK,
    claims: new EventClaims(store, owner),
    ...(overrides.now ? { now: overrides.now } : {}),
  };
  handle = (event, options = {}) => handleEvent(event, deps, options);

  const inline = new KeyedSerialQueue();
  /**
   * Without the durable queue a passing failure (LINE out of reach longer than a reply token lives)
   * is tried again here, after 2, 8 and 30 s, then given up and logged: nothing is lost silently.
   */
  const INLINE_RETRY_DELAYS_MS = [2_000, 8_000, 30_000];
  const retryTimers = new Set<NodeJS.Timeout>();
  let closing = false;
  const handleInline = (event: unknown, attempt: number): void => {
    void inline.run(orderingKey(event), async () => {
      const outcome = await handle(event, attempt > 0 ? { takeover: true } : {});
      if (outcome !== 'retry') return;
      const delay = INLINE_RETRY_DELAYS_MS[attempt];
      if (delay === undefined || closing) {
        log.error({ attempts: attempt + 1 }, 'event failed every attempt in this process: given up');
        return;
      }
      const timer = setTimeout(() => {
        retryTimers.delete(timer);
        handleInline(event, attempt + 1);
      }, delay);
      timer.unref();
      retryTimers.add(timer);
    });
  };
  const handleHere = (events: readonly unknown[]) => {
    // Handled after the 200: concurrently across chats, in order within one chat.
    for (const event of events) handleInline(event, 0);
  };
  const producer = queueMode === 'stream' && redis ? new StreamProducer(redis.client) : undefined;
  let fallingBack = false;

  const accept = async (events: unknown[]): Promise<void> => {
    if (!producer) {
      queueMetrics.handoffs.inc({ path: 'inline' }, events.length);
      handleHere(events);
      return;
    }
    // The simulator page watches this process, so its users' events are handled here.
    const here = simulatorOn ? events.filter(isSimulatedEvent) : [];
    const queued = here.length > 0 ? events.filter((e) => !here.includes(e)) : events;
    handleHere(here);
    const notQueued = await producer.enqueue(queued);
    queueMetrics.handoffs.inc({ path: 'stream' }, queued.length - notQueued.length);
    if (notQueued.length > 0) {
      // Redis is away: answering now, statelessly, beats a 5xx that makes LINE redeliver later.
      if (!fallingBack) log.warn({ events: notQueued.length }, 'queue unreachable: handling events in this process until it returns');
      fallingBack = true;
      queueMetrics.handoffs.inc({ path: 'inline-fallback' }, notQueued.length);
      handleHere(notQueued);
    } else if (fallingBack && queued.length > 0) {
      fallingBack = false;
      log.info('queue reachable again: events go to the stream');
    }
  };

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
    queue: queueMode,
    worker,
    health,
    handle: (event, options) => handle(event, options),
    turns,
    async close() {
      closing = true;
      for (const timer of retryTimers) clearTimeout(timer);
      await worker?.stop();
      await inline.drain();
      await store.close();
    },
  };
  const mountExtras = (app: Express) => {
    if (simulatorOn) mountSimulator(app, runtime);
    overrides.extraRoutes?.(app, runtime);
  };
  runtime.app = createApp({ config, log, metrics, health, accept, extraRoutes: mountExtras });

  if (queueMode === 'stream') {
    log.info({ consumer: worker?.consumer ?? 'none (WORKER=off)' }, 'events are queued in Redis Streams before the 200');
  } else if (config.REDIS_URL && config.QUEUE === 'stream' && config.localMode) {
    log.info('local mode: events are handled in this process (the simulator shows what it sends)');
  }
  worker?.start();
  return runtime;
}

function isSimulatedEvent(event: unknown): boolean {
  if (!isEventLike(event)) return false;
  const chat = chatOf(event);
  return chat !== undefined && isSimulatedUser(chat.id);
}
