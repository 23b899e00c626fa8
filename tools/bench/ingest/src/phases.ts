import type { PgInstance } from '@sysmanage/testing';
import { Client } from 'pg';
import { performance } from 'node:perf_hooks';
import { register, sendBatch, type BatchShape, type SentBatch, type SimAgent } from './agents';
import { percentile, rate, summarizeMs, type LatencySummary } from './stats';

/** values[i mod length]; the lists here are never empty. */
function pick<T>(values: readonly T[], i: number): T {
  const value = values[i % values.length];
  if (value === undefined) throw new Error('empty list');
  return value;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** How a simulated agent waits before retrying: Retry-After when given, else 1-2 s; both with jitter. */
function retryDelayMs(retryAfterS: number | undefined): number {
  const base = retryAfterS === undefined ? 1_000 : retryAfterS * 1_000;
  return base * (0.8 + Math.random() * 0.4) + (retryAfterS === undefined ? Math.random() * 1_000 : 0);
}

export interface TenantDb {
  id: string;
  database: string;
}

/** Registers `perTenant` agents in every tenant (sequentially per tenant, tenants in parallel), retrying as agents do. */
export async function registerAgents(
  ingestUrl: string,
  tokens: string[],
  perTenant: number,
  prefix: string,
): Promise<{ agents: SimAgent[]; retries: Record<string, number> }> {
  const retries: Record<string, number> = {};
  const byTenant = await Promise.all(
    tokens.map(async (token, tenant) => {
      const agents: SimAgent[] = [];
      for (let i = 0; i < perTenant; i += 1) {
        const deadline = performance.now() + 60_000;
        for (;;) {
          const res = await register(ingestUrl, token, `${prefix}-${tenant}-${i}`);
          if (res.status === 201 && res.hostId && res.hostToken) {
            agents.push({ no: 0, tenant, hostId: res.hostId, hostToken: res.hostToken, seq: 0 });
            break;
          }
          retries[String(res.status)] = (retries[String(res.status)] ?? 0) + 1;
          if (performance.now() > deadline)
            throw new Error(`registering ${prefix}-${tenant}-${i}: ${res.status}`);
          await sleep(retryDelayMs(res.retryAfterS));
        }
      }
      return agents;
    }),
  );
  // Interleave the tenants so any run of agents spreads over all of them.
  const all: SimAgent[] = [];
  for (let i = 0; i < perTenant; i += 1) for (const list of byTenant) all.push(pick(list, i));
  all.forEach((a, no) => (a.no = no));
  return { agents: all, retries };
}

export interface LoadRun {
  phase: string;
  durationMs: number;
  requests: number;
  refused: Record<string, number>;
  acceptedMessages: number;
  heartbeatRows: number;
  packageRows: number;
  latency: LatencySummary;
  /** message id -> epoch ms of its 202 */
  acceptedAt: Map<string, number>;
  startedAt: number;
}

function collect(phase: string, startedAt: number, durationMs: number, batches: SentBatch[]): LoadRun {
  const refused: Record<string, number> = {};
  const acceptedAt = new Map<string, number>();
  let heartbeatRows = 0;
  let packageRows = 0;
  for (const b of batches) {
    if (b.status !== 202) {
      refused[String(b.status)] = (refused[String(b.status)] ?? 0) + 1;
      continue;
    }
    heartbeatRows += b.heartbeats;
    packageRows += b.packages;
    for (const id of b.ids) acceptedAt.set(id, b.at);
  }
  return {
    phase,
    durationMs,
    requests: batches.length,
    refused,
    acceptedMessages: acceptedAt.size,
    heartbeatRows,
    packageRows,
    latency: summarizeMs(batches.filter((b) => b.status === 202).map((b) => b.ms)),
    acceptedAt,
    startedAt,
  };
}

/** Closed loop: `concurrency` senders, each taking the next agent in turn, for `durationMs`. */
export async function closedLoop(
  ingestUrl: string,
  agents: SimAgent[],
  phase: string,
  shape: BatchShape,
  concurrency: number,
  durationMs: number,
): Promise<LoadRun> {
  const batches: SentBatch[] = [];
  const startedAt = Date.now();
  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() - t0 < durationMs) {
        const agent = pick(agents, next++);
        batches.push(await sendBatch(ingestUrl, agent, phase, shape));
      }
    }),
  );
  return collect(phase, startedAt, performance.now() - t0, batches);
}

