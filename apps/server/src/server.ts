import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AepoStep, type AepoBatch, type AepoConfig } from '@ares/aepo';
import { AresError, assertInRange, assertInteger, assertOneOf } from '@ares/core';
import { GRADING_PROFILES, type GradingProfile } from '@ares/eval';
import type { z } from 'zod';
import { easyR1Rewards, LabelError, openRlhfRewards, verlRewards, type GradingSettings } from './rewards';
import { aepoStepRequestSchema, easyR1RequestSchema, issuePath, openRlhfRequestSchema, verlRequestSchema } from './schemas';
import { loadState, saveState } from './state-store';

/** Options of {@link createServer}. */
export interface ServerOptions {
  /** Interface to bind; loopback unless set. */
  readonly host?: string;
  /** Port; 0 picks a free one. */
  readonly port?: number;
  /** Directory for the persisted AEPO state; in memory only when omitted. */
  readonly stateDirectory?: string;
  /** `AepoStep` configuration (the persisted state must have been saved under the same one). */
  readonly aepoConfig?: AepoConfig;
  /** Largest accepted request body in bytes; larger → 413. */
  readonly maxBodyBytes?: number;
  /** Time allowed to receive a request body (and wait for the AEPO queue) in ms; beyond → 408. */
  readonly requestTimeoutMs?: number;
  /** Requests served at once (health and metrics excluded); beyond → 503 with Retry-After. */
  readonly maxConcurrent?: number;
  /** Grading profile of the reward endpoints. */
  readonly gradingProfile?: GradingProfile;
  /** Per-answer grading budget in ms (cooperative). */
  readonly gradingTimeoutMs?: number;
}

/** Defaults of {@link ServerOptions}. */
export const DEFAULT_SERVER_OPTIONS = Object.freeze({
  host: '127.0.0.1',
  port: 0,
  maxBodyBytes: 16 * 1024 * 1024,
  requestTimeoutMs: 60_000,
  maxConcurrent: 64,
  gradingProfile: 'mathruler' as GradingProfile,
  gradingTimeoutMs: 500,
});

/** A running service. */
export interface AresServer {
  readonly server: Server;
  /** `http://host:port`. */
  readonly url: string;
  readonly port: number;
  /** Stops accepting connections, waits for the AEPO queue, closes. */
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly field: string | undefined,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

const LATENCY_WINDOW = 2048;

class Metrics {
  requests = 0;
  errors = 0;
  serverErrors = 0;
  rejectedBusy = 0;
  aepoSteps = 0;
  readonly byRoute: Record<string, number> = {};
  readonly #latencies: number[] = [];
  #latencyTotal = 0;
  #latencyCount = 0;

  record(route: string, status: number, milliseconds: number): void {
    this.requests++;
    this.byRoute[route] = (this.byRoute[route] ?? 0) + 1;
    if (status >= 400) this.errors++;
    if (status >= 500) this.serverErrors++;
    if (status === 503) this.rejectedBusy++;
    this.#latencyTotal += milliseconds;
    this.#latencyCount++;
    this.#latencies.push(milliseconds);
    if (this.#latencies.length > LATENCY_WINDOW) this.#latencies.shift();
  }

  toJSON() {
    const sorted = [...this.#latencies].sort((a, b) => a - b);
    const at = (q: number) => (sorted.length === 0 ? null : sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!);
    return {
      requests: this.requests,
      errors: this.errors,
      serverErrors: this.serverErrors,
      rejectedBusy: this.rejectedBusy,
      aepoSteps: this.aepoSteps,
      byRoute: { ...this.byRoute },
      latencyMs: {
        count: this.#latencyCount,
        mean: this.#latencyCount === 0 ? null : this.#latencyTotal / this.#latencyCount,
        p50: at(0.5),
        p99: at(0.99),
        max: sorted.length === 0 ? null : sorted[sorted.length - 1]!,
        window: sorted.length,
      },
    };
  }
}

/** JSON text of a result: typed arrays become arrays; non-finite numbers become null. */
export function toJsonText(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) => (ArrayBuffer.isView(inner) && !(inner instanceof DataView) ? Array.from(inner as unknown as ArrayLike<number>) : inner));
}

function parseBody<Schema extends z.ZodType>(schema: Schema, body: unknown): z.infer<Schema> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issuePath(issue.path);
  throw new HttpError(400, field, `${field}: ${issue.message}`);
}

