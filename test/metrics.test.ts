// GET /metrics after real webhook traffic: the counters an operator watches move as events arrive.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LineApiRecorder } from './support/line-recorder.ts';
import { OpenAiStandIn } from './support/openai-stand-in.ts';
import { type RunningBot, startBot, TEST_CHANNEL_SECRET } from './support/bot-server.ts';
import { fixture, postWebhook, uniqueUserId } from './support/webhook.ts';

const RATE_LIMIT = 3;
const PROMPT_TOKENS = 11;
const COMPLETION_TOKENS = 7;

type Sample = { name: string; labels: Record<string, string>; value: number };

/** Parses Prometheus' text format into samples. */
function parseMetrics(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const pair of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[pair[1]!] = pair[2]!;
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return samples;
}

let recorder: LineApiRecorder;
let llm: OpenAiStandIn;
let bot: RunningBot;

async function scrape(): Promise<{ contentType: string; samples: Sample[] }> {
  const res = await fetch(`${bot.url}/metrics`);
  return { contentType: res.headers.get('content-type') ?? '', samples: parseMetrics(await res.text()) };
}

/** The sum of a metric over the samples whose labels include `labels`. */
async function value(name: string, labels: Record<string, string> = {}): Promise<number> {
  const { samples } = await scrape();
  return samples
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);
}

/** Waits until the metric reaches `atLeast`; handling finishes after the webhook's 200. */
async function reaches(name: string, labels: Record<string, string>, atLeast: number, timeoutMs = 5_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let current = await value(name, labels);
  while (current < atLeast && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    current = await value(name, labels);
  }
  return current;
}

const repliesSoFar = () => recorder.replies.length;
async function sendText(userId: string, text: string): Promise<void> {
  const before = repliesSoFar();
  expect((await postWebhook(bot.url, fixture('text', { userId, text }), TEST_CHANNEL_SECRET)).status).toBe(200);
  await recorder.waitFor(() => repliesSoFar() > before, 10_000);
}

beforeAll(async () => {
  recorder = await new LineApiRecorder().start();
  llm = await new OpenAiStandIn().start();
  llm.usage = { prompt_tokens: PROMPT_TOKENS, completion_tokens: COMPLETION_TOKENS };
  bot = await startBot({
    LINE_API_BASE_URL: recorder.url,
    OPENAI_API_KEY: 'sk-test-stand-in',
    OPENAI_BASE_URL: llm.url,
    RATE_LIMIT_MESSAGES: String(RATE_LIMIT),
  });
});
afterAll(async () => {
  await bot.stop();
  await llm.stop();
  await recorder.stop();
});
afterEach(() => {
  llm.behaviour = { kind: 'answer', content: (r) => (r.response_format ? '{}' : '交流会では、まず相手の話を聞くところから始めると安心です。') };
});

describe('GET /metrics', () => {
  it('answers in the Prometheus text format', async () => {
    const { contentType, samples } = await scrape();
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(samples.some((s) => s.name === 'process_cpu_user_seconds_total')).toBe(true);
  });

  it('counts webhook events by type', async () => {
    const messages = await value('bot_events_total', { type: 'message' });
    const follows = await value('bot_events_total', { type: 'follow' });
    await sendText(uniqueUserId(), 'カフェ会ってどんな感じ？');
    await postWebhook(bot.url, fixture('follow', { userId: uniqueUserId() }), TEST_CHANNEL_SECRET);
    expect(await reaches('bot_events_total', { type: 'message' }, messages + 1)).toBe(messages + 1);
    expect(await reaches('bot_events_total', { type: 'follow' }, follows + 1)).toBe(follows + 1);
  });

  it('counts replies sent to LINE by method', async () => {
    const before = await value('bot_replies_total', { method: 'reply' });
    await sendText(uniqueUserId(), '名刺交換のあとのお礼はいつ送る？');
    expect(await reaches('bot_replies_total', { method: 'reply' }, before + 1)).toBe(before + 1);
  });

  it('observes how long handling took in a latency histogram', async () => {
    const count = await value('bot_event_handling_seconds_count', { type: 'message' });
    await sendText(uniqueUserId(), '朝活の交流会って怪しい？');
    expect(await reaches('bot_event_handling_seconds_count', { type: 'message' }, count + 1)).toBe(count + 1);
    const { samples } = await scrape();
    const buckets = samples.filter((s) => s.name === 'bot_event_handling_seconds_bucket' && s.labels.type === 'message');
    expect(buckets.find((b) => b.labels.le === '+Inf')?.value).toBe(count + 1);
    expect(await value('bot_event_handling_seconds_sum', { type: 'message' })).toBeGreaterThan(0);
  });

  it('counts a redelivered event as a dedupe hit, not as a second reply', async () => {
    const hits = await value('bot_dedupe_hits_total');
    const body = fixture('text', { userId: uniqueUserId(), text: '異業種交流会の選び方は？' });
    await postWebhook(bot.url, body, TEST_CHANNEL_SECRET);
    await postWebhook(bot.url, body, TEST_CHANNEL_SECRET);
    expect(await reaches('bot_dedupe_hits_total', {}, hits + 1)).toBe(hits + 1);
  });

  it('counts messages refused by the per-user rate limit', async () => {
    const hits = await value('bot_rate_limit_hits_total');
    const userId = uniqueUserId();
    for (let i = 0; i <= RATE_LIMIT; i++) await sendText(userId, `こんにちは${'！'.repeat(i)}`);
    expect(await reaches('bot_rate_limit_hits_total', {}, hits + 1)).toBe(hits + 1);
  });

  it('counts LLM calls and the tokens they used', async () => {
    const calls = await value('bot_llm_calls_total', { outcome: 'ok' });
    const prompt = await value('bot_llm_tokens_total', { kind: 'prompt' });
    const completion = await value('bot_llm_tokens_total', { kind: 'completion' });
    const served = llm.chats.length;
    await sendText(uniqueUserId(), '交流会で名刺交換したあと、どうフォローすればいい？');
    const made = llm.chats.length - served;
    expect(made).toBeGreaterThan(0);
    expect(await reaches('bot_llm_calls_total', { outcome: 'ok' }, calls + made)).toBeGreaterThanOrEqual(calls + made);
    expect(await value('bot_llm_tokens_total', { kind: 'prompt' })).toBe(prompt + made * PROMPT_TOKENS);
    expect(await value('bot_llm_tokens_total', { kind: 'completion' })).toBe(completion + made * COMPLETION_TOKENS);
  });

  it('counts failed LLM calls as errors while the user still gets an answer', async () => {
    const errors = await value('bot_llm_calls_total', { outcome: 'error' });
    llm.behaviour = { kind: 'status', status: 500 };
    await sendText(uniqueUserId(), '安い交流会に行っても大丈夫？参加する前に何を確認すればいい？');
    expect(await reaches('bot_llm_calls_total', { outcome: 'error' }, errors + 1)).toBeGreaterThanOrEqual(errors + 1);
    expect(recorder.replies.at(-1)!.messages.length).toBeGreaterThan(0);
  });
});
