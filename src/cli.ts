// Command line: `ask` (one conversation turn) and `verdict` (judge an invitation from stdin).
// Uses the same configuration as the server (REDIS_URL, OPENAI_*).
import { parseArgs } from 'node:util';
import { judgeInvitation } from './adviser/verdict.ts';
import type { LineMessage } from './adviser/types.ts';
import { ConfigError, loadConfig } from './config.ts';
import { createAdviser, createKnowledgeBase } from './conversation/adviser.ts';
import { RedisStore } from './store/redis.ts';
import { FileBackedMemoryStore } from './store/file-memory.ts';
import type { StateStore } from './store/store.ts';
import { createLogger } from './observability/log.ts';
import { createMetrics } from './observability/metrics.ts';
import { OpenAiLlm } from './llm/openai.ts';

const USAGE = 'usage: cli ask [--user ID] [--json] TEXT… | cli verdict [--json] < invitation.txt';

function usageError(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) return '';
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Everything a user would read: text bodies, and a card's alt text followed by its texts. */
export function readableText(messages: LineMessage[]): string {
  const parts: string[] = [];
  for (const message of messages) {
    if (message.type === 'text') parts.push(message.text);
    else if (message.type === 'flex') {
      const texts: string[] = [];
      collectTexts(message.contents, texts);
      parts.push([message.altText, ...texts.filter((t) => !message.altText.includes(t))].join('\n'));
    }
  }
  return parts.join('\n\n');
}

function collectTexts(node: unknown, out: string[]): void {
  if (Array.isArray(node)) {
    for (const item of node) collectTexts(item, out);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  const record = node as Record<string, unknown>;
  if (record.type === 'text' && typeof record.text === 'string') out.push(record.text);
  if (record.type === 'button') return; // buttons are actions, not reading
  for (const [key, value] of Object.entries(record)) if (key !== 'action') collectTexts(value, out);
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) usageError(`configuration error: ${err.message}`);
    throw err;
  }

  if (command === 'verdict') {
    const { values } = parseArgs({ args: rest, options: { json: { type: 'boolean', default: false } }, strict: true });
    const invitation = (await readStdin()).trim();
    if (!invitation) usageError('verdict: no invitation on standard input');
    const knowledge = createKnowledgeBase();
    let verdict = judgeInvitation(invitation, knowledge.sources);
    if (config.OPENAI_API_KEY) {
      const adviser = await buildAdviser(config, knowledge);
      verdict = (await adviser.adviser.turn({ userId: 'cli-verdict', chatType: 'user', now: Date.now(), text: invitation })).verdict ?? verdict;
      await adviser.close();
    }
    if (values.json) {
      console.log(
        JSON.stringify({
          verdict: verdict.level,
          score: verdict.score,
          flags: verdict.flags.map((f) => ({ kind: f.kind, label: f.label, evidence: f.evidence, source: f.source })),
          advice: verdict.advice,
        }),
      );
    } else {
      const { verdictMessages } = await import('./adviser/verdict-card.ts');
      console.log(readableText(verdictMessages(verdict)));
    }
    return;
  }

  if (command === 'ask') {
    let parsed;
    try {
      parsed = parseArgs({
        args: rest,
        options: { user: { type: 'string', default: 'cli' }, json: { type: 'boolean', default: false } },
        allowPositionals: true,
        strict: true,
      });
    } catch (err) {
      usageError(`ask: ${(err as Error).message}`);
    }
    const question = parsed.positionals.join(' ').trim();
    if (!question) usageError('ask: no text given');
    const { adviser, close } = await buildAdviser(config, createKnowledgeBase());
    const result = await adviser.turn({ userId: parsed.values.user, chatType: 'user', now: Date.now(), text: question });
    await close();
    const reply = readableText(result.messages);
    if (parsed.values.json) console.log(JSON.stringify({ reply, intent: result.intent, sources: result.sources }));
    else console.log(reply);
    return;
  }

  usageError(command ? `unknown command: ${command}` : 'no command given');
}

async function buildAdviser(config: ReturnType<typeof loadConfig>, knowledge: ReturnType<typeof createKnowledgeBase>) {
  const log = createLogger(process.env.LOG_LEVEL ?? 'warn', 2);
  const metrics = createMetrics();
  let store: StateStore;
  if (config.REDIS_URL) {
    const redis = new RedisStore(config.REDIS_URL);
    await redis.connected();
    store = redis;
  } else {
    // Without Redis the CLI keeps its memory in a local file, so follow-ups work across calls.
    store = await FileBackedMemoryStore.open();
  }
  const llm = config.OPENAI_API_KEY
    ? new OpenAiLlm({ apiKey: config.OPENAI_API_KEY, baseURL: config.OPENAI_BASE_URL, model: config.OPENAI_MODEL, embeddingModel: config.OPENAI_EMBEDDING_MODEL, metrics })
    : undefined;
  const adviser = await createAdviser({ store, llm, config, log, metrics, knowledge });
  return { adviser, close: () => store.close() };
}

await main(process.argv.slice(2));
