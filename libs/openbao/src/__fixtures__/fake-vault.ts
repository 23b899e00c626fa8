import type { VaultHttpClient } from '../openbao-transport';

export interface FakeRequest {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  body: unknown;
  token: string;
}

export type FakeHandler = (request: FakeRequest) => unknown;

/**
 * Stands in for node-vault: records requests and answers through `handler`,
 * which returns a body or throws httpError()/networkError() the way node-vault
 * rejects.
 */
export class FakeVault implements VaultHttpClient {
  token = '';
  readonly requests: FakeRequest[] = [];

  constructor(public handler: FakeHandler) {}

  read(path: string): Promise<unknown> {
    return this.answer('GET', path, undefined);
  }

  write(path: string, data: unknown): Promise<unknown> {
    return this.answer('POST', path, data);
  }

  delete(path: string): Promise<unknown> {
    return this.answer('DELETE', path, undefined);
  }

  paths(): string[] {
    return this.requests.map((r) => `${r.method} ${r.path}`);
  }

  private async answer(method: FakeRequest['method'], path: string, body: unknown): Promise<unknown> {
    const request = { method, path, body, token: this.token };
    this.requests.push(request);
    await Promise.resolve();
    return this.handler(request);
  }
}

/** node-vault's ApiResponseError shape. */
export function httpError(status: number, errors: string[] = []): Error {
  return Object.assign(new Error(errors[0] ?? `Status ${status}`), {
    response: { statusCode: status, body: { errors } },
  });
}

/** axios's network error shape. */
export function networkError(code: string, message = `${code} 127.0.0.1:8200`): Error {
  return Object.assign(new Error(message), {
    code,
    config: { headers: { 'X-Vault-Token': 'must-not-leak' } },
  });
}
