import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the stub does with one request. */
export interface StubReply {
  readonly status?: number;
  readonly json?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  /** Wait this long before answering. */
  readonly delayMs?: number;
  /** Never answer (the connection stays open until the client gives up or the server closes). */
  readonly stall?: boolean;
}

/** A recorded request. */
export interface StubRequest {
  readonly url: string;
  readonly body: Record<string, unknown>;
  readonly authorization: string | undefined;
}

/** An OpenAI-compatible stub on 127.0.0.1 (an ephemeral port), started by a test. */
export interface StubServer {
  /** Base URL, e.g. `http://127.0.0.1:40123/v1`. */
  readonly url: string;
  readonly requests: StubRequest[];
  /** Requests currently being answered. */
  readonly inFlight: () => number;
  /** Largest number of requests answered at once. */
  readonly maxInFlight: () => number;
  close(): Promise<void>;
}

/** Starts the stub; `reply` decides the answer to the n-th request (0-based). */
export async function startStubServer(reply: (request: StubRequest, index: number) => StubReply): Promise<StubServer> {
  const requests: StubRequest[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const timers = new Set<NodeJS.Timeout>();
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
      const recorded: StubRequest = { url: request.url ?? '', body, authorization: request.headers.authorization };
      const index = requests.length;
      requests.push(recorded);
      const answer = reply(recorded, index);
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      response.on('close', () => {
        inFlight--;
      });
      if (answer.stall === true) return;
      const send = (): void => {
        response.writeHead(answer.status ?? 200, { 'content-type': 'application/json', ...answer.headers });
        response.end(JSON.stringify(answer.json ?? {}));
      };
      if (answer.delayMs === undefined || answer.delayMs <= 0) send();
      else {
        const timer = setTimeout(() => {
          timers.delete(timer);
          send();
        }, answer.delayMs);
        timers.add(timer);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    inFlight: () => inFlight,
    maxInFlight: () => maxInFlight,
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** One generated position: the sampled token, its log-prob and the top candidates. */
export interface StubToken {
  readonly token: string;
  readonly logprob: number;
  readonly top: readonly (readonly [string, number])[];
}

/** A chat completion with `logprobs.content` in the OpenAI/vLLM format. */
export function chatCompletion(text: string, tokens: readonly StubToken[] = [], finishReason = 'stop'): unknown {
  return {
    id: 'stub',
    object: 'chat.completion',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: text },
        logprobs: { content: tokens.map((token) => ({ token: token.token, logprob: token.logprob, bytes: [], top_logprobs: token.top.map(([candidate, logprob]) => ({ token: candidate, logprob, bytes: [] })) })) },
        finish_reason: finishReason,
      },
    ],
    usage: { prompt_tokens: 10, completion_tokens: tokens.length, total_tokens: 10 + tokens.length },
  };
}
