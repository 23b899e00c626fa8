import type { PgInstance } from '@sysmanage/testing';
import { Client } from 'pg';
import { AgentClient, heartbeat, type RegisteredHost } from './support/agent-client';
import { CP } from './support/control-plane-api';
import { startMultiTenantStack, type MultiTenantStack } from './support/multi-tenant-stack';

// Issue 4's connection budget through the built services: 40 active tenants on
// one PostgreSQL server, ingest allowed 10 connections to it. Every agent posts
// at once; all messages land, and ingest's sessions on tenant databases
// (sampled from pg_stat_activity all along) never exceed the budget. The
// writer-level proof against a server filled up to the budget (an 11th
// session would get 53300) is apps/ingest/src/writers/tenant-writers.int-spec.ts.

jest.setTimeout(240_000);

const TENANTS = 40;
const BUDGET = 10;
const ROUNDS = 3;
const PER_BATCH = 10;

describe(`issue 4: ${TENANTS} tenants on one server inside an ingest budget of ${BUDGET} connections (built services)`, () => {
  let stack: MultiTenantStack;
  let pg: PgInstance;
  let agent: AgentClient;
  const hosts: Array<RegisteredHost & { database: string }> = [];

  beforeAll(async () => {
    stack = await startMultiTenantStack({
      name: 'e2e-budget',
      servers: [{ name: 'pg-eu', region: 'eu', jurisdiction: 'EU', capacity: 100 }],
      serviceEnv: { ingest: { SYSMANAGE_INGEST_MAX_CONNECTIONS_PER_SERVER: String(BUDGET) } },
    });
    pg = stack.pg('pg-eu');
    agent = new AgentClient(stack.urls.ingest);
    const slugs = Array.from({ length: TENANTS }, (_, i) => `bud${String(i + 1).padStart(2, '0')}`);
    const created = [];
    for (const slug of slugs) created.push(await stack.controlPlane.createTenant({ slug, name: slug }));
    await Promise.all(created.map((t) => stack.controlPlane.waitForTenant(t.id, ['active'], 180_000)));
    // One host per tenant, one after the other (registration is not what this file measures).
    for (const [i, t] of created.entries()) {
      const token = await stack.api<{ token: string }>('POST', `${CP}/tenants/${t.id}/enrollment-tokens`, {
        body: { label: 'budget' },
      });
      expect(token.status).toBe(201);
      hosts.push({
        ...(await agent.enroll(token.json.token, `budget-host-${i}`)),
        database: `tenant_${t.slug}`,
      });
    }
  }, 300_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it('every message lands while ingest never holds more than the budget on the server', async () => {
    const sampler = new Client(pg.clientConfig());
    await sampler.connect();
    let maxSessions = 0;
    let samples = 0;
    let sampling = true;
    const sampleLoop = (async () => {
      while (sampling) {
        const { rows } = await sampler.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity
            WHERE application_name = 'sysmanage-ingest' AND datname LIKE 'tenant\\_%'`,
        );
        maxSessions = Math.max(maxSessions, rows[0]?.n ?? 0);
        samples += 1;
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    const sent = new Map<string, string[]>();
    try {
      for (let round = 0; round < ROUNDS; round += 1) {
        const answers = await Promise.all(
          hosts.map(async (h) => {
            const batch = Array.from({ length: PER_BATCH }, (_, k) => heartbeat(`budget-${round}-${k}`));
            const res = await agent.send(h.hostToken, batch);
            if (res.status === 202)
              sent.set(h.hostId, [...(sent.get(h.hostId) ?? []), ...batch.map((m) => m.id)]);
            return res.status;
          }),
        );
        expect(answers).toEqual(hosts.map(() => 202));
      }
      // Each tenant database ends with exactly its host's messages, each once.
      const deadline = Date.now() + 90_000;
      let missing = hosts.length;
      while (missing > 0 && Date.now() < deadline) {
        const counts = await Promise.all(
          hosts.map(async (h) => {
            const [row] = await pg.query<{ n: number; hosts: number }>(
              `SELECT count(*)::int AS n, count(DISTINCT host_id)::int AS hosts FROM host_heartbeats
                WHERE message_id LIKE 'budget-%'`,
              [],
              h.database,
            );
            return row!;
          }),
        );
        for (const c of counts) expect(c.n).toBeLessThanOrEqual(ROUNDS * PER_BATCH);
        missing = counts.filter((c) => c.n !== ROUNDS * PER_BATCH || c.hosts !== 1).length;
        if (missing > 0) await new Promise((r) => setTimeout(r, 250));
      }
      expect(missing).toBe(0);
    } finally {
      sampling = false;
      await sampleLoop;
      await sampler.end();
    }
    expect(samples).toBeGreaterThan(20);
    // The budget was used (the load needed connections) and never exceeded.
    expect(maxSessions).toBeGreaterThan(0);
    expect(maxSessions).toBeLessThanOrEqual(BUDGET);
    expect(stack.service('ingest').log()).not.toMatch(/too many (clients|connections)|53300/);
    expect(sent.size).toBe(TENANTS);
  });
});
