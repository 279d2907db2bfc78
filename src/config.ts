import { randomBytes } from 'node:crypto';
import { z } from 'zod';

const emptyToUndefined = (value: unknown) => (value === '' ? undefined : value);
const optionalString = z.preprocess(emptyToUndefined, z.string().min(1).optional());
const URL_MESSAGE = { protocol: /^https?$/, message: 'must be a URL such as http://host:port' };
const urlWithDefault = (fallback: string) => z.preprocess(emptyToUndefined, z.url(URL_MESSAGE).default(fallback));
const optionalUrl = () => z.preprocess(emptyToUndefined, z.url(URL_MESSAGE).optional());
const integer = (fallback: number, min: number, max: number) =>
  z.preprocess(
    emptyToUndefined,
    z.coerce
      .number({ message: 'must be a number' })
      .int({ message: 'must be a whole number' })
      .min(min, { message: `must be at least ${min}` })
      .max(max, { message: `must be at most ${max}` })
      .default(fallback),
  );
const onOff = (fallback: boolean) =>
  z.preprocess(
    emptyToUndefined,
    z
      .enum(['on', 'off', 'true', 'false', '1', '0'], { message: 'must be on or off' })
      .default(fallback ? 'on' : 'off')
      .transform((v) => v === 'on' || v === 'true' || v === '1'),
  );

/** Every environment variable the bot reads, parsed once. */
export const envSchema = z.object({
  PORT: integer(3000, 0, 65535),
  LINE_CHANNEL_SECRET: optionalString,
  LINE_CHANNEL_ACCESS_TOKEN: optionalString,
  LINE_API_BASE_URL: urlWithDefault('https://api.line.me'),
  /** Message content (images) and rich-menu images. */
  LINE_DATA_API_BASE_URL: urlWithDefault('https://api-data.line.me'),
  /** host[:port] that link reading may fetch even on a private or loopback address (tests, intranets). */
  LINK_ALLOW_HOSTS: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^[A-Za-z0-9.\-\[\]:]+(?:,[A-Za-z0-9.\-\[\]:]+)*$/, { message: 'must be a comma-separated list of host[:port]' })
      .optional(),
  ),
  /** Address the server listens on: loopback in local mode unless set (a container sets 0.0.0.0). */
  HOST: optionalString,
  REDIS_URL: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^rediss?:\/\/[^\s]+$/, { message: 'must be a redis:// or rediss:// URL' })
      .optional(),
  ),
  OPENAI_API_KEY: optionalString,
  OPENAI_BASE_URL: optionalUrl(),
  OPENAI_MODEL: z.preprocess(emptyToUndefined, z.string().min(1).default('gpt-4o-mini')),
  OPENAI_EMBEDDING_MODEL: z.preprocess(emptyToUndefined, z.string().min(1).default('text-embedding-3-small')),
  /** The model accepts images: it transcribes screenshots and flyers, and OCR is the fallback. */
  OPENAI_VISION: onOff(false),
  LOG_LEVEL: z.preprocess(
    emptyToUndefined,
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { message: 'must be a pino level (info, debug, …)' }).default('info'),
  ),
  SIMULATOR: onOff(false),
  /** Days a user's conversation, contacts and verdict are kept after their last message. */
  STATE_TTL_DAYS: integer(30, 1, 365),
  RATE_LIMIT_MESSAGES: integer(30, 1, 10_000),
  RATE_LIMIT_WINDOW_SECONDS: integer(600, 1, 86_400),
  LLM_DAILY_BUDGET: integer(50, 0, 100_000),
  LLM_TIMEOUT_MS: integer(15_000, 100, 120_000),
  /** Fall back to a push message when a reply token is rejected or too old. */
  PUSH_FALLBACK: onOff(true),
  /** Where webhook events go: a durable Redis stream by default when REDIS_URL is set, else in-process. */
  QUEUE: z.preprocess(emptyToUndefined, z.enum(['inline', 'stream'], { message: 'must be inline or stream' }).optional()),
  /** Run the stream consumer inside the web process (set off for separate `npm run worker` processes). */
  WORKER: onOff(true),
  /** Open connections the server accepts at once; past it new ones are closed (slow clients cannot exhaust the process). */
  HTTP_MAX_CONNECTIONS: integer(2_000, 10, 100_000),
  /** Seconds a client has to send a request's headers, and its whole request. */
  HTTP_HEADERS_TIMEOUT_SECONDS: integer(10, 1, 300),
  HTTP_REQUEST_TIMEOUT_SECONDS: integer(30, 1, 600),
});

export type Env = z.infer<typeof envSchema>;

export type Config = Omit<Env, 'QUEUE'> & {
  QUEUE: 'inline' | 'stream';
  /** No LINE credentials: signatures are checked with a local secret and replies stay in-process. */
  localMode: boolean;
  channelSecret: string;
  stateTtlSeconds: number;
};

/**
 * Secret used to sign simulator events when no LINE channel is configured: made fresh by each
 * process, so no one outside it can sign an event (a fixed, published secret could be used by any
 * page or program that reaches the port).
 */
const localChannelSecret = randomBytes(24).toString('base64url');

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses the environment; the error names the first bad variable and what is wrong with it. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0] ?? 'environment');
    const value = env[name];
    const shown = value === undefined ? '' : ` (got ${JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value)})`;
    throw new ConfigError(`${name} ${issue.message}${shown}`);
  }
  const e = parsed.data;
  if (Boolean(e.LINE_CHANNEL_SECRET) !== Boolean(e.LINE_CHANNEL_ACCESS_TOKEN)) {
    const missing = e.LINE_CHANNEL_SECRET ? 'LINE_CHANNEL_ACCESS_TOKEN' : 'LINE_CHANNEL_SECRET';
    throw new ConfigError(`${missing} must be set too: set both LINE credentials, or neither for local mode`);
  }
  if (e.QUEUE === 'stream' && !e.REDIS_URL) {
    throw new ConfigError('QUEUE=stream needs REDIS_URL');
  }
  const localMode = !e.LINE_CHANNEL_SECRET;
  return {
    ...e,
    QUEUE: e.QUEUE ?? (e.REDIS_URL ? 'stream' : 'inline'),
    localMode,
    channelSecret: e.LINE_CHANNEL_SECRET ?? localChannelSecret,
    stateTtlSeconds: e.STATE_TTL_DAYS * 86_400,
  };
}
