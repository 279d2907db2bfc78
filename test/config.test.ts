import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';

describe('configuration', () => {
  it('starts in local mode with defaults when nothing is set', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ PORT: 3000, localMode: true, LINE_API_BASE_URL: 'https://api.line.me', LOG_LEVEL: 'info', STATE_TTL_DAYS: 30 });
    expect(config.REDIS_URL).toBeUndefined();
    expect(config.OPENAI_API_KEY).toBeUndefined();
  });

  it('uses the LINE channel when both credentials are set', () => {
    const config = loadConfig({ LINE_CHANNEL_SECRET: 's', LINE_CHANNEL_ACCESS_TOKEN: 't' });
    expect(config.localMode).toBe(false);
    expect(config.channelSecret).toBe('s');
  });

  it.each([
    ['PORT', 'abc', /^PORT must be a number/],
    ['PORT', '70000', /^PORT must be at most 65535/],
    ['LINE_API_BASE_URL', 'not a url', /^LINE_API_BASE_URL must be a URL/],
    ['OPENAI_BASE_URL', 'localhost:11434', /^OPENAI_BASE_URL must be a URL/],
    ['REDIS_URL', 'http://127.0.0.1:6379', /^REDIS_URL must be a redis:\/\//],
    ['LOG_LEVEL', 'loud', /^LOG_LEVEL must be a pino level/],
    ['SIMULATOR', 'maybe', /^SIMULATOR must be on or off/],
  ])('rejects %s=%s with a message naming the variable', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(message);
  });

  it('rejects one LINE credential without the other', () => {
    expect(() => loadConfig({ LINE_CHANNEL_SECRET: 's' })).toThrow(/LINE_CHANNEL_ACCESS_TOKEN must be set too/);
  });

  it('queues durably in a Redis stream by default once REDIS_URL is set, in-process otherwise', () => {
    expect(loadConfig({}).QUEUE).toBe('inline');
    expect(loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379' }).QUEUE).toBe('stream');
    expect(loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379', QUEUE: 'inline' }).QUEUE).toBe('inline');
  });

  it('treats empty values as unset', () => {
    expect(loadConfig({ PORT: '', REDIS_URL: '' }).PORT).toBe(3000);
  });

  it('stops the server at start-up with one line naming the bad variable', () => {
    const run = spawnSync(process.execPath, ['src/server.ts'], {
      env: { PATH: process.env.PATH, PORT: 'abc' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr.trim().split('\n')).toEqual(['configuration error: PORT must be a number (got "abc")']);
  });
});
