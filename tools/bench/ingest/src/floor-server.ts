import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { AckPolicy, connect, type JsMsg, type NatsConnection } from 'nats';
import { Client, type ClientConfig } from 'pg';

/**
 * The floor of the agent path, for the benchmark only: the least a Node
 * process can do and still perform the path's I/O. An HTTP request is read
 * and parsed, its raw body published to JetStream and answered 202 once the
 * stream acked it; one writer per tenant consumes its subject and inserts the
 * rows into the tenant database with plain multi-row INSERTs (heartbeats and
 * their key, a ledger row per inventory, packages), then acks. What the real
 * ingest does on top, the floor leaves out: credential hashing and the
 * registry cache, validation, envelopes and their de-duplication ids, the
 * hosts' last_seen/system_info, package upserts and prunes, the connection
 * budget and OpenBAO leases, metrics, logs, Nest. Its throughput against the
 * raw baseline is therefore an upper bound for any implementation of the path
 * on the same machine, and tells how much of the gap is the path itself.
 */

export interface FloorConfig {
  natsServers: string[];
  /** Tenant databases, by the tenant index the agents carry. */
  tenants: ClientConfig[];
  /** Host token -> where its messages go (the floor's whole authentication: a map lookup). */
  agents: Array<{ token: string; tenant: number; hostId: string }>;
}

export const FLOOR_STREAM = 'BENCH_FLOOR';
const SUBJECT_PREFIX = 'bench-floor';
/** JetStream messages written per statement (a request each). */
const BATCH = 100;

interface AgentMessage {
  id: string;
  type: string;
  timestamp: string;
  payload: Record<string, unknown>;
}

/** One writer statement's columns, filled from a batch of request bodies. */
export class FloorRows {
  readonly heartbeats = {
    host: [] as string[],
    id: [] as string[],
    at: [] as string[],
    cpu: [] as unknown[],
  };
  readonly memory: unknown[] = [];
  readonly disk: unknown[] = [];
  readonly load: unknown[] = [];
  readonly inventories = { host: [] as string[], id: [] as string[] };
  readonly packages = {
    host: [] as string[],
    name: [] as string[],
    version: [] as string[],
    manager: [] as string[],
    arch: [] as string[],
  };

  get rowCount(): number {
    return this.heartbeats.id.length + this.packages.name.length;
  }

  add(hostId: string, body: { messages: AgentMessage[] }): void {
    for (const m of body.messages) {
      if (m.type === 'heartbeat') {
        this.heartbeats.host.push(hostId);
        this.heartbeats.id.push(m.id);
        this.heartbeats.at.push(m.timestamp);
        this.heartbeats.cpu.push(m.payload['cpu_percent'] ?? null);
        this.memory.push(m.payload['memory_percent'] ?? null);
        this.disk.push(m.payload['disk_percent'] ?? null);
        this.load.push(m.payload['load_average_1m'] ?? null);
      } else if (m.type === 'software_inventory') {
        this.inventories.host.push(hostId);
        this.inventories.id.push(m.id);
        for (const p of m.payload['packages'] as Array<Record<string, string>>) {
          this.packages.host.push(hostId);
          this.packages.name.push(p['name'] ?? '');
          this.packages.version.push(p['version'] ?? '');
          this.packages.manager.push(p['package_manager'] ?? '');
          this.packages.arch.push(p['architecture'] ?? '');
        }
      }
    }
  }

  values(): unknown[][] {
    const { heartbeats: h, inventories: i, packages: p } = this;
    return [
      h.host,
      h.id,
      h.at,
      h.cpu,
      this.memory,
      this.disk,
      this.load,
      i.host,
      i.id,
      p.host,
      p.name,
      p.version,
      p.manager,
      p.arch,
    ];
  }
}

