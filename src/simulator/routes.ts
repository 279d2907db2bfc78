// The local simulator: a LINE-like chat page whose messages take the real path. The page's input
// becomes a signed webhook event posted to this server's own /webhook; what the bot sends back is
// read from the capturing gateway, so the page shows exactly what LINE would have received.
import { createHmac, randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import express, { type Express, type Request, type Response } from 'express';
import { z } from 'zod';
import type { LineMessage, SourceRef, Verdict } from '../types.ts';
import type { TurnDebug, TurnResult } from '../conversation/turn.ts';
import type { CapturedCall } from '../line/gateway.ts';
import { RICH_MENU_IMAGE_PATH, richMenuDefinition } from '../line/richmenu.ts';
import { capturingGatewayOf, isSimulatedUser, SIMULATED_USER_PREFIX, simulatedReplyToken, userOfSimulatedReplyToken } from '../line/routing-gateway.ts';
import type { Runtime } from '../runtime.ts';

const PUBLIC_DIR = fileURLToPath(new URL('./public/', import.meta.url));

/** The bot's own user id in the simulated events' `destination`. */
const SIMULATOR_DESTINATION = 'Usimulator-bot';
/**
 * What the timelines may hold, in bytes of JSON (a flex card is several kilobytes, a text a few
 * hundred): counted, not estimated by entries, so 200 busy users cannot pin hundreds of megabytes.
 */
export const TIMELINE_BUDGET_BYTES = 16 * 1024 * 1024;
const MAX_BYTES_PER_USER = 512 * 1024;
const HEARTBEAT_MS = 15_000;

/** One thing that happened in a simulated chat, in the order it happened. */
export type SimulatorEntry = { seq: number; at: number } & (
  | { kind: 'follow' }
  | { kind: 'user-text'; text: string }
  | { kind: 'user-image' }
  | { kind: 'user-postback'; data: string; displayText?: string }
  | { kind: 'bot'; via: 'reply' | 'push'; messages: LineMessage[] }
  | { kind: 'loading'; seconds: number }
  | {
      kind: 'turn';
      input: { text?: string; postback?: string };
      intent: string;
      sources: SourceRef[];
      verdict?: Verdict;
      debug?: TurnDebug;
    }
);

type EntryBody = SimulatorEntry extends infer E ? (E extends SimulatorEntry ? Omit<E, 'seq' | 'at'> : never) : never;

const userIdSchema = z
  .string()
  .regex(new RegExp(`^${SIMULATED_USER_PREFIX}[A-Za-z0-9_-]{1,40}$`), { message: `must start with ${SIMULATED_USER_PREFIX} (letters, digits, - and _)` });

/** An image as base64: LINE's own limit is 10 MB. */
const MAX_IMAGE_BASE64 = Math.ceil((10 * 1024 * 1024 * 4) / 3) + 4;

const sendSchema = z
  .object({
    userId: userIdSchema,
    text: z.string().trim().min(1).max(5_000).optional(),
    postback: z.string().min(1).max(300).optional(),
    displayText: z.string().min(1).max(300).optional(),
    image: z.string().min(8).max(MAX_IMAGE_BASE64).regex(/^[A-Za-z0-9+/=]+$/, 'must be base64').optional(),
  })
  .refine((b) => [b.text, b.postback, b.image].filter((x) => x !== undefined).length <= 1, { message: 'send one of text, postback or image' });

/**
 * Per simulated user, what happened so far and who is watching. Bounded in bytes, per user and in
 * all: past the budget the oldest entries of the least recently active users go first.
 */
export class Timelines {
  #seq = 0;
  #bytes = 0;
  readonly #budget: number;
  readonly #perUser: number;
  readonly #entries = new Map<string, { list: { entry: SimulatorEntry; bytes: number }[]; bytes: number }>();
  readonly #watchers = new Map<string, Set<(entry: SimulatorEntry) => void>>();

  constructor(budgetBytes = TIMELINE_BUDGET_BYTES, perUserBytes = MAX_BYTES_PER_USER) {
    this.#budget = budgetBytes;
    this.#perUser = perUserBytes;
  }

  /** Bytes held now (JSON length of the entries). */
  get bytes(): number {
    return this.#bytes;
  }

  has(userId: string): boolean {
    return this.#entries.has(userId);
  }

  add(userId: string, body: EntryBody): void {
    const entry = { ...body, seq: ++this.#seq, at: Date.now() } as SimulatorEntry;
    const bytes = JSON.stringify(entry).length;
    const timeline = this.#entries.get(userId) ?? { list: [], bytes: 0 };
    // Re-inserting keeps the Map in least-recently-active order, so eviction drops idle users first.
    this.#entries.delete(userId);
    this.#entries.set(userId, timeline);
    timeline.list.push({ entry, bytes });
    timeline.bytes += bytes;
    this.#bytes += bytes;
    while (timeline.bytes > this.#perUser && timeline.list.length > 1) this.#dropOldest(userId, timeline);
    for (const [idleUser, idle] of this.#entries) {
      if (this.#bytes <= this.#budget) break;
      while (idle.list.length > 0 && this.#bytes > this.#budget && (idleUser !== userId || idle.list.length > 1)) this.#dropOldest(idleUser, idle);
    }
    for (const watcher of this.#watchers.get(userId) ?? []) watcher(entry);
  }

  #dropOldest(userId: string, timeline: { list: { entry: SimulatorEntry; bytes: number }[]; bytes: number }): void {
    const dropped = timeline.list.shift();
    if (!dropped) return;
    timeline.bytes -= dropped.bytes;
    this.#bytes -= dropped.bytes;
    if (timeline.list.length === 0) this.#entries.delete(userId);
  }

  since(userId: string, seq: number): SimulatorEntry[] {
    return (this.#entries.get(userId)?.list ?? []).map((x) => x.entry).filter((e) => e.seq > seq);
  }

  watch(userId: string, watcher: (entry: SimulatorEntry) => void): () => void {
    const set = this.#watchers.get(userId) ?? new Set();
    set.add(watcher);
    this.#watchers.set(userId, set);
    return () => {
      set.delete(watcher);
      if (set.size === 0) this.#watchers.delete(userId);
    };
  }
}

/** Which simulated user a captured Messaging API call was meant for. */
function recipientOf(call: CapturedCall): string | undefined {
  switch (call.kind) {
    case 'reply':
      return userOfSimulatedReplyToken(call.replyToken);
    case 'push':
      return isSimulatedUser(call.to) ? call.to : undefined;
    case 'loading':
      return isSimulatedUser(call.chatId) ? call.chatId : undefined;
  }
}

// LINE's ids: event ids are ULID-like (26 characters), message ids are decimal strings.
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
function webhookEventId(now: number): string {
  let time = '';
  for (let t = now, i = 0; i < 10; i++, t = Math.floor(t / 32)) time = CROCKFORD[t % 32] + time;
  const random = [...randomBytes(16)].map((b) => CROCKFORD[b % 32]).join('');
  return time + random;
}
const messageId = () => BigInt(`0x${randomBytes(7).toString('hex')}`).toString(10);

/** The webhook events LINE would send for this input: a follow first when the user is new. */
export function simulatedEvents(
  userId: string,
  said: { text?: string; postback?: string; imageId?: string },
  isNewUser: boolean,
  now: number = Date.now(),
): Record<string, unknown>[] {
  const base = () => ({
    webhookEventId: webhookEventId(now),
    deliveryContext: { isRedelivery: false },
    timestamp: now,
    source: { type: 'user', userId },
    replyToken: simulatedReplyToken(userId),
    mode: 'active',
  });
  const events: Record<string, unknown>[] = [];
  if (isNewUser) events.push({ type: 'follow', follow: { isUnblocked: false }, ...base() });
  if (said.text !== undefined) {
    events.push({
      type: 'message',
      message: { type: 'text', id: messageId(), quoteToken: randomBytes(24).toString('base64url'), text: said.text },
      ...base(),
    });
  } else if (said.postback !== undefined) {
    events.push({ type: 'postback', postback: { data: said.postback }, ...base() });
  } else if (said.imageId !== undefined) {
    events.push({
      type: 'message',
      message: { type: 'image', id: said.imageId, quoteToken: randomBytes(24).toString('base64url'), contentProvider: { type: 'line' } },
      ...base(),
    });
  }
  return events;
}

/** This server's own address as the request reached it, for the loopback call to /webhook. */
function ownBaseUrl(req: Request): string {
  let host = req.socket.localAddress ?? '127.0.0.1';
  if (host.startsWith('::ffff:')) host = host.slice('::ffff:'.length);
  if (host === '::' || host === '0.0.0.0') host = '127.0.0.1';
  return `http://${host.includes(':') ? `[${host}]` : host}:${req.socket.localPort}`;
}

function writeEvent(res: Response, event: string, data: unknown, id?: string): void {
  res.write(`${id === undefined ? '' : `id: ${id}\n`}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}

/**
 * GET / (the page), /simulator/assets/* (its CSS and script), /simulator/richmenu(.png), GET /simulator/stream?userId=…
 * (server-sent events: the chat's history, then each new entry), POST /simulator/send.
 */
export function mountSimulator(app: Express, runtime: Runtime): void {
  // Mounting twice (the runtime in local mode, and a test's extraRoutes) must not double anything.
  if (app.locals.simulatorMounted === true) return;
  app.locals.simulatorMounted = true;
  const timelines = new Timelines();
  const bootId = randomBytes(4).toString('hex');
  const captured = capturingGatewayOf(runtime.line);

  captured?.subscribe((call) => {
    const userId = recipientOf(call);
    if (!userId) return;
    if (call.kind === 'loading') timelines.add(userId, { kind: 'loading', seconds: call.seconds });
    else timelines.add(userId, { kind: 'bot', via: call.kind, messages: call.messages });
  });

  runtime.turns.on('turn', (turn: { chatId: string; input: { text?: string; postback?: string }; result: TurnResult }) => {
    if (!isSimulatedUser(turn.chatId)) return;
    const { intent, sources, verdict, debug } = turn.result;
    timelines.add(turn.chatId, {
      kind: 'turn',
      input: turn.input,
      intent,
      sources,
      ...(verdict ? { verdict } : {}),
      ...(debug ? { debug } : {}),
    });
  });

  app.get('/', (_req, res) => {
    res.set('cache-control', 'no-store');
    res.sendFile('index.html', { root: PUBLIC_DIR });
  });
  app.use('/simulator/assets', express.static(PUBLIC_DIR, { index: false, maxAge: 0 }));
  // The same rich menu `npm run richmenu` installs, so its buttons can be tried here too.
  app.get('/simulator/richmenu', (_req, res) => {
    res.json({ ...richMenuDefinition(), imageUrl: '/simulator/richmenu.png' });
  });
  app.get('/simulator/richmenu.png', (_req, res) => {
    res.sendFile(RICH_MENU_IMAGE_PATH);
  });

  app.get('/simulator/stream', (req, res) => {
    const userId = userIdSchema.safeParse(req.query.userId);
    if (!userId.success) {
      res.status(400).json({ error: `userId ${userId.error.issues[0]?.message ?? 'is invalid'}` });
      return;
    }
    // Event ids carry this process's boot id: after a restart the sequence starts over, so an id
    // from before it must not hide the new entries.
    const [bootOfLastSeen, lastSeen] = (req.get('last-event-id') ?? '').split(':');
    const resumeFrom = bootOfLastSeen === bootId ? Number(lastSeen) || 0 : 0;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write('retry: 1000\n\n');
    writeEvent(res, 'ready', {
      capturing: captured !== undefined,
      mode: runtime.config.localMode ? 'local' : 'line',
      llm: runtime.llm ? 'openai' : 'offline',
      store: runtime.store.kind,
    });
    for (const entry of timelines.since(userId.data, resumeFrom)) writeEvent(res, 'entry', entry, `${bootId}:${entry.seq}`);
    writeEvent(res, 'replayed', {});
    const unwatch = timelines.watch(userId.data, (entry) => writeEvent(res, 'entry', entry, `${bootId}:${entry.seq}`));
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
    heartbeat.unref();
    req.on('close', () => {
      clearInterval(heartbeat);
      unwatch();
    });
  });

  app.post('/simulator/send', express.json({ limit: '15mb' }), async (req, res) => {
    const parsed = sendSchema.safeParse(req.body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      res.status(400).json({ error: `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}` });
      return;
    }
    if (!captured) {
      // Without a capturing gateway the answers would go to the real Messaging API.
      res.status(503).json({ error: 'the simulator needs the capturing LINE gateway (local mode, or SIMULATOR=on with the routing gateway)' });
      return;
    }
    const { userId, text, postback, displayText, image } = parsed.data;
    const isNewUser = !timelines.has(userId);
    // An image is kept in the capturing gateway until the bot fetches it, as LINE's content API would serve it.
    const imageId = image !== undefined ? messageId() : undefined;
    if (imageId !== undefined) captured.putContent(imageId, new Uint8Array(Buffer.from(image!, 'base64')));
    const events = simulatedEvents(
      userId,
      { ...(text !== undefined ? { text } : {}), ...(postback !== undefined ? { postback } : {}), ...(imageId !== undefined ? { imageId } : {}) },
      isNewUser,
    );
    if (events.length === 0) {
      res.status(200).json({ events: 0 });
      return;
    }
    if (isNewUser) timelines.add(userId, { kind: 'follow' });
    if (text !== undefined) timelines.add(userId, { kind: 'user-text', text });
    if (postback !== undefined) timelines.add(userId, { kind: 'user-postback', data: postback, ...(displayText ? { displayText } : {}) });
    if (imageId !== undefined) timelines.add(userId, { kind: 'user-image' });

    const body = JSON.stringify({ destination: SIMULATOR_DESTINATION, events });
    const signature = createHmac('sha256', runtime.config.channelSecret).update(body).digest('base64');
    try {
      const answer = await fetch(`${ownBaseUrl(req)}/webhook`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-line-signature': signature },
        body,
        signal: AbortSignal.timeout(10_000),
      });
      if (!answer.ok) {
        res.status(502).json({ error: `the webhook answered ${answer.status}: ${(await answer.text()).slice(0, 200)}` });
        return;
      }
      res.status(200).json({ events: events.length });
    } catch (err) {
      runtime.log.warn({ err }, 'simulator could not reach its own webhook');
      res.status(502).json({ error: 'the webhook could not be reached over loopback' });
    }
  });
}
