import express, { type Express } from 'express';
import type { Config } from './config.ts';
import { webhookRouter, type EventSink } from './http/webhook.ts';
import type { Logger } from './observability/log.ts';
import type { Metrics } from './observability/metrics.ts';

export type Health = { status: 'ok' | 'degraded'; store: 'redis' | 'memory'; llm: 'openai' | 'offline' };

export type AppParts = {
  config: Config;
  log: Logger;
  metrics: Metrics;
  accept: EventSink;
  health: () => Promise<Health>;
  /** Extra routes (the local simulator) mounted after the platform's own. */
  extraRoutes?: (app: Express) => void;
};

/** The HTTP shell: webhook, health, metrics. Everything it does is delegated. */
export function createApp({ config, log, metrics, accept, health, extraRoutes }: AppParts): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', true);

  app.use(webhookRouter({ channelSecret: config.channelSecret, accept, log }));

  app.get('/healthz', async (_req, res) => {
    const h = await health();
    res.status(200).json(h);
  });

  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  extraRoutes?.(app);

  app.use((_req, res) => {
    res.status(404).json({ error: 'not found' });
  });
  return app;
}
