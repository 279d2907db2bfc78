import { Counter } from 'prom-client';
import type { Metrics } from '../observability/metrics.ts';

export type HandoffPath = 'stream' | 'inline' | 'inline-fallback';

/** How accepted events were handed over, and how queued handling ended; on the app's registry. */
export function createQueueMetrics(metrics: Metrics) {
  return {
    handoffs: new Counter({
      name: 'bot_queue_handoffs_total',
      help: 'Accepted webhook events by handoff path (stream: durable queue; inline-fallback: queue unreachable)',
      labelNames: ['path'],
      registers: [metrics.registry],
    }),
    outcomes: new Counter({
      name: 'bot_queue_outcomes_total',
      help: 'Queued events by how their handling ended',
      labelNames: ['outcome'],
      registers: [metrics.registry],
    }),
  };
}

export type QueueMetrics = ReturnType<typeof createQueueMetrics>;