/** Open loop: requests started at a fixed rate whatever the answers do, for `durationMs`. */
export async function openLoop(
  ingestUrl: string,
  agents: SimAgent[],
  phase: string,
  shape: BatchShape,
  requestsPerSecond: number,
  durationMs: number,
): Promise<LoadRun & { maxInFlight: number; lateStartsMs: number }> {
  const pending: Array<Promise<SentBatch>> = [];
  const startedAt = Date.now();
  const t0 = performance.now();
  const interval = 1000 / requestsPerSecond;
  let inFlight = 0;
  let maxInFlight = 0;
  let lateStartsMs = 0;
  for (let i = 0; ; i += 1) {
    const due = i * interval;
    if (due >= durationMs) break;
    const wait = due - (performance.now() - t0);
    if (wait > 1) await sleep(wait);
    else lateStartsMs = Math.max(lateStartsMs, -wait);
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    pending.push(
      sendBatch(ingestUrl, pick(agents, i), phase, shape).finally(() => {
        inFlight -= 1;
      }),
    );
  }
  const batches = await Promise.all(pending);
  return {
    ...collect(phase, startedAt, performance.now() - t0, batches),
    maxInFlight,
    lateStartsMs: Math.round(lateStartsMs),
  };
}

/**
 * Every agent message a tenant database has stored, with its writer
 * transaction's time: a heartbeat is its own row (keyed by message id), the
 * other types have a processed_messages ledger row.
 */
const STORED_MESSAGES = `(
  SELECT message_id, received_at AS stored_at FROM host_heartbeats
  UNION ALL SELECT message_id, processed_at FROM processed_messages) stored`;

