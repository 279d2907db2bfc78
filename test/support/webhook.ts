// Loads webhook fixtures, signs bodies like LINE does (HMAC-SHA256, base64) and posts them.
import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';

export type WebhookBody = { destination: string; events: Record<string, unknown>[] };

/**
 * A fixture as LINE would send it now: fresh timestamps (reply tokens are only good for a minute)
 * and, unless `keepIds`, fresh event ids and reply tokens so tests do not dedupe each other.
 */
export function fixture(name: string, options: { userId?: string; text?: string; keepIds?: boolean; now?: number } = {}): WebhookBody {
  const body = JSON.parse(readFileSync(new URL(`../fixtures/webhook/${name}.json`, import.meta.url), 'utf8')) as WebhookBody;
  for (const event of body.events) {
    event.timestamp = options.now ?? Date.now();
    if (!options.keepIds) {
      event.webhookEventId = `01TEST${randomUUID().replaceAll('-', '').slice(0, 20).toUpperCase()}`;
      if ('replyToken' in event) event.replyToken = randomUUID().replaceAll('-', '');
    }
    const source = event.source as Record<string, string> | undefined;
    if (options.userId && source) source.userId = options.userId;
    const message = event.message as Record<string, unknown> | undefined;
    if (options.text !== undefined && message?.type === 'text') message.text = options.text;
  }
  return body;
}

export function sign(body: string, secret: string): string {
  return createHmac('sha256', secret).update(body).digest('base64');
}

export async function postWebhook(
  baseUrl: string,
  body: string | WebhookBody,
  secret: string,
  options: { signature?: string | null } = {},
): Promise<{ status: number; body: unknown }> {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const signature = options.signature === undefined ? sign(text, secret) : options.signature;
  if (signature !== null) headers['x-line-signature'] = signature;
  const res = await fetch(`${baseUrl}/webhook`, { method: 'POST', headers, body: text });
  const raw = await res.text();
  let parsed: unknown = raw;
  try {
    parsed = JSON.parse(raw);
  } catch {
    // not JSON
  }
  return { status: res.status, body: parsed };
}

export const uniqueUserId = () => `U${randomUUID().replaceAll('-', '')}`;
