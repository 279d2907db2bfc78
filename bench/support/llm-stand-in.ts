// A loopback stand-in for an OpenAI-compatible endpoint that is down, rate-limited or hanging, to
// check that the bot still answers (with its offline composer) in time.
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type LlmTrouble = 'server-error' | 'rate-limited' | 'hanging';

export class LlmStandIn {
  readonly #server: Server;
  readonly #hanging = new Set<ServerResponse>();
  trouble: LlmTrouble = 'server-error';
  calls = 0;
  url = '';

  constructor() {
    this.#server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        this.calls++;
        if (this.trouble === 'hanging') {
          this.#hanging.add(res);
          res.on('close', () => this.#hanging.delete(res));
          return;
        }
        const [status, headers] = this.trouble === 'rate-limited' ? [429, { 'retry-after': '30' }] : [500, {}];
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify({ error: { message: this.trouble, type: this.trouble } }));
      });
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/v1`;
    return this;
  }

  async stop(): Promise<void> {
    for (const res of this.#hanging) res.destroy();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
