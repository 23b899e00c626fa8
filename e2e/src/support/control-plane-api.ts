/** Prefix of the registry's control-plane API. */
export const CP = '/api/v1/control-plane';

export type Json = Record<string, unknown>;

export interface ApiResponse<T = Json> {
  status: number;
  /** Lower-case header names. */
  headers: Record<string, string>;
  /** The parsed body (null when empty or not JSON). */
  json: T;
  text: string;
}

export interface ApiRequestOptions {
  body?: unknown;
  /** Bearer key: default the operator key; null sends no Authorization header. */
  key?: string | null;
  headers?: Record<string, string>;
}

/** An RFC 9457 problem as the registry writes it. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail?: string;
  instance?: string;
  errors?: Array<{ field: string; messages: string[] }>;
}

export interface TenantView {
  id: string;
  slug: string;
  name: string;
  status: string;
  region: string | null;
  jurisdiction: string | null;
  failed_step: string | null;
  last_error: string | null;
  placement: {
    database_server: { id: string; name: string; host: string; port: number } | null;
    database_name: string;
    owner_role: string;
    app_role: string;
    vault_app_role: string;
    vault_owner_role: string;
    region: string;
    jurisdiction: string;
  } | null;
  job: {
    id: string;
    action: string;
    status: string;
    step: string | null;
    attempts: number;
    last_error: string | null;
  } | null;
}

/** The registry's HTTP API over fetch, with the operator key by default. */
export class ControlPlaneApi {
  constructor(
    readonly baseUrl: string,
    readonly operatorKey: string,
  ) {}

  async request<T = Json>(
    method: string,
    path: string,
    opts: ApiRequestOptions = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
    const key = opts.key === undefined ? this.operatorKey : opts.key;
    if (key !== null) headers['authorization'] = `Bearer ${key}`;
    let body: string | undefined;
    if (opts.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(opts.body);
    }
    const res = await fetch(`${this.baseUrl}${path}`, { method, headers, body });
    const text = await res.text();
    let json: unknown = null;
    try {
      json = text === '' ? null : JSON.parse(text);
    } catch {
      json = null;
    }
    return { status: res.status, headers: Object.fromEntries(res.headers.entries()), json: json as T, text };
  }

  /** Mints an API key through POST /api-keys with the operator key. */
  async createApiKey(principal: string, role: 'operator' | 'viewer'): Promise<string> {
    const res = await this.request<{ key: string }>('POST', `${CP}/api-keys`, { body: { principal, role } });
    if (res.status !== 201) throw new Error(`minting a ${role} key failed: ${res.status} ${res.text}`);
    return res.json.key;
  }

  /** POST /tenants; throws unless 201. */
  async createTenant(body: Json): Promise<TenantView> {
    const res = await this.request<TenantView>('POST', `${CP}/tenants`, { body });
    if (res.status !== 201)
      throw new Error(`creating tenant ${JSON.stringify(body)}: ${res.status} ${res.text}`);
    return res.json;
  }

  /**
   * Polls GET /tenants/{id} until the tenant's status is one of `statuses`
   * (or, with 'gone', until it answers 404); fails early on `failed` unless
   * that is awaited, naming the step and error.
   */
  async waitForTenant(id: string, statuses: string[], timeoutMs = 60_000): Promise<TenantView | null> {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    for (;;) {
      const res = await this.request<TenantView>('GET', `${CP}/tenants/${id}`);
      if (res.status === 404 && statuses.includes('gone')) return null;
      if (res.status === 200) {
        if (statuses.includes(res.json.status)) return res.json;
        if (res.json.status === 'failed')
          throw new Error(
            `tenant ${res.json.slug} failed at step ${res.json.failed_step}: ${res.json.last_error}`,
          );
      }
      last = `${res.status} ${res.text}`;
      if (Date.now() > deadline)
        throw new Error(`tenant ${id} not ${statuses.join('/')} after ${timeoutMs} ms; last: ${last}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}
