import { randomUUID } from 'node:crypto';

/** Prefix of ingest's agent API. */
export const AGENT = '/api/v1/agent';

export interface AgentResponse<T = Record<string, unknown>> {
  status: number;
  json: T;
  text: string;
}

export interface AgentMessage {
  id: string;
  type: string;
  timestamp: string;
  payload: Record<string, unknown>;
}

export interface RegisteredHost {
  hostId: string;
  hostToken: string;
  tenantId: string;
  machineId: string;
}

/** A heartbeat with a fresh id (or the given one), stamped now. */
export function heartbeat(id: string = randomUUID(), extra: Record<string, unknown> = {}): AgentMessage {
  return {
    id,
    type: 'heartbeat',
    timestamp: new Date().toISOString(),
    payload: { cpu_percent: 12.5, memory_percent: 40, ...extra },
  };
}

/**
 * What an agent does over HTTP against ingest: register with an enrollment
 * token, post batches with its host token. Raw bodies are allowed (malformed
 * JSON, oversized bodies); every answer is returned, never thrown.
 */
export class AgentClient {
  constructor(readonly baseUrl: string) {}

  async request<T = Record<string, unknown>>(
    path: string,
    body: string,
    hostToken?: string,
  ): Promise<AgentResponse<T>> {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: 'application/json',
    };
    if (hostToken !== undefined) headers['authorization'] = `Bearer ${hostToken}`;
    const res = await fetch(`${this.baseUrl}${path}`, { method: 'POST', headers, body });
    const text = await res.text();
    let json: unknown = null;
    try {
      json = text === '' ? null : JSON.parse(text);
    } catch {
      json = null;
    }
    return { status: res.status, json: json as T, text };
  }

  register(body: Record<string, unknown>): Promise<AgentResponse> {
    return this.request(`${AGENT}/register`, JSON.stringify(body));
  }

  /** Registers `machineId` with `token`; throws unless 201. */
  async enroll(token: string, machineId: string): Promise<RegisteredHost> {
    const res = await this.register({ enrollment_token: token, hostname: machineId, machine_id: machineId });
    if (res.status !== 201) throw new Error(`registering ${machineId}: ${res.status} ${res.text}`);
    return {
      hostId: String(res.json['host_id']),
      hostToken: String(res.json['host_token']),
      tenantId: String(res.json['tenant_id']),
      machineId,
    };
  }

  /** POST /messages with `{messages, ...extra}` (extra: whatever else a body may claim). */
  send(hostToken: string, messages: unknown[], extra: Record<string, unknown> = {}): Promise<AgentResponse> {
    return this.request(`${AGENT}/messages`, JSON.stringify({ ...extra, messages }), hostToken);
  }

  /** send(), but a refused connection (ingest down) is status 0 instead of an exception. */
  async trySend(hostToken: string, messages: unknown[]): Promise<AgentResponse> {
    try {
      return await this.send(hostToken, messages);
    } catch (err) {
      return { status: 0, json: {}, text: err instanceof Error ? err.message : String(err) };
    }
  }
}
