// Starts a throwaway redis-server on a free port for the whole run, unless REDIS_URL is set.
import { spawnSync } from 'node:child_process';
import type { TestProject } from 'vitest/node';
import { startRedis } from './throwaway-redis.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (process.env.REDIS_URL) {
    const url = process.env.REDIS_URL;
    project.provide('redisUrl', url);
    return async () => {};
  }
  const found = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (found.error || found.status !== 0) {
    throw new Error(
      'npm test needs Redis: put redis-server on PATH (Debian: apt-get install redis-server) so the tests can start a throwaway one, or set REDIS_URL to a Redis the tests may use.',
    );
  }
  const redis = await startRedis();
  project.provide('redisUrl', redis.url);
  return () => redis.destroy();
}
