// The shared part of the loopback stand-ins (LINE, OpenAI): listen on 127.0.0.1, read whole bodies.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export abstract class LoopbackHttpServer {
  url = '';
  /** Appended to the URL, e.g. "/v1" for an OpenAI-compatible base URL. */
  protected readonly basePath: string = '';
  readonly #server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => this.handle(req, Buffer.concat(chunks), res));
  });

  constructor() {
    // Load generators keep connections open between bursts; don't drop them after Node's 5 s.
    this.#server.keepAliveTimeout = 30_000;
  }

  /** Answers one request whose body has been read in full. */
  protected abstract handle(req: IncomingMessage, body: Buffer, res: ServerResponse): void;

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}${this.basePath}`;
    return this;
  }

  async stop(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