const WRITE_SQL = `
WITH beats AS (
  INSERT INTO host_heartbeats (host_id, message_id, at, cpu_percent, memory_percent, disk_percent, load_average_1m)
  SELECT * FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::float8[], $5::float8[], $6::float8[], $7::float8[])
  ON CONFLICT DO NOTHING
), ledger AS (
  INSERT INTO processed_messages (host_id, message_id, type)
  SELECT h, m, 'software_inventory' FROM unnest($8::uuid[], $9::text[]) AS u(h, m)
  ON CONFLICT DO NOTHING
)
INSERT INTO software_packages (host_id, name, version, package_manager, architecture)
SELECT * FROM unnest($10::uuid[], $11::text[], $12::text[], $13::text[], $14::text[])
ON CONFLICT DO NOTHING`;

/** One tenant's writer: consume, insert a batch in one statement, ack it; until `nc` closes. */
async function runWriter(nc: NatsConnection, tenant: number, db: Client): Promise<void> {
  const consumer = await nc.jetstream().consumers.get(FLOOR_STREAM, `floor-${tenant}`);
  const messages = await consumer.consume({ max_messages: 2 * BATCH });
  const queue: JsMsg[] = [];
  // A holder, not a variable: TypeScript does not see the callback assign it.
  const signal: { wake?: () => void } = {};
  let ended = false;
  void (async () => {
    for await (const msg of messages) {
      queue.push(msg);
      signal.wake?.();
    }
    ended = true;
    signal.wake?.();
  })();
  while (!ended) {
    if (queue.length === 0) {
      await new Promise<void>((resolve) => (signal.wake = resolve));
      signal.wake = undefined;
      continue;
    }
    const batch = queue.splice(0, BATCH);
    const rows = new FloorRows();
    for (const msg of batch) {
      const hostId = msg.subject.slice(msg.subject.lastIndexOf('.') + 1);
      rows.add(hostId, JSON.parse(Buffer.from(msg.data).toString('utf8')) as { messages: AgentMessage[] });
    }
    await db.query({ name: 'floor-write', text: WRITE_SQL, values: rows.values() });
    for (const msg of batch) msg.ack();
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

async function main(): Promise<void> {
  const configFile = process.argv[2];
  if (configFile === undefined) throw new Error('usage: floor-server <config.json>');
  const config = JSON.parse(readFileSync(configFile, 'utf8')) as FloorConfig;
  const nc = await connect({ servers: config.natsServers });
  const jsm = await nc.jetstreamManager();
  await jsm.streams.add({ name: FLOOR_STREAM, subjects: [`${SUBJECT_PREFIX}.>`] });
  const dbs = await Promise.all(
    config.tenants.map(async (connection, tenant) => {
      await jsm.consumers.add(FLOOR_STREAM, {
        durable_name: `floor-${tenant}`,
        filter_subject: `${SUBJECT_PREFIX}.${tenant}.>`,
        ack_policy: AckPolicy.Explicit,
      });
      const db = new Client(connection);
      await db.connect();
      return db;
    }),
  );
  const byToken = new Map(config.agents.map((a) => [a.token, a]));
  const js = nc.jetstream();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const answer = (status: number, body: string): void => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(body);
    };
    const agent = byToken.get((req.headers.authorization ?? '').replace(/^Bearer /, ''));
    if (req.method !== 'POST' || agent === undefined) {
      req.resume();
      answer(req.method === 'POST' ? 401 : 404, '{}');
      return;
    }
    readBody(req)
      .then(async (raw) => {
        const body = JSON.parse(raw.toString('utf8')) as { messages: unknown[] };
        await js.publish(`${SUBJECT_PREFIX}.${agent.tenant}.${agent.hostId}`, raw);
        answer(202, JSON.stringify({ accepted: body.messages.length }));
      })
      .catch(() => answer(503, '{}'));
  });
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : 0}\n`);
  });
  const writers = dbs.map((db, tenant) => runWriter(nc, tenant, db));
  process.once('SIGTERM', () => {
    server.close();
    // The stream kept every message (limits retention): leave nothing behind on the shared server.
    void jsm.streams
      .delete(FLOOR_STREAM)
      .catch(() => undefined)
      .then(() => nc.drain())
      .then(() => Promise.allSettled(writers))
      .then(() => Promise.all(dbs.map((db) => db.end())))
      .finally(() => process.exit(0));
  });
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(
      `floor-server: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  });
}
