// Webhook events as LINE sends them, signed like LINE signs them, with what is needed to find
// their answer at the LINE stand-in (the reply token, and the retry key a push would carry).
import { createHmac, randomUUID } from 'node:crypto';
import { retryKeyFor } from '../../src/processing/handle-event.ts';
import type { LineStandIn } from './line-stand-in.ts';

export const BENCH_CHANNEL_SECRET = 'bench-channel-secret-0123456789abcdef';
export const BENCH_ACCESS_TOKEN = 'bench-access-token';

export type BenchEvent = {
  id: string;
  userId: string;
  replyToken: string;
  retryKey: string;
  event: Record<string, unknown>;
};

export const benchUserId = (n: number) => `Ube0c${String(n).padStart(28, '0')}`;

/** A text message from `userId`, sent now, with a fresh event id and reply token. */
export function textEvent(userId: string, text: string): BenchEvent {
  const id = `01BENCH${randomUUID().replaceAll('-', '').slice(0, 19).toUpperCase()}`;
  const replyToken = randomUUID().replaceAll('-', '');
  return {
    id,
    userId,
    replyToken,
    retryKey: retryKeyFor(id),
    event: {
      type: 'message',
      mode: 'active',
      timestamp: Date.now(),
      webhookEventId: id,
      deliveryContext: { isRedelivery: false },
      source: { type: 'user', userId },
      replyToken,
      message: { type: 'text', id: String(Math.floor(Math.random() * 1e17)), quoteToken: 'q', text },
    },
  };
}

/** The same event as LINE redelivers it: same id and token, marked as a redelivery. */
export function redelivery(event: BenchEvent): Record<string, unknown> {
  return { ...event.event, deliveryContext: { isRedelivery: true } };
}

export function signedBody(events: Record<string, unknown>[], secret = BENCH_CHANNEL_SECRET): { body: string; signature: string } {
  const body = JSON.stringify({ destination: 'Ubenchbot', events });
  return { body, signature: createHmac('sha256', secret).update(body).digest('base64') };
}

/** How many times LINE accepted an answer to the event (reply or push): 1 is right. */
export function answers(standIn: LineStandIn, event: BenchEvent): number {
  return (standIn.replyFor(event.replyToken) ? 1 : 0) + (standIn.pushFor(event.retryKey) ? 1 : 0);
}

/** Bench questions: the kinds users send, varied so retrieval and the composer do real work. */
export const BENCH_QUESTIONS = [
  '異業種交流会ってどんな種類があるの？',
  'カフェ会に誘われたけど怪しい？',
  '名刺交換のあと、どうフォローすればいい？',
  '朝活の交流会って実際どうですか',
  '安い交流会ってやばいですか？',
  '来週カフェ会あるけど来ない？すごい成功者を紹介するよ',
  '交流会で知り合った人を飲みに誘いたい',
  'しつこいLINEグループを抜けるには？',
  '参加費が高い交流会は安全？',
  '既婚者かどうか確かめる方法ある？',
];
