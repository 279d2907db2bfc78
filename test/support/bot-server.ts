// Starts the real HTTP server, wired by the real runtime, on a loopback port.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/observability/log.ts';
import { applyServerLimits, limitsOf } from '../../src/http/server-limits.ts';
import { createRuntime, type Runtime, type RuntimeOverrides } from '../../src/runtime.ts';
export { testRedisUrl } from './redis.ts';

export const TEST_CHANNEL_SECRET = 'test-channel-secret-0123456789abcdef';
export const TEST_ACCESS_TOKEN = 'test-access-token';

export type RunningBot = { url: string; runtime: Runtime; server: Server; stop(): Promise<void> };

export async function startBot(env: Record<string, string | undefined>, overrides: RuntimeOverrides = {}): Promise<RunningBot> {
  const config = loadConfig({
    LINE_CHANNEL_SECRET: TEST_CHANNEL_SECRET,
    LINE_CHANNEL_ACCESS_TOKEN: TEST_ACCESS_TOKEN,
    LOG_LEVEL: 'silent',
    ...env,
  });
  const runtime = await createRuntime(config, { log: createLogger(config.LOG_LEVEL), ...overrides });
  const server: Server = await new Promise((resolve) => {
    const s = runtime.app.listen(0, '127.0.0.1', () => resolve(s));
  });
  applyServerLimits(server, limitsOf(config));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    runtime,
    server,
    async stop() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await runtime.close();
    },
  };
}
