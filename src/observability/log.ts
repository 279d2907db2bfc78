import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * JSON logs on stdout. Conversations are private: message text is logged only at `debug`,
 * and secrets are redacted wherever they appear.
 */
export function createLogger(level: string, fd: 1 | 2 = 1): Logger {
  return pino({
    level,
    base: { service: 'koryukai-adviser' },
    redact: {
      paths: ['*.channelAccessToken', '*.apiKey', 'req.headers.authorization', 'req.headers["x-line-signature"]'],
      censor: '[redacted]',
    },
  }, pino.destination({ fd, sync: fd === 2 }));
}
