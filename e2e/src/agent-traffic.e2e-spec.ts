import type { PgInstance } from '@sysmanage/testing';
import { randomUUID } from 'node:crypto';
import { AgentClient, heartbeat, type AgentMessage, type RegisteredHost } from './support/agent-client';
import { CP, type Problem, type TenantView } from './support/control-plane-api';
import { REGISTRY_DB, startMultiTenantStack, type MultiTenantStack } from './support/multi-tenant-stack';

// Issue 4's "Must show" through the built services: agents talk HTTP to the
// built ingest, operators to the built registry; the rows are counted with SQL
// on each PostgreSQL server. The connection budget is agent-traffic-budget.e2e-spec.ts.

jest.setTimeout(120_000);

interface TokenView {
  id: string;
  token: string;
  uses: number;
  max_uses: number | null;
  status: string;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function until<T>(
  what: string,
  probe: () => Promise<T | null | false>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== null && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(200);
  }
}

describe('issue 4: agent traffic end to end (built registry/provisioner/migrator/ingest, scram PostgreSQL x2, NATS, OpenBAO)', () => {
  let stack: MultiTenantStack;
  let agent: AgentClient;
  let pgEu: PgInstance;
  let pgUs: PgInstance;
  const tenants = {} as Record<'a' | 'b', TenantView>;
  const tokens = {} as Record<'a' | 'b', TokenView>;
  const hosts = { a: [] as RegisteredHost[], b: [] as RegisteredHost[] };

  /** Every (host_id, message_id) a tenant database has recorded: heartbeats are keyed by their own row, the rest by the ledger. */
  const RECORDED = `(SELECT host_id, message_id FROM host_heartbeats
                     UNION ALL SELECT host_id, message_id FROM processed_messages) recorded`;
  const where = (t: 'a' | 'b'): [PgInstance, string] => (t === 'a' ? [pgEu, 'tenant_a'] : [pgUs, 'tenant_b']);
  const count = async (t: 'a' | 'b', sql: string, params: unknown[] = []): Promise<number> => {
    const [pg, db] = where(t);
    const [row] = await pg.query<{ n: number }>(sql, params, db);
    return row!.n;
  };
  /** message_id -> number of host_heartbeats rows carrying it, in tenant t. */
  const heartbeatCounts = async (t: 'a' | 'b', ids: string[]): Promise<Map<string, number>> => {
    const [pg, db] = where(t);
    const rows = await pg.query<{ message_id: string; n: number }>(
      `SELECT message_id, count(*)::int AS n FROM host_heartbeats WHERE message_id = ANY($1) GROUP BY 1`,
      [ids],
      db,
    );
    return new Map(rows.map((r) => [r.message_id, r.n]));
  };
  /** Waits until every id is in tenant t exactly once (fails at once on a duplicate). */
  const landedOnce = (t: 'a' | 'b', ids: string[], timeoutMs = 60_000): Promise<true> =>
    until(
      `${ids.length} messages in tenant_${t}`,
      async () => {
        const counts = await heartbeatCounts(t, ids);
        const dup = [...counts].find(([, n]) => n !== 1);
        if (dup) throw new Error(`message ${dup[0]} is in tenant_${t} ${dup[1]} times`);
        return counts.size === ids.length;
      },
      timeoutMs,
    );

  const issueToken = async (t: 'a' | 'b', body: Record<string, unknown>): Promise<TokenView> => {
    const res = await stack.api<TokenView>('POST', `${CP}/tenants/${tenants[t].id}/enrollment-tokens`, {
      body,
    });
    expect(res.status).toBe(201);
    expect(res.json.token).toMatch(/^sme_[A-Za-z0-9_-]{43,}$/);
    return res.json;
  };

  beforeAll(async () => {
    stack = await startMultiTenantStack({
      name: 'e2e-agent',
      // A SIGKILLed ingest's unacked batches come back after ack_wait; a returned server is retried within 2 s.
      serviceEnv: {
        ingest: {
          SYSMANAGE_INGEST_WRITER_ACK_WAIT_MS: '5000',
          SYSMANAGE_INGEST_WRITER_BACKOFF_MAX_MS: '2000',
        },
      },
    });
    agent = new AgentClient(stack.urls.ingest);
    pgEu = stack.pg('pg-eu');
    pgUs = stack.pg('pg-us');
    const [a, b] = await Promise.all([
      stack.controlPlane.createTenant({ slug: 'a', name: 'Tenant A', database_server: 'pg-eu' }),
      stack.controlPlane.createTenant({ slug: 'b', name: 'Tenant B', database_server: 'pg-us' }),
    ]);
    await Promise.all([a, b].map((t) => stack.controlPlane.waitForTenant(t.id, ['active'])));
    Object.assign(tenants, { a, b });
  }, 300_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it('issues enrollment tokens through the API, shown once and listed without the token', async () => {
    tokens.a = await issueToken('a', { label: 'fleet a' });
    tokens.b = await issueToken('b', { label: 'fleet b', expires_in_days: 30 });
    const list = await stack.api<{ items: Array<Record<string, unknown>> }>(
      'GET',
      `${CP}/tenants/${tenants.a.id}/enrollment-tokens`,
    );
    expect(list.status).toBe(200);
    expect(list.json.items).toEqual([
      expect.objectContaining({ id: tokens.a.id, uses: 0, status: 'active', max_uses: null }),
    ]);
    expect(list.text).not.toContain(tokens.a.token);
  });

  it("verify routing: hosts enrolled with a's token are only in tenant_a.hosts, b's only in tenant_b.hosts, none in the registry/bootstrap databases", async () => {
    const enrolled = await Promise.all([
      ...['a-web-1', 'a-web-2', 'a-db-1'].map((m) => agent.enroll(tokens.a.token, m)),
      ...['b-web-1', 'b-web-2'].map((m) => agent.enroll(tokens.b.token, m)),
    ]);
    hosts.a.push(...enrolled.slice(0, 3));
    hosts.b.push(...enrolled.slice(3));
    expect(hosts.a.map((h) => h.tenantId)).toEqual([tenants.a.id, tenants.a.id, tenants.a.id]);
    expect(hosts.b.map((h) => h.tenantId)).toEqual([tenants.b.id, tenants.b.id]);
    for (const h of enrolled) expect(h.hostToken).toMatch(/^smh_/);

    const machines = async (pg: PgInstance, db: string): Promise<string[]> =>
      (await pg.query<{ machine_id: string }>('SELECT machine_id FROM hosts ORDER BY 1', [], db)).map(
        (r) => r.machine_id,
      );
    expect(await machines(pgEu, 'tenant_a')).toEqual(['a-db-1', 'a-web-1', 'a-web-2']);
    expect(await machines(pgUs, 'tenant_b')).toEqual(['b-web-1', 'b-web-2']);

    // No other database on either server holds a host: where a hosts table exists at all, it is empty.
    for (const pg of [pgEu, pgUs]) {
      const others = (
        await pg.query<{ datname: string }>(
          `SELECT datname FROM pg_database WHERE NOT datistemplate AND datname NOT LIKE 'tenant\\_%'`,
        )
      ).map((r) => r.datname);
      if (pg === pgEu) expect(others).toContain(REGISTRY_DB);
      for (const db of others) {
        const [exists] = await pg.query<{ t: string | null }>(
          `SELECT to_regclass('public.hosts')::text AS t`,
          [],
          db,
        );
        if (exists?.t != null) {
          expect(await pg.query(`SELECT count(*)::int AS n FROM hosts`, [], db)).toEqual([{ n: 0 }]);
        }
      }
    }
    // The host -> tenant index (registry) and the API listing agree.
    const index = (await stack.registry.query(
      `SELECT tenant_id::text, count(*)::int AS n FROM registry_host_index GROUP BY 1`,
    )) as Array<{ tenant_id: string; n: number }>;
    expect(Object.fromEntries(index.map((r) => [r.tenant_id, r.n]))).toEqual({
      [tenants.a.id]: 3,
      [tenants.b.id]: 2,
    });
    const listed = await stack.api<{ items: Array<{ host_id: string }>; total: number }>(
      'GET',
      `${CP}/tenants/${tenants.b.id}/hosts`,
    );
    expect(listed.json.items.map((h) => h.host_id).sort()).toEqual(hosts.b.map((h) => h.hostId).sort());

    // Their first heartbeats land the same way.
    const ids = { a: [] as string[], b: [] as string[] };
    for (const t of ['a', 'b'] as const) {
      for (const h of hosts[t]) {
        const msg = heartbeat(`first-${h.machineId}`);
        const res = await agent.send(h.hostToken, [msg]);
        expect(res.status).toBe(202);
        expect(res.json).toEqual({ accepted: 1 });
        ids[t].push(msg.id);
      }
    }
    await landedOnce('a', ids.a);
    await landedOnce('b', ids.b);
    expect(await heartbeatCounts('a', ids.b)).toEqual(new Map());
    expect(await heartbeatCounts('b', ids.a)).toEqual(new Map());
  });

  it('50 concurrent registrations against a token with max_uses 10 admit exactly 10', async () => {
    const limited = await issueToken('a', { label: 'ten', max_uses: 10 });
    const before = await count('a', 'SELECT count(*)::int AS n FROM hosts');
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        agent.register({ enrollment_token: limited.token, hostname: `burst-${i}`, machine_id: `burst-${i}` }),
      ),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(10);
    expect(statuses.filter((s) => s === 403)).toHaveLength(40);
    for (const r of results.filter((x) => x.status === 403)) {
      expect(r.json).toMatchObject({ code: 'enrollment_refused', status: 403 });
    }
    expect(await count('a', 'SELECT count(*)::int AS n FROM hosts')).toBe(before + 10);
    expect(await count('a', `SELECT count(*)::int AS n FROM hosts WHERE machine_id LIKE 'burst-%'`)).toBe(10);
    expect(await count('b', `SELECT count(*)::int AS n FROM hosts WHERE machine_id LIKE 'burst-%'`)).toBe(0);
    const list = await stack.api<{ items: TokenView[] }>(
      'GET',
      `${CP}/tenants/${tenants.a.id}/enrollment-tokens`,
    );
    expect(list.json.items.find((t) => t.id === limited.id)).toMatchObject({
      uses: 10,
      max_uses: 10,
      status: 'exhausted',
    });
  });

  it('a host token of tenant a never causes a write in tenant_b, whatever the body claims', async () => {
    const [hostA] = hosts.a;
    const [hostB] = hosts.b;
    const tables = ['hosts', 'host_heartbeats', 'software_packages', 'processed_messages'];
    const snapshot = async (): Promise<Record<string, unknown>> => {
      const rows = await pgUs.query<Record<string, unknown>>(
        `SELECT ${tables.map((t) => `(SELECT count(*)::int FROM ${t}) AS ${t}`).join(', ')},
                (SELECT max(updated_at)::text FROM hosts) AS hosts_updated`,
        [],
        'tenant_b',
      );
      return rows[0]!;
    };
    const before = await snapshot();
    const claims = { tenant_id: tenants.b.id, host_id: hostB!.hostId, tenant: 'b' };
    const messages: AgentMessage[] = [
      { ...heartbeat(`claim-hb-${randomUUID()}`), ...claims },
      {
        id: `claim-si-${randomUUID()}`,
        type: 'system_info',
        timestamp: new Date().toISOString(),
        payload: { ...claims, hostname: 'taken-over', os: 'Linux' },
      },
      {
        id: `claim-sw-${randomUUID()}`,
        type: 'software_inventory',
        timestamp: new Date().toISOString(),
        payload: { ...claims, packages: [{ name: 'openssl', version: '3.0.2', package_manager: 'apt' }] },
      },
    ];
    const res = await agent.send(hostA!.hostToken, messages, claims);
    expect(res.status).toBe(202);
    expect(res.json).toEqual({ accepted: 3 });
    // Everything landed in tenant_a, on a's host.
    await until(
      'the claimed batch in tenant_a',
      async () =>
        (await count(
          'a',
          `SELECT count(*)::int AS n FROM ${RECORDED} WHERE host_id = $1 AND message_id = ANY($2)`,
          [hostA!.hostId, messages.map((m) => m.id)],
        )) === 3,
    );
    expect(await pgEu.query(`SELECT hostname FROM hosts WHERE id = $1`, [hostA!.hostId], 'tenant_a')).toEqual(
      [{ hostname: 'taken-over' }],
    );
    expect(
      await count('a', `SELECT count(*)::int AS n FROM software_packages WHERE host_id = $1`, [
        hostA!.hostId,
      ]),
    ).toBe(1);
    // tenant_b did not change at all, and b's host keeps its name.
    expect(await snapshot()).toEqual(before);
    expect(await pgUs.query(`SELECT hostname FROM hosts WHERE id = $1`, [hostB!.hostId], 'tenant_b')).toEqual(
      [{ hostname: 'b-web-1' }],
    );
    expect(
      await count('b', `SELECT count(*)::int AS n FROM ${RECORDED} WHERE message_id = ANY($1)`, [
        messages.map((m) => m.id),
      ]),
    ).toBe(0);
  });

  it("with tenant b's PostgreSQL stopped, a's data keeps landing; after it returns every accepted b message is in tenant_b exactly once", async () => {
    const accepted = { a: [] as string[], b: [] as string[] };
    await pgUs.stop({ keepData: true });
    try {
      const deadline = Date.now() + 4_000;
      await Promise.all(
        [...hosts.a.slice(0, 2), ...hosts.b].map(async (h, agentNo) => {
          const t = h.tenantId === tenants.a.id ? 'a' : 'b';
          for (let i = 0; Date.now() < deadline; i += 1) {
            const batch = [
              heartbeat(`outage-${t}-${agentNo}-${i}-1`),
              heartbeat(`outage-${t}-${agentNo}-${i}-2`),
            ];
            const res = await agent.send(h.hostToken, batch);
            if (res.status === 202) accepted[t].push(...batch.map((m) => m.id));
            await sleep(50);
          }
        }),
      );
      // The tenant's database is not on the way of the accept: b's agents were answered too.
      expect(accepted.a.length).toBeGreaterThan(20);
      expect(accepted.b.length).toBeGreaterThan(20);
      // a's rows landed while pg-us is still down.
      await landedOnce('a', accepted.a, 30_000);
      expect(pgUs.isRunning()).toBe(false);
    } finally {
      if (!pgUs.isRunning()) await pgUs.start();
    }
    await landedOnce('b', accepted.b, 60_000);
    expect(
      await count('b', `SELECT count(*)::int AS n FROM host_heartbeats WHERE message_id LIKE 'outage-b-%'`),
    ).toBe(accepted.b.length);
    expect(await heartbeatCounts('a', accepted.b)).toEqual(new Map());
  });

  it('ingest SIGKILLed mid-load and restarted: every message that got a 202 is in its tenant database exactly once', async () => {
    const accepted = { a: [] as string[], b: [] as string[] };
    let stopLoad = false;
    let refusedWhileDown = 0;
    // Agents as they are: a batch that got no 202 is sent again, same ids, until it does.
    const load = Promise.all(
      [...hosts.a, ...hosts.b].map(async (h, agentNo) => {
        const t = h.tenantId === tenants.a.id ? 'a' : 'b';
        for (let i = 0; !stopLoad; i += 1) {
          const batch = Array.from({ length: 5 }, (_, k) => heartbeat(`crash-${t}-${agentNo}-${i}-${k}`));
          for (;;) {
            const res = await agent.trySend(h.hostToken, batch);
            if (res.status === 202) {
              accepted[t].push(...batch.map((m) => m.id));
              break;
            }
            refusedWhileDown += 1;
            await sleep(100);
          }
        }
      }),
    );
    await sleep(1_500);
    const beforeKill = accepted.a.length + accepted.b.length;
    expect(await stack.killService('ingest')).toEqual({ code: null, signal: 'SIGKILL' });
    await sleep(500);
    await stack.startService('ingest');
    await sleep(1_500);
    stopLoad = true;
    await load;
    expect(beforeKill).toBeGreaterThan(0);
    expect(refusedWhileDown).toBeGreaterThan(0);
    expect(accepted.a.length + accepted.b.length).toBeGreaterThan(beforeKill);
    await landedOnce('a', accepted.a, 60_000);
    await landedOnce('b', accepted.b, 60_000);
    expect(
      await count('a', `SELECT count(*)::int AS n FROM host_heartbeats WHERE message_id LIKE 'crash-%'`),
    ).toBe(accepted.a.length);
    expect(
      await count('b', `SELECT count(*)::int AS n FROM host_heartbeats WHERE message_id LIKE 'crash-%'`),
    ).toBe(accepted.b.length);
  });

  describe('bad input: its status and code, and nothing stored', () => {
    const stamp = (ms: number): string => new Date(Date.now() + ms).toISOString();
    const bad = (n: string, over: Partial<AgentMessage> = {}): AgentMessage => ({
      ...heartbeat(`bad-${n}`),
      ...over,
    });
    const cases: Array<[string, () => string, number, string]> = [
      ['malformed JSON', () => '{"messages": [', 400, 'malformed_json'],
      ['not a batch', () => '[]', 400, 'invalid_batch'],
      [
        'a bad message id',
        () => JSON.stringify({ messages: [bad('x', { id: 'has space' })] }),
        400,
        'invalid_batch',
      ],
      ['an empty batch', () => JSON.stringify({ messages: [] }), 400, 'empty_batch'],
      [
        'an unknown type',
        () => JSON.stringify({ messages: [bad('1'), bad('2', { type: 'reboot' })] }),
        400,
        'unknown_message_type',
      ],
      [
        'a timestamp without offset',
        () => JSON.stringify({ messages: [bad('3'), bad('4', { timestamp: '2026-11-28T06:00:00' })] }),
        400,
        'invalid_timestamp',
      ],
      [
        'a timestamp that is no date',
        () => JSON.stringify({ messages: [bad('5', { timestamp: 'yesterday' })] }),
        400,
        'invalid_timestamp',
      ],
      [
        'a timestamp 10 minutes ahead',
        () => JSON.stringify({ messages: [bad('6'), bad('7', { timestamp: stamp(600_000) })] }),
        400,
        'invalid_timestamp',
      ],
      [
        'a timestamp 8 days old',
        () => JSON.stringify({ messages: [bad('8', { timestamp: stamp(-8 * 86_400_000) })] }),
        400,
        'invalid_timestamp',
      ],
      [
        'a payload breaking its rules',
        () => JSON.stringify({ messages: [bad('9'), bad('10', { payload: { cpu_percent: 150 } })] }),
        400,
        'invalid_payload',
      ],
      [
        'a duplicate id in the batch',
        () => JSON.stringify({ messages: [bad('11'), bad('11')] }),
        400,
        'duplicate_message_id',
      ],
      [
        'a batch over 500 messages',
        () => JSON.stringify({ messages: Array.from({ length: 501 }, (_, i) => bad(`b${i}`)) }),
        413,
        'batch_too_large',
      ],
      [
        'one payload over 768 KiB',
        () =>
          JSON.stringify({
            messages: [bad('12'), bad('13', { payload: { metrics: { blob: 'x'.repeat(800 * 1024) } } })],
          }),
        413,
        'payload_too_large',
      ],
      [
        'a body over 1 MiB',
        () =>
          JSON.stringify({
            messages: [bad('14', { payload: { metrics: { blob: 'x'.repeat(1100 * 1024) } } })],
          }),
        413,
        'payload_too_large',
      ],
    ];

    it.each(cases.map(([what, body, status, code]) => [what, status, code, body] as const))(
      '%s: %i %s',
      async (_what, status, code, body) => {
        const res = await agent.request<Problem>('/api/v1/agent/messages', body(), hosts.a[1]!.hostToken);
        expect(res.status).toBe(status);
        expect(res.json).toMatchObject({ status, code });
      },
    );

    it('credentials and registrations: 401 without or with a bogus host token, 400/403 on registration, no host added', async () => {
      const body = JSON.stringify({ messages: [bad('15')] });
      for (const token of [undefined, 'smh_bogus', 'not-a-token']) {
        const res = await agent.request<Problem>('/api/v1/agent/messages', body, token);
        expect(res.status).toBe(401);
        expect(res.json.code).toBe('invalid_host_credential');
      }
      const hostsBefore = await count('a', 'SELECT count(*)::int AS n FROM hosts');
      const noName = await agent.register({ enrollment_token: tokens.a.token, machine_id: 'bad-host-1' });
      expect(noName.status).toBe(400);
      expect(noName.json['code']).toBe('validation_failed');
      const bogus = await agent.register({
        enrollment_token: 'sme_bogus',
        hostname: 'x',
        machine_id: 'bad-host-2',
      });
      expect(bogus.status).toBe(403);
      expect(bogus.json['code']).toBe('enrollment_refused');
      expect(await count('a', 'SELECT count(*)::int AS n FROM hosts')).toBe(hostsBefore);
    });

    it('none of the refused batches left a row anywhere (a later good message landed first)', async () => {
      const sentinel = heartbeat(`sentinel-${randomUUID()}`);
      expect((await agent.send(hosts.a[1]!.hostToken, [sentinel])).status).toBe(202);
      await landedOnce('a', [sentinel.id]);
      for (const t of ['a', 'b'] as const) {
        expect(
          await count(t, `SELECT count(*)::int AS n FROM processed_messages WHERE message_id LIKE 'bad-%'`),
        ).toBe(0);
        expect(
          await count(t, `SELECT count(*)::int AS n FROM host_heartbeats WHERE message_id LIKE 'bad-%'`),
        ).toBe(0);
        expect(await count(t, `SELECT count(*)::int AS n FROM hosts WHERE machine_id LIKE 'bad-%'`)).toBe(0);
      }
    });
  });

  it("revoking a host's credential through the API takes effect within 5 s (401), other hosts unaffected", async () => {
    const victim = hosts.a[2]!;
    expect((await agent.send(victim.hostToken, [heartbeat()])).status).toBe(202); // cached as valid
    const started = Date.now();
    const res = await stack.api('DELETE', `${CP}/tenants/${tenants.a.id}/hosts/${victim.hostId}/credential`);
    expect(res.status).toBe(204);
    const refused = await until(
      'the revoked credential refused',
      async () => {
        const r = await agent.send(victim.hostToken, [heartbeat()]);
        return r.status === 401 ? r : null;
      },
      10_000,
    );
    const elapsed = Date.now() - started;
    expect(refused.json['code']).toBe('invalid_host_credential');
    expect(elapsed).toBeLessThan(5_000);
    expect((await agent.send(hosts.a[0]!.hostToken, [heartbeat()])).status).toBe(202);
  });

  it('suspending a tenant through the API takes effect within 5 s (403); the other tenant keeps posting; resume lets it back', async () => {
    const hostB = hosts.b[0]!;
    expect((await agent.send(hostB.hostToken, [heartbeat()])).status).toBe(202);
    const started = Date.now();
    expect((await stack.api('POST', `${CP}/tenants/${tenants.b.id}/suspend`)).status).toBe(202);
    const refused = await until(
      "b's agent refused",
      async () => {
        const r = await agent.send(hostB.hostToken, [heartbeat()]);
        return r.status === 403 ? r : null;
      },
      10_000,
    );
    const elapsed = Date.now() - started;
    expect(refused.json['code']).toBe('tenant_suspended');
    expect(elapsed).toBeLessThan(5_000);
    expect((await agent.send(hosts.a[0]!.hostToken, [heartbeat()])).status).toBe(202);
    // A suspended tenant's token admits no one either.
    const enrol = await agent.register({
      enrollment_token: tokens.b.token,
      hostname: 'late',
      machine_id: 'b-late',
    });
    expect(enrol.status).toBe(403);
    expect(enrol.json['code']).toBe('enrollment_refused');

    await stack.controlPlane.waitForTenant(tenants.b.id, ['suspended']);
    expect((await stack.api('POST', `${CP}/tenants/${tenants.b.id}/resume`)).status).toBe(202);
    await stack.controlPlane.waitForTenant(tenants.b.id, ['active']);
    const back = heartbeat(`after-resume-${randomUUID()}`);
    await until(
      'b accepted again',
      async () => (await agent.send(hostB.hostToken, [back])).status === 202,
      10_000,
    );
    await landedOnce('b', [back.id]);
  });
});
