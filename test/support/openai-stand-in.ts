// A loopback stand-in for an OpenAI-compatible endpoint: records requests, answers by a script.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoopbackHttpServer } from './loopback-http.ts';

export type ChatRequest = { model: string; messages: { role: string; content: string }[]; response_format?: { type: string } };
export type Behaviour =
  | { kind: 'answer'; content: (request: ChatRequest) => string }
  | { kind: 'status'; status: number }
  | { kind: 'hang' };

export class OpenAiStandIn extends LoopbackHttpServer {
  protected override readonly basePath = '/v1';
  readonly chats: ChatRequest[] = [];
  readonly embeddings: { input: string[] }[] = [];
  behaviour: Behaviour = { kind: 'answer', content: () => 'はい、答えです。【出典: テスト】' };
  /** Token counts reported with every answer. */
  usage = { prompt_tokens: 100, completion_tokens: 20 };

  protected override handle(req: IncomingMessage, raw: Buffer, res: ServerResponse): void {
    const body = JSON.parse(raw.toString('utf8') || '{}') as Record<string, unknown>;
    const send = (status: number, payload: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(payload));
    };
    if (req.url?.endsWith('/embeddings')) {
      const input = (Array.isArray(body.input) ? body.input : [body.input]) as string[];
      this.embeddings.push({ input });
      // Deterministic vectors from character codes: real arithmetic, no meaning needed here.
      const data = input.map((text, index) => ({
        object: 'embedding',
        index,
        embedding: Array.from({ length: 16 }, (_, i) => ((text.charCodeAt(i % Math.max(1, text.length)) || 1) % 97) / 97),
      }));
      send(200, { object: 'list', data, model: body.model, usage: { prompt_tokens: 1, total_tokens: 1 } });
      return;
    }
    const request = body as unknown as ChatRequest;
    this.chats.push(request);
    const behaviour = this.behaviour;
    if (behaviour.kind === 'hang') return; // never answers; the client's timeout must act
    if (behaviour.kind === 'status') {
      send(behaviour.status, { error: { message: 'scripted failure', type: 'rate_limit_error' } });
      return;
    }
    send(200, {
      id: `chatcmpl-${this.chats.length}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: request.model,
      choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: behaviour.content(request) } }],
      usage: { ...this.usage, total_tokens: this.usage.prompt_tokens + this.usage.completion_tokens },
    });
  }
}
