import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { validateSignature } from '@line/bot-sdk';
import { z } from 'zod';
import type { Logger } from '../observability/log.ts';

export const WEBHOOK_BODY_LIMIT = '1mb';

/**
 * The outer shape of a webhook body. Events stay `unknown` here: each one is checked where it is
 * handled, so one odd event cannot make LINE redeliver the whole batch.
 */
const callbackBodySchema = z.object({
  destination: z.string(),
  events: z.array(z.unknown()),
});

const EMPTY_JSON = Buffer.from('{}');

/** LINE reads only the status; a fixed reply skips Express's serialising and ETag hashing. */
function acknowledge(res: Response): void {
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': EMPTY_JSON.length });
  res.end(EMPTY_JSON);
}

/** Where accepted events go; resolves once they are safely handed over (not handled). */
export type EventSink = (events: unknown[], destination: string) => Promise<void>;

export type WebhookOptions = {
  channelSecret: string;
  accept: EventSink;
  log: Logger;
};

/**
 * POST /webhook: the raw body is read (no JSON parser before the signature check), verified with
 * the SDK's check, parsed, handed to the sink, and acknowledged; handling happens after the 200.
 */
export function webhookRouter({ channelSecret, accept, log }: WebhookOptions): Router {
  const router = express.Router();
  router.post(
    '/webhook',
    express.raw({ type: () => true, limit: WEBHOOK_BODY_LIMIT }),
    async (req: Request, res: Response) => {
      const raw: unknown = req.body;
      const body = Buffer.isBuffer(raw) ? raw : Buffer.alloc(0);
      const signature = req.get('x-line-signature');
      if (!signature || !validateSignature(body, channelSecret, signature)) {
        log.warn({ reason: signature ? 'mismatch' : 'missing' }, 'webhook signature rejected');
        res.status(401).json({ error: 'invalid signature' });
        return;
      }
      let parsedJson: unknown;
      try {
        parsedJson = JSON.parse(body.toString('utf8'));
      } catch {
        res.status(400).json({ error: 'body is not JSON' });
        return;
      }
      const parsed = callbackBodySchema.safeParse(parsedJson);
      if (!parsed.success) {
        res.status(400).json({ error: 'body is not a LINE webhook body ({destination, events[]})' });
        return;
      }
      try {
        await accept(parsed.data.events, parsed.data.destination);
      } catch (err) {
        // Not acknowledged: LINE redelivers, so nothing is lost.
        log.error({ err }, 'could not accept webhook events');
        res.status(503).json({ error: 'temporarily unable to accept events' });
        return;
      }
      acknowledge(res);
    },
  );
  // Errors from the raw-body reader: oversize and broken streams get their own status, never a 500.
  router.use('/webhook', (err: unknown, _req: Request, res: Response, next: NextFunction) => {
    const status = typeof err === 'object' && err !== null && 'status' in err ? Number(err.status) : 500;
    if (status === 413) {
      res.status(413).json({ error: `body larger than ${WEBHOOK_BODY_LIMIT}` });
      return;
    }
    if (status >= 400 && status < 500) {
      res.status(status).json({ error: 'unreadable body' });
      return;
    }
    next(err);
  });
  return router;
}
