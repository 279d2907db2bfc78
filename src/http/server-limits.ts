// Limits for the HTTP server, so slow or idle clients cannot hold the process: Node's defaults wait
// 300 s for a request and accept any number of connections (21,000 slow-drip connections exhausted
// the file descriptors). LINE's webhook sends small bodies quickly; anything slower is not LINE.
import type { Server } from 'node:http';

export type ServerLimits = {
  maxConnections: number;
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  /** Idle keep-alive connections are closed after this. */
  keepAliveTimeoutMs?: number;
};

/**
 * Node checks the header and request timeouts of open connections only every
 * `connectionsCheckingInterval` (30 s by default), so a 10 s headers timeout would really be up to
 * 40 s. The check runs at a fraction of the shortest timeout instead. Must be called before the
 * server's 'listening' event (right after `listen()`), when Node starts the checking timer.
 */
function checkingIntervalMs(limits: ServerLimits): number {
  return Math.max(100, Math.min(1_000, Math.floor(Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs) / 4)));
}

export function applyServerLimits(server: Server, limits: ServerLimits): void {
  (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval = checkingIntervalMs(limits);
  server.maxConnections = limits.maxConnections;
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  server.keepAliveTimeout = limits.keepAliveTimeoutMs ?? 5_000;
  // A socket idle this long mid-request (a drip of one byte a minute) is closed too.
  server.timeout = limits.requestTimeoutMs;
}

export function limitsOf(config: { HTTP_MAX_CONNECTIONS: number; HTTP_HEADERS_TIMEOUT_SECONDS: number; HTTP_REQUEST_TIMEOUT_SECONDS: number }): ServerLimits {
  return {
    maxConnections: config.HTTP_MAX_CONNECTIONS,
    headersTimeoutMs: config.HTTP_HEADERS_TIMEOUT_SECONDS * 1000,
    requestTimeoutMs: config.HTTP_REQUEST_TIMEOUT_SECONDS * 1000,
  };
}
