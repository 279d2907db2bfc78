// A small keep-alive HTTP/1.1 client for load on loopback: N persistent connections, one request
// in flight on each, requests queued until a connection is free. Leaner than fetch, so the load
// generator is not what limits the figures.
import { createConnection, type Socket } from 'node:net';

export type PoolResponse = { status: number; ms: number };

type Pending = { bytes: Buffer; resolve: (r: PoolResponse) => void };

class Connection {
  #socket: Socket | undefined;
  #buffer: Buffer = Buffer.alloc(0);
  #current: (Pending & { started: number }) | undefined;
  readonly #host: string;
  readonly #port: number;
  readonly #onFree: (c: Connection) => void;

  constructor(host: string, port: number, onFree: (c: Connection) => void) {
    this.#host = host;
    this.#port = port;
    this.#onFree = onFree;
  }

  get busy(): boolean {
    return this.#current !== undefined;
  }

  send(pending: Pending): void {
    this.#current = { ...pending, started: performance.now() };
    if (!this.#socket || this.#socket.destroyed) this.#open();
    this.#socket!.write(pending.bytes);
  }

  #open(): void {
    this.#buffer = Buffer.alloc(0);
    const socket = createConnection({ host: this.#host, port: this.#port });
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
      this.#parse();
    });
    const fail = () => {
      if (this.#socket === socket) this.#socket = undefined;
      this.#finish(0);
    };
    socket.on('error', fail);
    socket.on('close', fail);
    this.#socket = socket;
  }

  #parse(): void {
    const headerEnd = this.#buffer.indexOf('\r\n\r\n');
    if (headerEnd < 0) return;
    const head = this.#buffer.subarray(0, headerEnd).toString('latin1');
    const status = Number(head.slice(9, 12));
    const match = /\r\ncontent-length:\s*(\d+)/i.exec(head);
    const length = match ? Number(match[1]) : 0;
    const total = headerEnd + 4 + length;
    if (this.#buffer.length < total) return;
    this.#buffer = this.#buffer.subarray(total);
    if (/\r\nconnection:\s*close/i.test(head)) this.#socket?.end();
    this.#finish(status);
  }

  #finish(status: number): void {
    const current = this.#current;
    if (!current) return;
    this.#current = undefined;
    current.resolve({ status, ms: performance.now() - current.started });
    this.#onFree(this);
  }

  close(): void {
    this.#socket?.destroy();
  }
}

export class KeepAlivePool {
  readonly #connections: Connection[];
  readonly #queue: Pending[] = [];
  readonly #host: string;
  readonly #port: number;

  constructor(baseUrl: string, connections: number) {
    const url = new URL(baseUrl);
    if (url.hostname !== '127.0.0.1' && url.hostname !== 'localhost') throw new Error('load goes to loopback only');
    this.#host = url.hostname;
    this.#port = Number(url.port);
    this.#connections = Array.from({ length: connections }, () => new Connection(this.#host, this.#port, (c) => this.#next(c)));
  }

  #next(connection: Connection): void {
    const pending = this.#queue.shift();
    if (pending) connection.send(pending);
  }

  /** Builds the request bytes once; reuse them for many sends of the same request. */
  static request(path: string, body: string, headers: Record<string, string>): Buffer {
    const payload = Buffer.from(body, 'utf8');
    const lines = [`POST ${path} HTTP/1.1`, 'host: 127.0.0.1', 'content-type: application/json', `content-length: ${payload.length}`];
    for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
    return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), payload]);
  }

  send(bytes: Buffer): Promise<PoolResponse> {
    return new Promise((resolve) => {
      const pending = { bytes, resolve };
      const idle = this.#connections.find((c) => !c.busy);
      if (idle) idle.send(pending);
      else this.#queue.push(pending);
    });
  }

  close(): void {
    for (const c of this.#connections) c.close();
  }
}

/** Nearest-rank percentile of a list of numbers (0 for an empty list). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