/** How many of a phase's agent messages are stored, over every tenant database. */
async function storedCount(pg: PgInstance, tenants: TenantDb[], phase: string): Promise<number> {
  const counts = await Promise.all(
    tenants.map(async (t) => {
      const [row] = await pg.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM ${STORED_MESSAGES} WHERE message_id LIKE $1`,
        [`${phase}-%`],
        t.database,
      );
      return row?.n ?? 0;
    }),
  );
  return counts.reduce((a, b) => a + b, 0);
}

export interface PersistResult {
  /** Every accepted message stored (heartbeat rows and ledger rows counted). */
  complete: boolean;
  storedMessages: number;
  /** From the phase's start to the last commit. */
  windowMs: number;
  messagesPerSecond: number;
  rowsPerSecond: number;
  /** Accept (202 arrived) -> the writer transaction's time (received_at / processed_at), per message. */
  lag: LatencySummary;
  /** Rows of the phase actually in the tables. */
  heartbeatRows: number;
  packageRows: number;
}

/** Waits until the run's accepted messages are all stored (or `timeoutMs`), then measures rates and lag. */
export async function measurePersist(
  pg: PgInstance,
  tenants: TenantDb[],
  run: LoadRun,
  timeoutMs: number,
): Promise<PersistResult> {
  const deadline = Date.now() + timeoutMs;
  let stored = 0;
  while (Date.now() < deadline) {
    stored = await storedCount(pg, tenants, run.phase);
    if (stored >= run.acceptedMessages) break;
    await sleep(250);
  }
  const lags: number[] = [];
  let lastCommit = run.startedAt;
  let heartbeatRows = 0;
  let packageRows = 0;
  for (const t of tenants) {
    const rows = await pg.query<{ message_id: string; at: number }>(
      `SELECT message_id, (extract(epoch FROM stored_at) * 1000)::float8 AS at
         FROM ${STORED_MESSAGES} WHERE message_id LIKE $1`,
      [`${run.phase}-%`],
      t.database,
    );
    for (const r of rows) {
      const accepted = run.acceptedAt.get(r.message_id);
      if (accepted !== undefined) lags.push(r.at - accepted);
      if (r.at > lastCommit) lastCommit = r.at;
    }
    const [counts] = await pg.query<{ hb: number; pk: number }>(
      `SELECT (SELECT count(*)::int FROM host_heartbeats WHERE message_id LIKE $1) AS hb,
              (SELECT count(*)::int FROM software_packages WHERE name LIKE $2) AS pk`,
      [`${run.phase}-%`, `pkg-${run.phase}-%`],
      t.database,
    );
    heartbeatRows += counts?.hb ?? 0;
    packageRows += counts?.pk ?? 0;
  }
  const windowMs = lastCommit - run.startedAt;
  return {
    complete: stored >= run.acceptedMessages,
    storedMessages: stored,
    windowMs: Math.round(windowMs),
    messagesPerSecond: rate(stored, windowMs),
    rowsPerSecond: rate(heartbeatRows + packageRows, windowMs),
    lag: summarizeMs(lags),
    heartbeatRows,
    packageRows,
  };
}

export interface BaselineResult {
  heartbeatRows: number;
  packageRows: number;
  batchRows: number;
  ms: number;
  rowsPerSecond: number;
}

/**
 * The raw baseline: the same numbers of heartbeat and package rows inserted
 * straight into one tenant database with `pg`, one connection, multi-row
 * INSERTs of `batchRows` rows (unnest of arrays), autocommit. `run` keeps
 * the message ids and package names of repeated runs apart.
 */
export async function insertBaseline(
  pg: PgInstance,
  tenant: TenantDb,
  hostIds: string[],
  heartbeatRows: number,
  packageRows: number,
  batchRows: number,
  run = 0,
): Promise<BaselineResult> {
  const client = new Client(pg.clientConfig(tenant.database));
  await client.connect();
  try {
    const t0 = performance.now();
    for (let done = 0; done < heartbeatRows; done += batchRows) {
      const n = Math.min(batchRows, heartbeatRows - done);
      const idx = Array.from({ length: n }, (_, i) => done + i);
      await client.query(
        `INSERT INTO host_heartbeats (host_id, message_id, at, cpu_percent, memory_percent, load_average_1m)
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::float8[], $5::float8[], $6::float8[])`,
        [
          idx.map((i) => hostIds[i % hostIds.length]),
          idx.map((i) => `baseline-${run}-${i}`),
          idx.map(() => new Date().toISOString()),
          idx.map((i) => i % 100),
          idx.map(() => 42.5),
          idx.map(() => 0.7),
        ],
      );
    }
    for (let done = 0; done < packageRows; done += batchRows) {
      const n = Math.min(batchRows, packageRows - done);
      const idx = Array.from({ length: n }, (_, i) => done + i);
      await client.query(
        `INSERT INTO software_packages (host_id, name, version, package_manager, architecture)
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[])`,
        [
          idx.map((i) => hostIds[i % hostIds.length]),
          idx.map((i) => `pkg-baseline-${run}-${i}`),
          idx.map((i) => `1.${i}.0`),
          idx.map(() => 'apt'),
          idx.map(() => 'amd64'),
        ],
      );
    }
    const ms = performance.now() - t0;
    return {
      heartbeatRows,
      packageRows,
      batchRows,
      ms: Math.round(ms),
      rowsPerSecond: rate(heartbeatRows + packageRows, ms),
    };
  } finally {
    await client.end();
  }
}

export interface StormResult {
  agents: number;
  registered: number;
  /** Answers other than 201 to register attempts, by status (0: no answer), retries included. */
  registerRetries: Record<string, number>;
  /** Agents that gave up (no 201 within the storm's deadline). */
  registerGaveUp: number;
  msUntil95Registered: number;
  msUntilAllRegistered: number;
  /** Attempts that got 201. */
  registerLatency: LatencySummary;
  heartbeatAccepted: number;
  /** Answers other than 202 to heartbeat attempts, by status, retries included. */
  heartbeatRetries: Record<string, number>;
  /** Every heartbeat attempt, whatever its answer. */
  heartbeatLatency: LatencySummary;
  /** Attempts that got 202. */
  heartbeatAcceptedLatency: LatencySummary;
  msUntilAllHeartbeatsAccepted: number;
  heartbeatsStored: number;
  msUntilHeartbeatsStored: number;
}

/**
 * `perTenant` new agents per tenant, all at once: register, then the first
 * heartbeat. Like real agents they retry a failed request (503 after its
 * Retry-After, anything else after 1-2 s) until `deadlineMs`.
 */
export async function restartStorm(
  ingestUrl: string,
  pg: PgInstance,
  tenants: TenantDb[],
  tokens: string[],
  perTenant: number,
  deadlineMs = 120_000,
): Promise<StormResult> {
  const registeredAt: number[] = [];
  const regLatency: number[] = [];
  const hbLatency: number[] = [];
  const hbAcceptedLatency: number[] = [];
  const registerRetries: Record<string, number> = {};
  const heartbeatRetries: Record<string, number> = {};
  let gaveUp = 0;
  let lastHeartbeat = 0;
  const t0 = performance.now();
  const shape: BatchShape = { heartbeats: 1, inventoryEvery: 0, packages: 0 };
  const total = perTenant * tokens.length;
  await Promise.all(
    Array.from({ length: total }, async (_, no) => {
      const tenant = no % tokens.length;
      let agent: SimAgent | null = null;
      while (agent === null) {
        const reg = await register(ingestUrl, pick(tokens, tenant), `storm-${tenant}-${no}`);
        if (reg.status === 201 && reg.hostId && reg.hostToken) {
          registeredAt.push(performance.now() - t0);
          regLatency.push(reg.ms);
          agent = { no, tenant, hostId: reg.hostId, hostToken: reg.hostToken, seq: 0 };
          break;
        }
        registerRetries[String(reg.status)] = (registerRetries[String(reg.status)] ?? 0) + 1;
        if (performance.now() - t0 > deadlineMs) {
          gaveUp += 1;
          return;
        }
        await sleep(retryDelayMs(reg.retryAfterS));
      }
      for (;;) {
        // The same message again on a retry: ingest and the ledger make it harmless.
        agent.seq = 0;
        const sent = await sendBatch(ingestUrl, agent, 'storm', shape);
        hbLatency.push(sent.ms);
        if (sent.status === 202) {
          hbAcceptedLatency.push(sent.ms);
          lastHeartbeat = Math.max(lastHeartbeat, performance.now() - t0);
          return;
        }
        heartbeatRetries[String(sent.status)] = (heartbeatRetries[String(sent.status)] ?? 0) + 1;
        if (performance.now() - t0 > deadlineMs) return;
        await sleep(retryDelayMs(sent.status === 503 ? 5 : undefined));
      }
    }),
  );
  let stored = 0;
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    stored = await storedCount(pg, tenants, 'storm');
    if (stored >= hbAcceptedLatency.length) break;
    await sleep(250);
  }
  const msUntilHeartbeatsStored = performance.now() - t0;
  const sortedReg = [...registeredAt].sort((a, b) => a - b);
  return {
    agents: total,
    registered: registeredAt.length,
    registerRetries,
    registerGaveUp: gaveUp,
    // Of all agents: 95% of the whole storm, not of those that made it.
    msUntil95Registered: Math.round(sortedReg[Math.ceil(0.95 * total) - 1] ?? Number.NaN),
    msUntilAllRegistered: Math.round(percentile(registeredAt, 100)),
    registerLatency: summarizeMs(regLatency),
    heartbeatAccepted: hbAcceptedLatency.length,
    heartbeatRetries,
    heartbeatLatency: summarizeMs(hbLatency),
    heartbeatAcceptedLatency: summarizeMs(hbAcceptedLatency),
    msUntilAllHeartbeatsAccepted: Math.round(lastHeartbeat),
    heartbeatsStored: stored,
    msUntilHeartbeatsStored: Math.round(msUntilHeartbeatsStored),
  };
}
