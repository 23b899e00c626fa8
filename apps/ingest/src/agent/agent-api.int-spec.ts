import type { INestApplication } from '@nestjs/common';
import {
  encodeMessage,
  HostEventKind,
  hostEventSubject,
  INGEST_STREAM,
  TenantEventKind,
  tenantEventSubject,
  TenantStatus,
  type HostEvent,
  ingestEnvelopeDedupId,
  type IngestEnvelope,
  type TenantEvent,
} from '@sysmanage/contracts';
import { createChainDataSource } from '@sysmanage/schema';
import { COLLAPSED_TENANT_ID, COLLAPSED_TENANT_SLUG } from '@sysmanage/tenancy';
import { freePort, TestEnvironment, writeTestConfig, type PgInstance } from '@sysmanage/testing';
import { randomUUID } from 'node:crypto';
import { connect, type Msg, type NatsConnection } from 'nats';
import request from 'supertest';
import { bootstrap } from '../main';

jest.setTimeout(120_000);

const REGISTRY_DB = 'sysmanage_registry';
const AGENT = '/api/v1/agent';

/**
 * The agent API in collapsed mode, in-process with the real ingest module
 * tree, against real PostgreSQL (the bootstrap database carries the registry
 * and tenant chains) and NATS JetStream.
 */
