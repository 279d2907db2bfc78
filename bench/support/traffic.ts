// Sending webhook events to bot processes and checking what LINE received for each.
import { type BenchEvent, answers, redelivery, signedBody } from './events.ts';
import type { LineStandIn } from './line-stand-in.ts';

export type Sent = { event: BenchEvent; status: number; sentAt: number };

/** Posts the events in one signed body; the status is 0 when the connection failed. */
export async function post(url: string, events: Record<string, unknown>[]): Promise<number> {
  const { body, signature } = signedBody(events);
  try {
    const res = await fetch(`${url}/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-line-signature': signature },
      body,
      signal: AbortSignal.timeout(5_000),
    });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}

export async function send(url: string, event: BenchEvent): Promise<Sent> {
  const sentAt = performance.now();
  return { event, status: await post(url, [event.event]), sentAt };
}

export async function resend(url: string, event: BenchEvent): Promise<number> {
  return post(url, [redelivery(event)]);
}

export type Tally = { answeredOnce: number; answeredTwice: number; missing: number; viaPush: number };

export function tally(standIn: LineStandIn, events: readonly BenchEvent[]): Tally {
  const t: Tally = { answeredOnce: 0, answeredTwice: 0, missing: 0, viaPush: 0 };
  for (const event of events) {
    const n = answers(standIn, event);
    if (n === 0) t.missing++;
    else if (n === 1) t.answeredOnce++;
    else t.answeredTwice++;
    if (standIn.pushFor(event.retryKey)) t.viaPush++;
  }
  return t;
}

/** Runs `work` for every item with at most `concurrency` at a time. */
export async function inParallel<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}
