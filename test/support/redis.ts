import { inject } from 'vitest';

/** A Redis URL for this test worker: one logical database per worker keeps files apart. */
export function testRedisUrl(): string {
  const url = new URL(inject('redisUrl'));
  const db = Number(process.env.VITEST_POOL_ID ?? '1') % 16;
  url.pathname = `/${db}`;
  return url.toString();
}