describe('agent API (collapsed mode, real PostgreSQL and JetStream)', () => {
  const env = new TestEnvironment();
  const logLines: Record<string, unknown>[] = [];
  const published: Msg[] = [];
  let pg: PgInstance;
  let nc: NatsConnection;
  let app: INestApplication;
  let host: { host_id: string; host_token: string; tenant_id: string };

  const http = () => request(app.getHttpServer());
  const post = (token: string | null, body: unknown) => {
    const req = http().post(`${AGENT}/messages`).set('content-type', 'application/json');
    if (token !== null) req.set('authorization', `Bearer ${token}`);
    return req.send(typeof body === 'string' ? body : JSON.stringify(body));
  };
  const lastSeq = async () =>
    (await (await nc.jetstreamManager()).streams.info(INGEST_STREAM)).state.last_seq;
  const now = () => new Date().toISOString();
  const heartbeat = (id: string = randomUUID()) => ({
    id,
    type: 'heartbeat',
    timestamp: now(),
    payload: { cpu_percent: 5 },
  });

  async function eventually(what: string, probe: () => Promise<boolean>, timeoutMs: number): Promise<number> {
    const started = Date.now();
    while (!(await probe())) {
      if (Date.now() - started > timeoutMs) throw new Error(`not within ${timeoutMs} ms: ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return Date.now() - started;
  }

  beforeAll(async () => {
    const nats = await env.nats();
    pg = await env.postgres({ name: 'ingest-agent' });
    await pg.createDatabase(REGISTRY_DB);
    for (const chain of ['registry', 'tenant'] as const) {
      const ds = createChainDataSource(chain, pg.clientConfig(REGISTRY_DB));
      await ds.initialize();
      await ds.runMigrations({ transaction: 'each' });
      await ds.destroy();
    }
    nc = await connect({ servers: nats.servers });
    nc.subscribe('sysmanage.ingest.>', { callback: (_err, msg) => void published.push(msg) });
    await nc.flush();
    const configPath = writeTestConfig({
      registry: { instance: pg, database: REGISTRY_DB },
      nats,
      apiPorts: { ingest: await freePort() },
    });
    const started = await bootstrap(
      ['--config', configPath],
      {},
      {
        logDestination: { write: (line: string) => void logLines.push(JSON.parse(line)) },
      },
    );
    if (started.app === null) throw new Error(`ingest did not start (exit code ${started.exitCode})`);
    app = started.app;
  });

  afterAll(async () => {
    await app?.close();
    await nc?.close();
    await env.stopAll();
  });

  it('registers a host without a token in collapsed mode: 201, the host row in the bootstrap database, the index row', async () => {
    const res = await http().post(`${AGENT}/register`).send({
      hostname: 'web-1',
      fqdn: 'web-1.example.com',
      machine_id: 'm-0001',
      os: 'Linux',
      agent_version: '1.2.3',
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      host_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      host_token: expect.stringMatching(/^smh_[A-Za-z0-9_-]{43}$/),
      tenant_id: COLLAPSED_TENANT_ID,
    });
    host = res.body;
    expect(await pg.query('SELECT id, hostname, fqdn, status FROM hosts', [], REGISTRY_DB)).toEqual([
      { id: host.host_id, hostname: 'web-1', fqdn: 'web-1.example.com', status: 'active' },
    ]);
    const index = await pg.query(
      `SELECT h.tenant_id, t.slug FROM registry_host_index h JOIN registry_tenants t ON t.id = h.tenant_id WHERE h.host_id = $1`,
      [host.host_id],
      REGISTRY_DB,
    );
    expect(index).toEqual([{ tenant_id: COLLAPSED_TENANT_ID, slug: COLLAPSED_TENANT_SLUG }]);
  });

  it('accepts a batch with 202 only once JetStream has it: the tenant subject from the credential, the dedup header', async () => {
    const before = await lastSeq();
    const seen = published.length;
    const batch = {
      tenant_id: randomUUID(), // ignored: the tenant comes from the credential
      messages: [
        { ...heartbeat('hb-1'), host_id: randomUUID() },
        heartbeat('hb-2'),
        { id: 'si-1', type: 'system_info', timestamp: now(), payload: { hostname: 'web-1', kernel: '6.1' } },
        {
          id: 'sw-1',
          type: 'software_inventory',
          timestamp: now(),
          payload: { packages: [{ name: 'bash', version: '5.2', package_manager: 'apt' }], complete: true },
        },
      ],
    };
    const res = await post(host.host_token, batch);
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ accepted: 4 });
    // One envelope per type: the two heartbeats travel together.
    expect(await lastSeq()).toBe(before + 3);

    await eventually('the three envelopes seen on the wire', async () => published.length >= seen + 3, 5_000);
    const mine = published.slice(seen);
    expect(mine.map((m) => m.subject).sort()).toEqual(
      ['heartbeat', 'software_inventory', 'system_info'].map(
        (t) => `sysmanage.ingest.${COLLAPSED_TENANT_ID}.${t}`,
      ),
    );
    const envelopes = mine.map((msg) => {
      const body = JSON.parse(new TextDecoder().decode(msg.data)) as IngestEnvelope;
      expect(body).toMatchObject({ tenantId: COLLAPSED_TENANT_ID, hostId: host.host_id });
      expect(msg.subject).toBe(`sysmanage.ingest.${COLLAPSED_TENANT_ID}.${body.type}`);
      const ids = body.messages.map((m) => m.messageId);
      expect(msg.headers?.get('Nats-Msg-Id')).toBe(ingestEnvelopeDedupId(host.host_id, body.type, ids));
      return body;
    });
    const byType = new Map(envelopes.map((e) => [e.type, e.messages]));
    expect(byType.get('heartbeat')?.map((m) => m.messageId)).toEqual(['hb-1', 'hb-2']);
    expect(byType.get('system_info')?.[0]?.payload).toEqual({ hostname: 'web-1', kernel: '6.1' });
    expect(byType.get('software_inventory')?.map((m) => m.messageId)).toEqual(['sw-1']);

    // The agent retrying the same batch (a lost 202) stores nothing twice.
    const retry = await post(host.host_token, batch);
    expect(retry.status).toBe(202);
    expect(await lastSeq()).toBe(before + 3);
  });

  it.each([
    ['malformed JSON', '{"messages": [', 400, 'malformed_json'],
    [
      'a body over the limit',
      JSON.stringify({ messages: [heartbeat()], pad: 'x'.repeat(1024 * 1024) }),
      413,
      'payload_too_large',
    ],
    [
      'too many messages',
      { messages: Array.from({ length: 501 }, () => heartbeat()) },
      413,
      'batch_too_large',
    ],
    ['an empty batch', { messages: [] }, 400, 'empty_batch'],
    ['no messages array', { message: [] }, 400, 'invalid_batch'],
    [
      'an unknown type',
      { messages: [heartbeat(), { ...heartbeat(), type: 'shell_command' }] },
      400,
      'unknown_message_type',
    ],
    [
      'a timestamp an hour ahead',
      {
        messages: [
          heartbeat(),
          { ...heartbeat(), timestamp: new Date(Date.now() + 3_600_000).toISOString() },
        ],
      },
      400,
      'invalid_timestamp',
    ],
    [
      'an invalid payload',
      { messages: [heartbeat(), { ...heartbeat(), payload: { cpu_percent: 150 } }] },
      400,
      'invalid_payload',
    ],
    ['a duplicate id', { messages: [heartbeat('dup'), heartbeat('dup')] }, 400, 'duplicate_message_id'],
  ])('refuses %s with %s %s and stores nothing of the batch', async (_what, body, status, code) => {
    const before = await lastSeq();
    const seen = published.length;
    const res = await post(host.host_token, body);
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status, code, type: `urn:sysmanage:problem:${code}` });
    expect(await lastSeq()).toBe(before);
    await nc.flush();
    expect(published.length).toBe(seen);
  });

  it('names the index and field of the first bad message', async () => {
    const res = await post(host.host_token, {
      messages: [heartbeat(), { ...heartbeat(), payload: { cpu_percent: 150 } }],
    });
    expect(res.body).toMatchObject({ code: 'invalid_payload', index: 1, field: 'payload.cpu_percent' });
  });

  it.each([
    ['no Authorization header', null],
    ['a malformed token', 'smh_short'],
    ['an unknown token', `smh_${'A'.repeat(43)}`],
  ])('answers 401 invalid_host_credential for %s, before looking at the body', async (_what, token) => {
    const res = await post(token, '{not json');
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ code: 'invalid_host_credential' });
  });

  it('refuses a bad enrollment token with the one 403, the reason only in the log', async () => {
    const res = await http()
      .post(`${AGENT}/register`)
      .send({ enrollment_token: 'sme_not-a-token', hostname: 'x', machine_id: 'm-0002' });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ code: 'enrollment_refused', detail: 'enrollment refused' });
    expect(logLines).toContainEqual(
      expect.objectContaining({ reason: 'malformed', msg: 'registration refused: malformed' }),
    );
    expect(await pg.query(`SELECT id FROM hosts WHERE machine_id = 'm-0002'`, [], REGISTRY_DB)).toEqual([]);
  });

  it('an unknown route or method under the agent prefix is a problem+json 404 route_not_found', async () => {
    for (const res of [
      await http().post(`${AGENT}/regster`).send({}),
      await http().get(`${AGENT}/messages`),
      await http().delete(`${AGENT}/register/extra`),
    ]) {
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ code: 'route_not_found', status: 404 });
    }
    // The real routes still answer.
    expect((await http().post(`${AGENT}/register`).send({})).body.code).toBe('validation_failed');
  });

  it('refuses an invalid registration body with validation_failed and the field', async () => {
    const res = await http().post(`${AGENT}/register`).send({ hostname: 'x', machine_id: 'has space' });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'validation_failed', field: 'machine_id' });
  });

  it('re-registration keeps the host id, rotates the credential, and the old one is refused within 5 s', async () => {
    expect((await post(host.host_token, { messages: [heartbeat()] })).status).toBe(202);
    const res = await http().post(`${AGENT}/register`).send({ hostname: 'web-1b', machine_id: 'm-0001' });
    expect(res.status).toBe(201);
    expect(res.body.host_id).toBe(host.host_id);
    expect(res.body.host_token).not.toBe(host.host_token);
    expect(await pg.query(`SELECT count(*)::int AS n FROM hosts`, [], REGISTRY_DB)).toEqual([{ n: 1 }]);
    const old = host.host_token;
    host = res.body;
    await eventually(
      'the old credential refused',
      async () => (await post(old, { messages: [heartbeat()] })).status === 401,
      5_000,
    );
    expect((await post(host.host_token, { messages: [heartbeat()] })).status).toBe(202);
  });

  it('a revoked credential (row + HostEvent, as the registry does it) gets 401 within 5 s of the event', async () => {
    expect((await post(host.host_token, { messages: [heartbeat()] })).status).toBe(202); // cached now
    await pg.query(
      `UPDATE registry_host_index SET credential_revoked_at = now() WHERE host_id = $1`,
      [host.host_id],
      REGISTRY_DB,
    );
    const event: HostEvent = {
      eventId: randomUUID(),
      kind: HostEventKind.CREDENTIAL_REVOKED,
      tenantId: host.tenant_id,
      hostId: host.host_id,
      occurredAt: now(),
    };
    // Without the event the cached entry still admits the host: the event is what makes it quick.
    expect((await post(host.host_token, { messages: [heartbeat()] })).status).toBe(202);
    nc.publish(hostEventSubject(HostEventKind.CREDENTIAL_REVOKED), encodeMessage(event));
    const ms = await eventually(
      'the revoked credential refused',
      async () => (await post(host.host_token, { messages: [heartbeat()] })).status === 401,
      5_000,
    );
    expect(ms).toBeLessThan(5_000);
    expect(logLines).toContainEqual(
      expect.objectContaining({
        hostId: host.host_id,
        reason: 'revoked',
        msg: 'agent request refused: host credential revoked',
      }),
    );
    // Re-registration issues a fresh credential (the redeemer clears the revocation with the rotation).
    const again = await http().post(`${AGENT}/register`).send({ hostname: 'web-1', machine_id: 'm-0001' });
    host = again.body;
    expect((await post(host.host_token, { messages: [heartbeat()] })).status).toBe(202);
  });

  it('a suspended tenant gets 403 tenant_suspended within 5 s of its event, and 202 again after resume', async () => {
    const setStatus = async (status: TenantStatus, kind: TenantEventKind) => {
      await pg.query(
        `UPDATE registry_tenants SET status = $2 WHERE id = $1`,
        [COLLAPSED_TENANT_ID, status],
        REGISTRY_DB,
      );
      const event: TenantEvent = {
        eventId: randomUUID(),
        kind,
        tenantId: COLLAPSED_TENANT_ID,
        slug: COLLAPSED_TENANT_SLUG,
        status,
        occurredAt: now(),
      };
      nc.publish(tenantEventSubject(kind), encodeMessage(event));
    };
    const statusOf = async () => (await post(host.host_token, { messages: [heartbeat()] })).status;
    expect(await statusOf()).toBe(202);
    await setStatus(TenantStatus.SUSPENDED, TenantEventKind.SUSPENDED);
    await eventually('403 after suspension', async () => (await statusOf()) === 403, 5_000);
    const before = await lastSeq();
    const res = await post(host.host_token, { messages: [heartbeat()] });
    expect(res.body).toMatchObject({ code: 'tenant_suspended' });
    expect(await lastSeq()).toBe(before);
    await setStatus(TenantStatus.ACTIVE, TenantEventKind.RESUMED);
    await eventually('202 after resume', async () => (await statusOf()) === 202, 5_000);
  });

  it('POST /messages has a request id, an access line and HTTP metrics, with the route template, like every route', async () => {
    const accepted = await post(host.host_token, { messages: [heartbeat()] }).set(
      'x-request-id',
      'agent-req-202',
    );
    expect(accepted.status).toBe(202);
    expect(accepted.headers['x-request-id']).toBe('agent-req-202');
    expect(accepted.headers['content-type']).toBe('application/json; charset=utf-8');
    // Trailing slash, other case and a query string reach the same route, as Express routing did.
    const refused = await http()
      .post(`${AGENT.toUpperCase()}/MESSAGES/?x=1`)
      .set('content-type', 'application/json')
      .set('x-request-id', 'agent-req-401')
      .send('{"messages": []}');
    expect(refused.status).toBe(401);
    expect(refused.headers['x-request-id']).toBe('agent-req-401');
    expect(refused.body).toMatchObject({
      code: 'invalid_host_credential',
      instance: '/API/V1/AGENT/MESSAGES/',
    });
    const generated = await post(host.host_token, '{"messages": [');
    expect(generated.status).toBe(400);
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    await eventually(
      'the access lines',
      async () =>
        logLines.filter((l) => l['msg'] === 'request completed' && /^agent-req-/.test(String(l['requestId'])))
          .length === 2,
      2_000,
    );
    const access = logLines.filter(
      (l) => l['msg'] === 'request completed' && /^agent-req-/.test(String(l['requestId'])),
    );
    expect(
      access.map(({ requestId, route, status, path, method }) => ({
        requestId,
        route,
        status,
        path,
        method,
      })),
    ).toEqual([
      {
        requestId: 'agent-req-202',
        route: `${AGENT}/messages`,
        status: 202,
        path: `${AGENT}/messages`,
        method: 'POST',
      },
      {
        requestId: 'agent-req-401',
        route: `${AGENT}/messages`,
        status: 401,
        path: `${AGENT.toUpperCase()}/MESSAGES/`,
        method: 'POST',
      },
    ]);
    // The refusal's own warning carries the request id too (the log context).
    expect(logLines).toContainEqual(
      expect.objectContaining({
        requestId: 'agent-req-401',
        msg: 'agent request refused: no usable host credential',
      }),
    );
    const metrics = (await http().get('/metrics')).text;
    for (const status of [202, 400, 401]) {
      expect(metrics).toMatch(
        new RegExp(
          `^http_requests_total\\{[^}]*method="POST"[^}]*route="${AGENT}/messages"[^}]*status="${status}"[^}]*\\} [1-9]`,
          'm',
        ),
      );
    }
  });

  it('exposes accepted, rejected, latency and credential cache metrics', async () => {
    const res = await http().get('/metrics');
    expect(res.text).toMatch(/^sysmanage_ingest_messages_accepted_total\{type="heartbeat".*\} \d+$/m);
    expect(res.text).toMatch(/^sysmanage_ingest_requests_rejected_total\{code="invalid_payload".*\} \d+$/m);
    expect(res.text).toMatch(/^sysmanage_ingest_accept_seconds_count\{.*\} \d+$/m);
    expect(res.text).toMatch(/^sysmanage_ingest_credential_cache_total\{result="hit".*\} \d+$/m);
    expect(res.text).toMatch(/^sysmanage_ingest_registrations_total\{outcome="re_enrolled".*\} \d+$/m);
  });
});
