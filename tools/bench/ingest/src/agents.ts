import { performance } from 'node:perf_hooks';

/** One simulated agent: a registered host of a tenant. */
export interface SimAgent {
  no: number;
  tenant: number;
  hostId: string;
  hostToken: string;
  /** Requests sent so far (names the next batch's messages). */
  seq: number;
}

export interface SentBatch {
  status: number;
  /** Client-side request time, ms. */
  ms: number;
  /** Wall-clock time the answer arrived (epoch ms). */
  at: number;
  ids: string[];
  heartbeats: number;
  packages: number;
}

export interface BatchShape {
  /** Heartbeats per request. */
  heartbeats: number;
  /** Every n-th request of an agent also carries a software_inventory (0: never). */
  inventoryEvery: number;
  /** Packages per inventory (new names each time, so each is a new row). */
  packages: number;
}

const JSON_HEADERS = { 'content-type': 'application/json' };

/** POST /register; 201 gives the agent. */
export async function register(
  ingestUrl: string,
  token: string,
  machineId: string,
): Promise<{ status: number; ms: number; retryAfterS?: number; hostId?: string; hostToken?: string }> {
  const t0 = performance.now();
  try {
    const res = await fetch(`${ingestUrl}/api/v1/agent/register`, {
      method: 'POST',
      headers: JSON_HEADERS,
      body: JSON.stringify({
        enrollment_token: token,
        hostname: machineId,
        machine_id: machineId,
        os: 'Linux',
      }),
    });
    const body = (await res.json()) as { host_id?: string; host_token?: string };
    return {
      status: res.status,
      ms: performance.now() - t0,
      hostId: body.host_id,
      hostToken: body.host_token,
    };
  } catch {
    return { status: 0, ms: performance.now() - t0 };
  }
}

/** The next batch of `agent` (ids `<phase>-<agent>-<seq>-<k>`), sent; never throws (status 0: no answer). */
export async function sendBatch(
  ingestUrl: string,
  agent: SimAgent,
  phase: string,
  shape: BatchShape,
): Promise<SentBatch> {
  const seq = agent.seq++;
  const now = new Date().toISOString();
  const messages: Array<Record<string, unknown>> = [];
  for (let k = 0; k < shape.heartbeats; k += 1) {
    messages.push({
      id: `${phase}-${agent.no}-${seq}-${k}`,
      type: 'heartbeat',
      timestamp: now,
      payload: { cpu_percent: (seq * 7 + k) % 100, memory_percent: 42.5, load_average_1m: 0.7 },
    });
  }
  let packages = 0;
  if (shape.inventoryEvery > 0 && seq % shape.inventoryEvery === 0) {
    packages = shape.packages;
    messages.push({
      id: `${phase}-${agent.no}-${seq}-inv`,
      type: 'software_inventory',
      timestamp: now,
      payload: {
        packages: Array.from({ length: shape.packages }, (_, k) => ({
          name: `pkg-${phase}-${seq}-${k}`,
          version: `1.${k}.0`,
          package_manager: 'apt',
          architecture: 'amd64',
        })),
      },
    });
  }
  const ids = messages.map((m) => String(m['id']));
  const t0 = performance.now();
  let status = 0;
  try {
    const res = await fetch(`${ingestUrl}/api/v1/agent/messages`, {
      method: 'POST',
      headers: { ...JSON_HEADERS, authorization: `Bearer ${agent.hostToken}` },
      body: JSON.stringify({ messages }),
    });
    await res.arrayBuffer();
    status = res.status;
  } catch {
    status = 0;
  }
  return { status, ms: performance.now() - t0, at: Date.now(), ids, heartbeats: shape.heartbeats, packages };
}