/**
 * Creates and starts the ARES reward / AEPO service on node:http. Loads the AEPO state from
 * `options.stateDirectory` when present, and persists it atomically after every `/v1/aepo/step` batch.
 *
 * @param options - see {@link ServerOptions}; DEFAULTS in {@link DEFAULT_SERVER_OPTIONS}
 * @returns the running server (listening)
 * @throws {AresError} `INVALID_ARGUMENT` naming `options.<field>` for a bad option (`UNSUPPORTED` for an unknown
 *   grading profile); `INVALID_STATE` when the persisted state does not fit `options.aepoConfig`
 */
export async function createServer(options: ServerOptions = {}): Promise<AresServer> {
  const settings = { ...DEFAULT_SERVER_OPTIONS, ...options };
  assertInRange(settings.port, 'options.port', { min: 0, max: 65535, integer: true });
  assertInteger(settings.maxBodyBytes, 'options.maxBodyBytes');
  assertInteger(settings.requestTimeoutMs, 'options.requestTimeoutMs');
  assertInteger(settings.maxConcurrent, 'options.maxConcurrent');
  assertOneOf(settings.gradingProfile, GRADING_PROFILES, 'options.gradingProfile');
  assertInRange(settings.gradingTimeoutMs, 'options.gradingTimeoutMs', { min: 0, lowerOpen: true });
  if (typeof settings.host !== 'string' || settings.host.length === 0) {
    throw new AresError({ code: 'INVALID_ARGUMENT', parameter: 'options.host', value: settings.host, message: 'options.host: expected a host name or address' });
  }
  const grading: GradingSettings = { profile: settings.gradingProfile, timeoutMs: settings.gradingTimeoutMs };
  const config = settings.aepoConfig ?? {};
  const saved = settings.stateDirectory === undefined ? undefined : await loadState(settings.stateDirectory);
  let step = saved === undefined ? new AepoStep(config) : AepoStep.fromJSON(saved, config);
  let queue: Promise<unknown> = Promise.resolve();
  let inFlight = 0;
  const metrics = new Metrics();

  async function runStep(batch: AepoBatch, isCancelled: () => boolean, started: () => void): Promise<string> {
    const work = queue.then(async () => {
      if (isCancelled()) throw new HttpError(408, undefined, 'request timed out waiting for the AEPO queue');
      started();
      // Run on a copy; the live step and the file change only after the result and the write both succeeded.
      const next = AepoStep.fromJSON(step.toJSON(), config);
      let result;
      try {
        result = next.run(batch);
      } catch (error) {
        if (AresError.isInstance(error)) {
          const field = error.parameter === undefined ? undefined : error.parameter.replace(/^batch\b/, 'body');
          throw new HttpError(400, field, `${error.code}: ${error.message}`);
        }
        throw error;
      }
      const text = toJsonText({ ...result, state: next.toJSON() });
      if (settings.stateDirectory !== undefined) await saveState(settings.stateDirectory, next.toJSON());
      step = next;
      metrics.aepoSteps++;
      return text;
    });
    queue = work.catch(() => undefined);
    return work;
  }

  function send(response: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
    if (response.headersSent || response.destroyed) return;
    response.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...headers });
    response.end(body);
  }

  function readBody(request: IncomingMessage): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const declared = Number(request.headers['content-length']);
      if (Number.isFinite(declared) && declared > settings.maxBodyBytes) {
        reject(new HttpError(413, 'body', `body of ${declared} bytes exceeds ${settings.maxBodyBytes}`, { connection: 'close' }));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      let failed = false;
      request.on('data', (chunk: Buffer) => {
        if (failed) return;
        size += chunk.length;
        if (size > settings.maxBodyBytes) {
          failed = true;
          reject(new HttpError(413, 'body', `body exceeds ${settings.maxBodyBytes} bytes`, { connection: 'close' }));
          return;
        }
        chunks.push(chunk);
      });
      request.on('end', () => {
        if (failed) return;
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        } catch {
          reject(new HttpError(400, 'body', 'body is not valid JSON'));
        }
      });
      request.on('error', (error) => {
        failed = true;
        reject(error);
      });
      request.on('close', () => {
        if (!request.complete && !failed) {
          failed = true;
          reject(new HttpError(400, 'body', 'connection closed before the body was complete'));
        }
      });
    });
  }

  async function handle(request: IncomingMessage, response: ServerResponse, route: string, timer: { cancelled: boolean; clear(): void }): Promise<void> {
    if (request.method === 'GET' && route === '/health') {
      send(response, 200, JSON.stringify({ status: 'ok', steps: step.steps }));
      return;
    }
    if (request.method === 'GET' && route === '/metrics') {
      send(response, 200, JSON.stringify({ ...metrics.toJSON(), inFlight }));
      return;
    }
    const routes = ['/v1/openrlhf/reward', '/v1/verl/reward', '/v1/easyr1/reward', '/v1/aepo/step'];
    if (!routes.includes(route)) throw new HttpError(404, undefined, `no route ${route}`);
    if (request.method !== 'POST') throw new HttpError(405, undefined, `${route} takes POST`, { allow: 'POST' });
    if (inFlight > settings.maxConcurrent) {
      throw new HttpError(503, undefined, `more than ${settings.maxConcurrent} requests in flight`, { 'retry-after': '1', connection: 'close' });
    }
    const body = await readBody(request);
    if (timer.cancelled) return;
    let text: string;
    switch (route) {
      case '/v1/openrlhf/reward':
        timer.clear();
        text = JSON.stringify(openRlhfRewards(parseBody(openRlhfRequestSchema, body), grading));
        break;
      case '/v1/verl/reward':
        timer.clear();
        text = JSON.stringify(verlRewards(parseBody(verlRequestSchema, body), grading));
        break;
      case '/v1/easyr1/reward':
        timer.clear();
        text = JSON.stringify(easyR1Rewards(parseBody(easyR1RequestSchema, body), grading));
        break;
      default: {
        const batch = parseBody(aepoStepRequestSchema, body) as AepoBatch;
        text = await runStep(batch, () => timer.cancelled, () => timer.clear());
      }
    }
    send(response, 200, text);
  }

  const server = createHttpServer((request, response) => {
    const started = performance.now();
    const route = (request.url ?? '/').split('?')[0]!;
    const counted = route !== '/health' && route !== '/metrics';
    if (counted) inFlight++;
    let done = false;
    const finish = (status: number) => {
      if (done) return;
      done = true;
      if (counted) inFlight--;
      metrics.record(route, status, performance.now() - started);
    };
    response.on('finish', () => finish(response.statusCode));
    response.on('close', () => finish(response.headersSent ? response.statusCode : 499));
    const timeout = setTimeout(() => {
      timer.cancelled = true;
      send(response, 408, JSON.stringify({ error: 'request timed out', field: null }), { connection: 'close' });
      request.destroy();
    }, settings.requestTimeoutMs);
    const timer = { cancelled: false, clear: () => clearTimeout(timeout) };
    handle(request, response, route, timer)
      .catch((error: unknown) => {
        if (error instanceof HttpError) {
          send(response, error.status, JSON.stringify({ error: error.message, field: error.field ?? null }), error.headers);
          if (error.headers['connection'] === 'close') request.resume();
        } else if (error instanceof LabelError) {
          send(response, 400, JSON.stringify({ error: `${error.field}: ${error.message}`, field: error.field }));
        } else {
          send(response, 500, JSON.stringify({ error: error instanceof Error ? error.message : String(error), field: null }));
        }
      })
      .finally(() => clearTimeout(timeout));
  });
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
    else socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(settings.port, settings.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = settings.host.includes(':') ? `[${settings.host}]` : settings.host;
  return {
    server,
    port,
    url: `http://${host}:${port}`,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await queue;
    },
  };
}
