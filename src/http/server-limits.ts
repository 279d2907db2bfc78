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

export function applyServerLimits(server: Server, limits: ServerLimits): void {
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
