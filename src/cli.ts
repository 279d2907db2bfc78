// Command line: `ask` (one conversation turn) and `verdict` (judge an invitation from stdin).
// Uses the same configuration as the server (REDIS_URL, OPENAI_*).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from './config.ts';
import { flatten, quickReplyLabels } from './conversation/flatten.ts';
import { type ConversationAdviser, createAdviser, createKnowledgeBase } from './conversation/pipeline.ts';
import { OpenAiLlm } from './llm/openai.ts';
import { createLogger } from './observability/log.ts';
import { createMetrics } from './observability/metrics.ts';
import { FileBackedMemoryStore } from './store/file-memory.ts';
import { RedisStore } from './store/redis.ts';
import type { StateStore } from './store/store.ts';
import type { Verdict } from './types.ts';
import { verdictMessages } from './verdict/card.ts';

export const USAGE = [
  'usage:',
  '  cli ask [--user ID] [--json] TEXT…     one conversation turn, as the bot would answer it in LINE',
  '  cli verdict [--json] [--image PATH] < invitation.txt',
  '                                         judge an invitation read from standard input (or an image)',
  '  cli --help                             this text',
].join('\n');

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

/** The verdict as the contract gives it (`verdict --json`, and `verdict` in `ask --json`). */
export function verdictJson(verdict: Verdict) {
  return {
    verdict: verdict.level,
    score: verdict.score,
    flags: verdict.flags.map((f) => ({ kind: f.kind, label: f.label, evidence: f.evidence, source: f.source })),
    advice: verdict.advice,
    ...(verdict.read !== undefined ? { read: verdict.read } : {}),
  };
}

async function buildAdviser(config: ReturnType<typeof loadConfig>): Promise<{ adviser: ConversationAdviser; close: () => Promise<void> }> {
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
  const adviser = await createAdviser({ store, llm, config, log, metrics, knowledge: createKnowledgeBase() });
  return { adviser, close: () => store.close() };
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h' || command === 'help') {
    console.log(USAGE);
    return;
  }
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) usageError(`configuration error: ${err.message}`);
    throw err;
  }

  if (command === 'verdict') {
    let values;
    try {
      ({ values } = parseArgs({ args: rest, options: { json: { type: 'boolean', default: false }, image: { type: 'string' } }, strict: true }));
    } catch (err) {
      usageError(`verdict: ${(err as Error).message}`);
    }
    let image: Uint8Array | undefined;
    if (values.image !== undefined) {
      try {
        image = new Uint8Array(readFileSync(values.image));
      } catch (err) {
        usageError(`verdict: cannot read the image ${values.image} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
      }
    }
    const invitation = image ? '' : (await readStdin()).trim();
    if (!image && !invitation) usageError('verdict: no invitation on standard input');
    const { adviser, close } = await buildAdviser(config);
    const { verdict, reply } = await adviser.verdictOf(image ? { image } : { text: invitation }, 'cli-verdict', Date.now());
    await close();
    if (!verdict) {
      // Nothing to judge (a photo, an unreadable link): say so, as the bot would, and exit 1.
      console.error(flatten(reply.messages));
      process.exit(1);
    }
    console.log(values.json ? JSON.stringify(verdictJson(verdict)) : flatten(verdictMessages(verdict)));
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
    const { adviser, close } = await buildAdviser(config);
    const result = await adviser.turn({ userId: parsed.values.user, chatType: 'user', now: Date.now(), text: question });
    await close();
    const reply = flatten(result.messages);
    if (parsed.values.json) {
      console.log(
        JSON.stringify({
          reply,
          intent: result.intent,
          sources: result.sources,
          quickReplies: quickReplyLabels(result.messages),
          // Present exactly when this turn judged an invitation.
          ...(result.intent === 'judge' && result.verdict ? { verdict: verdictJson(result.verdict) } : {}),
        }),
      );
    } else console.log(reply);
    return;
  }

  usageError(command ? `unknown command: ${command}` : 'no command given');
}

await main(process.argv.slice(2));
