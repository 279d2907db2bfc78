import express, { type Express, type NextFunction, type Request, type Response } from 'express';
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
  // The last word on anything that went wrong: a JSON error, never an HTML page with a stack trace.
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const status = typeof err === 'object' && err !== null && 'status' in err && Number(err.status) >= 400 && Number(err.status) < 600 ? Number(err.status) : 500;
    if (status >= 500) log.error({ err }, 'request failed');
    if (res.headersSent) return;
    res.status(status).json({ error: status >= 500 ? 'internal error' : 'bad request' });
  });
  return app;
}
