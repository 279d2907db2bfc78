import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics, one registry per app so tests and several apps in one process stay apart. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    events: new Counter({ name: 'bot_events_total', help: 'Webhook events received, by type', labelNames: ['type'], registers: [registry] }),
    replies: new Counter({ name: 'bot_replies_total', help: 'Messages sent to LINE, by method', labelNames: ['method'], registers: [registry] }),
    handlingSeconds: new Histogram({
      name: 'bot_event_handling_seconds',
      help: 'Time from an event being accepted to its reply being sent',
      labelNames: ['type'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20],
      registers: [registry],
    }),
    dedupeHits: new Counter({ name: 'bot_dedupe_hits_total', help: 'Redelivered events skipped', registers: [registry] }),
    rateLimitHits: new Counter({ name: 'bot_rate_limit_hits_total', help: 'Messages refused by the per-user rate limit', registers: [registry] }),
    llmCalls: new Counter({ name: 'bot_llm_calls_total', help: 'LLM calls, by purpose and outcome', labelNames: ['purpose', 'outcome'], registers: [registry] }),
    llmTokens: new Counter({ name: 'bot_llm_tokens_total', help: 'LLM tokens used, by kind', labelNames: ['kind'], registers: [registry] }),
    errors: new Counter({ name: 'bot_errors_total', help: 'Errors while handling events, by stage', labelNames: ['stage'], registers: [registry] }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
