import nodeVault from 'node-vault';
import { classifyError, type RequestDescription } from './classify-error';
import { type Clock, systemClock } from './clock';
import { OpenBaoError, OpenBaoErrorCode } from './openbao-error';
import { DEFAULT_RETRY, type RetryOptions, withRetry } from './retry';

/**
 * The part of node-vault's client this library uses. node-vault resolves
 * 200/204 with the body (for sys/health: any status) and rejects everything
 * else with `response.statusCode/body`, or with axios's network error.
 */
export interface VaultHttpClient {
  token: string;
  read(path: string): Promise<unknown>;
  write(path: string, data: unknown): Promise<unknown>;
  delete(path: string): Promise<unknown>;
}

/** POST covers create and update (OpenBAO treats PUT and POST alike); LIST is sent as GET ?list=true. */
export type OpenBaoMethod = 'GET' | 'LIST' | 'POST' | 'DELETE';

export interface TransportOptions {
  /** Base URL, e.g. http://127.0.0.1:8200 */
  url: string;
  token?: string;
  /** Per-request timeout; default 10 s. */
  timeoutMs?: number;
  retry?: Partial<RetryOptions>;
  clock?: Clock;
  /** Jitter source, [0, 1). */
  random?: () => number;
  /** Replaces the node-vault client (unit tests). */
  vault?: VaultHttpClient;
}

export interface CallOptions {
  body?: Record<string, unknown>;
  retry?: Partial<RetryOptions>;
  /**
   * false for requests with side effects that must not be doubled (issuing a
   * credential, a secret id): such a request is retried only when it surely
   * never reached the server (connection refused) or the server answered
   * with a retryable status, never after a timeout or a reset connection.
   */
  idempotent?: boolean;
}

const DEFAULT_TIMEOUT_MS = 10_000;
/** Network failures after which the request cannot have been processed. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** One OpenBAO endpoint and token: sends a request, classifies failures, retries transient ones. */
export class OpenBaoTransport {
  readonly url: string;
  readonly timeoutMs: number;
  readonly clock: Clock;
  private readonly retry: RetryOptions;
  private readonly random: () => number;
  private readonly vault: VaultHttpClient;

  constructor(options: TransportOptions) {
    this.url = options.url.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.vault = options.vault ?? createNodeVault(this.url, this.timeoutMs);
    // node-vault falls back to $VAULT_TOKEN when given none; an explicit '' sends no token at all.
    this.vault.token = options.token ?? '';
  }

  /** A transport for the same server and settings with another token (a login's result). */
  withToken(token: string, vault?: VaultHttpClient): OpenBaoTransport {
    return new OpenBaoTransport({
      url: this.url,
      token,
      timeoutMs: this.timeoutMs,
      retry: this.retry,
      clock: this.clock,
      random: this.random,
      vault,
    });
  }

  setToken(token: string): void {
    this.vault.token = token;
  }

  /** The response body (an object), or null for 204 / empty answers. */
  async call(
    method: OpenBaoMethod,
    path: string,
    options: CallOptions = {},
  ): Promise<Record<string, unknown> | null> {
    const description: RequestDescription = { method, path, url: this.url, timeoutMs: this.timeoutMs };
    const idempotent = options.idempotent ?? true;
    const body = await withRetry(() => this.send(method, path, options.body, description), {
      clock: this.clock,
      random: this.random,
      options: { ...this.retry, ...options.retry },
      shouldRetry: (err) =>
        err instanceof OpenBaoError && err.transient && (idempotent || surelyNotProcessed(err)),
      finalError: (err, attempts) => (err instanceof OpenBaoError ? err.withAttempts(attempts) : err),
    });
    return typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : null;
  }

  private async send(
    method: OpenBaoMethod,
    path: string,
    body: Record<string, unknown> | undefined,
    description: RequestDescription,
  ): Promise<unknown> {
    try {
      switch (method) {
        case 'GET':
          return await this.vault.read(path);
        case 'LIST':
          return await this.vault.read(`${path}?list=true`);
        case 'DELETE':
          return await this.vault.delete(path);
        case 'POST':
          return await this.vault.write(path, body ?? {});
      }
    } catch (err) {
      throw classifyError(err, description);
    }
  }
}

function surelyNotProcessed(err: OpenBaoError): boolean {
  if (err.status !== null) return true;
  return (
    err.code === OpenBaoErrorCode.UNREACHABLE &&
    err.networkCode !== null &&
    NOT_SENT_CODES.has(err.networkCode)
  );
}

function createNodeVault(url: string, timeoutMs: number): VaultHttpClient {
  return nodeVault({
    endpoint: url,
    apiVersion: 'v1',
    // node-vault's debug output prints request bodies (passwords, secret ids): never enable it.
    debug: () => undefined,
    requestOptions: { timeout: timeoutMs },
  });
}
