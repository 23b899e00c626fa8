import type { INestApplication } from '@nestjs/common';
import { HostEvent, HostEventKind, hostEventSubject, validateMessage } from '@sysmanage/contracts';
import { createChainDataSource } from '@sysmanage/schema';
import { EnrollmentRedeemer, hashToken, type HostIdentity, type RecordHost } from '@sysmanage/tenancy';
import { connect, type NatsConnection, type Subscription } from 'nats';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { ControlPlaneHarness, CP, OPERATOR_KEY, REGISTRY_DB } from '../../__fixtures__/control-plane-harness';

jest.setTimeout(90_000);

const DAY_MS = 24 * 60 * 60_000;
const TOKEN = /^sme_[A-Za-z0-9_-]{43}$/;
const MISSING = '00000000-0000-4000-8000-00000000dead';

interface IssuedToken {
  id: string;
  token: string;
  prefix: string;
  label: string;
  max_uses: number | null;
  uses: number;
  status: string;
  expires_at: string | null;
  created_at: string;
}

const identity = (machineId: string): HostIdentity => ({
  hostname: machineId,
  fqdn: null,
  machineId,
  os: null,
  osVersion: null,
  agentVersion: null,
});

// The tenant database's side is ingest's; here the host is "recorded" under the id proposed.
const recordHost: RecordHost = (_tenant, proposedHostId) => Promise.resolve(proposedHostId);

/** Collects a subject's messages; next() waits for one, or gives null after `ms`. */
class Inbox {
  private readonly queue: Uint8Array[] = [];
  private waiter: ((data: Uint8Array) => void) | null = null;
  private readonly sub: Subscription;

  constructor(nc: NatsConnection, subject: string) {
    this.sub = nc.subscribe(subject, {
      callback: (_error, msg) => {
        const waiter = this.waiter;
        this.waiter = null;
        if (waiter) waiter(msg.data);
        else this.queue.push(msg.data);
      },
    });
  }

  next(ms: number): Promise<Uint8Array | null> {
    const queued = this.queue.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        resolve(null);
      }, ms);
      this.waiter = (data) => {
        clearTimeout(timer);
        resolve(data);
      };
    });
  }

  close(): void {
    this.sub.unsubscribe();
  }
}

describe('control-plane enrollment tokens and host index (real PostgreSQL and NATS)', () => {
  const h = new ControlPlaneHarness();
  let app: INestApplication;
  let nc: NatsConnection;
  let ds: DataSource;
  let redeemer: EnrollmentRedeemer;
  let viewerKey: string;
  let tenantA: string;
  let tenantB: string;

  const http = () => request(app.getHttpServer());
  const op = <T extends { set(k: string, v: string): T }>(req: T): T =>
    req.set('authorization', `Bearer ${OPERATOR_KEY}`);
  const viewer = <T extends { set(k: string, v: string): T }>(req: T): T =>
    req.set('authorization', `Bearer ${viewerKey}`);
  const tokensOf = (tenantId: string) => `${CP}/tenants/${tenantId}/enrollment-tokens`;
  const hostsOf = (tenantId: string) => `${CP}/tenants/${tenantId}/hosts`;

  async function tenant(slug: string, status: string): Promise<string> {
    const [row] = await h.sql<{ id: string }>(
      `INSERT INTO registry_tenants (slug, name, status) VALUES ($1, $1, $2) RETURNING id`,
      [slug, status],
    );
    return row.id;
  }

  async function issue(tenantId: string, body: Record<string, unknown>): Promise<IssuedToken> {
    const res = await op(http().post(tokensOf(tenantId))).send(body);
    expect({ status: res.status, body: res.body }).toMatchObject({ status: 201 });
    return res.body as IssuedToken;
  }

  beforeAll(async () => {
    await h.setUp();
    app = await h.start({ multitenancy: true });
    nc = await connect({ servers: h.nats.servers });
    ds = createChainDataSource('registry', h.pg.clientConfig(REGISTRY_DB));
    await ds.initialize();
    redeemer = new EnrollmentRedeemer(ds);
    viewerKey = await h.mintKey(app, 'token-viewer', 'viewer');
    tenantA = await tenant('ea', 'active');
    tenantB = await tenant('eb', 'active');
  });

  afterAll(async () => {
    await nc?.close();
    await ds?.destroy();
    await h.tearDown();
  });

  describe('enrollment tokens', () => {
    it('issues a token shown once (201), stores only its hash, and audits it without the token', async () => {
      const res = await op(http().post(tokensOf(tenantA)))
        .set('x-request-id', 'issue-token-1')
        .send({ label: 'rack 12', expires_in_days: 30, max_uses: 5 });
      expect(res.status).toBe(201);
      const body = res.body as IssuedToken & { created_by: string };
      expect(body.token).toMatch(TOKEN);
      const principal = await h.sql<{ id: string }>(
        `SELECT id FROM registry_admin_principals WHERE name = 'bootstrap-admin'`,
      );
      expect(body).toMatchObject({
        tenant_id: tenantA,
        label: 'rack 12',
        prefix: body.token.slice(0, 10),
        max_uses: 5,
        uses: 0,
        status: 'active',
        revoked_at: null,
        last_used_at: null,
        created_by: `principal:${principal[0].id}`,
      });
      expect(Math.abs(Date.parse(body.expires_at ?? '') - (Date.now() + 30 * DAY_MS))).toBeLessThan(60_000);
      const rows = await h.sql<{ token_hash: string; text: string }>(
        `SELECT token_hash, row_to_json(t)::text AS text FROM registry_enrollment_tokens t WHERE id = $1`,
        [body.id],
      );
      expect(rows[0].token_hash).toBe(hashToken(body.token));
      const everything = await h.sql<{ text: string }>(
        `SELECT string_agg(row_to_json(t)::text, ' ') AS text FROM registry_enrollment_tokens t`,
      );
      expect(everything[0].text).not.toContain(body.token.slice(4));
      const audit = await h.sql<{ detail: Record<string, unknown>; request_id: string; text: string }>(
        `SELECT detail, request_id, row_to_json(a)::text AS text FROM registry_audit_log a
          WHERE action = 'enrollment_token.create' AND target_id = $1`,
        [body.id],
      );
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({
        request_id: 'issue-token-1',
        detail: { label: 'rack 12', expires_in_days: 30, max_uses: 5, prefix: body.prefix },
      });
      expect(audit[0].text).not.toContain(body.token.slice(4));
    });

    it('defaults to no expiry and unlimited uses', async () => {
      const body = await issue(tenantA, { label: 'open' });
      expect(body).toMatchObject({ max_uses: null, expires_at: null, status: 'active' });
    });

    it('lists tokens without the plaintext, with uses, last use and each status', async () => {
      const t = await issue(tenantB, { label: 'active one', max_uses: 3 });
      const expired = await issue(tenantB, { label: 'expired one' });
      const revoked = await issue(tenantB, { label: 'revoked one' });
      const exhausted = await issue(tenantB, { label: 'exhausted one', max_uses: 1 });
      await h.sql(
        `UPDATE registry_enrollment_tokens SET expires_at = now() - interval '1 minute' WHERE id = $1`,
        [expired.id],
      );
      expect((await op(http().delete(`${tokensOf(tenantB)}/${revoked.id}`))).status).toBe(204);
      await redeemer.redeem(t.token, identity('list-1'), recordHost);
      await redeemer.redeem(exhausted.token, identity('list-2'), recordHost);

      const res = await viewer(http().get(tokensOf(tenantB)));
      expect(res.status).toBe(200);
      for (const issued of [t, expired, revoked, exhausted]) expect(res.text).not.toContain(issued.token);
      const items = res.body.items as Record<string, unknown>[];
      expect(items.every((item) => !('token' in item) && !('token_hash' in item))).toBe(true);
      const byLabel = Object.fromEntries(items.map((item) => [item.label, item]));
      expect(Object.keys(byLabel)).toEqual(['active one', 'expired one', 'revoked one', 'exhausted one']);
      expect(byLabel['active one']).toMatchObject({ status: 'active', uses: 1, max_uses: 3 });
      expect(byLabel['active one'].last_used_at).toEqual(expect.any(String));
      expect(byLabel['expired one']).toMatchObject({ status: 'expired', uses: 0, last_used_at: null });
      expect(byLabel['revoked one']).toMatchObject({ status: 'revoked' });
      expect(byLabel['revoked one'].revoked_at).toEqual(expect.any(String));
      expect(byLabel['exhausted one']).toMatchObject({ status: 'exhausted', uses: 1, max_uses: 1 });
    });

    it('revokes idempotently (204 twice, revoked_at kept, audited once); a revoked token enrols nothing', async () => {
      const t = await issue(tenantA, { label: 'to revoke' });
      expect((await op(http().delete(`${tokensOf(tenantA)}/${t.id}`))).status).toBe(204);
      const [first] = await h.sql<{ revoked_at: Date }>(
        `SELECT revoked_at FROM registry_enrollment_tokens WHERE id = $1`,
        [t.id],
      );
      const again = await op(http().delete(`${tokensOf(tenantA)}/${t.id}`));
      expect(again.status).toBe(204);
      expect(again.text).toBe('');
      const [second] = await h.sql<{ revoked_at: Date }>(
        `SELECT revoked_at FROM registry_enrollment_tokens WHERE id = $1`,
        [t.id],
      );
      expect(second.revoked_at).toEqual(first.revoked_at);
      expect(
        await h.count('registry_audit_log', `action = 'enrollment_token.revoke' AND target_id = $1`, [t.id]),
      ).toBe(1);
      await expect(redeemer.redeem(t.token, identity('after-revoke'), recordHost)).rejects.toMatchObject({
        reason: 'revoked',
      });
    });

    it('revoking an unknown token, another tenant’s token or a non-UUID id: 404 / 404 / 400', async () => {
      const other = await issue(tenantB, { label: 'b only' });
      const unknown = await op(http().delete(`${tokensOf(tenantA)}/${MISSING}`));
      expect(unknown.status).toBe(404);
      expect(unknown.body).toMatchObject({
        code: 'enrollment_token_not_found',
        title: 'Enrollment token not found',
        detail: `tenant ${tenantA} has no enrollment token ${MISSING}`,
      });
      const crossTenant = await op(http().delete(`${tokensOf(tenantA)}/${other.id}`));
      expect(crossTenant.status).toBe(404);
      expect(crossTenant.body.code).toBe('enrollment_token_not_found');
      expect(await h.count('registry_enrollment_tokens', 'id = $1 AND revoked_at IS NULL', [other.id])).toBe(
        1,
      );
      const junk = await op(http().delete(`${tokensOf(tenantA)}/not-a-uuid`));
      expect(junk.status).toBe(400);
      expect(junk.body).toMatchObject({
        code: 'validation_failed',
        errors: [{ field: 'token_id', messages: ['token_id must be a UUID'] }],
      });
      const noTenant = await op(http().delete(`${tokensOf(MISSING)}/${other.id}`));
      expect(noTenant.status).toBe(404);
      expect(noTenant.body.code).toBe('tenant_not_found');
    });

    it.each<[string, Record<string, unknown>, string[]]>([
      ['no label', {}, ['label']],
      ['empty label', { label: '' }, ['label']],
      ['label of 201 characters', { label: 'x'.repeat(201) }, ['label']],
      ['label not a string', { label: 7 }, ['label']],
      ['expires_in_days 0', { label: 'x', expires_in_days: 0 }, ['expires_in_days']],
      ['expires_in_days 3651', { label: 'x', expires_in_days: 3651 }, ['expires_in_days']],
      ['expires_in_days 1.5', { label: 'x', expires_in_days: 1.5 }, ['expires_in_days']],
      ['expires_in_days as a string', { label: 'x', expires_in_days: '5' }, ['expires_in_days']],
      ['max_uses 0', { label: 'x', max_uses: 0 }, ['max_uses']],
      ['max_uses 100001', { label: 'x', max_uses: 100_001 }, ['max_uses']],
      ['an unknown property', { label: 'x', uses: 3 }, ['uses']],
      ['several at once', { max_uses: -1, expires_in_days: 99999 }, ['expires_in_days', 'label', 'max_uses']],
    ])('%s -> 400 validation_failed, nothing stored', async (_name, body, fields) => {
      const before = await h.count('registry_enrollment_tokens');
      const res = await op(http().post(tokensOf(tenantA))).send(body);
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.code).toBe('validation_failed');
      expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(fields);
      expect(await h.count('registry_enrollment_tokens')).toBe(before);
    });

    it('accepts the bounds (1 and 3650 days, 1 and 100000 uses)', async () => {
      await issue(tenantA, { label: 'l'.repeat(200), expires_in_days: 1, max_uses: 1 });
      const top = await issue(tenantA, { label: 'top', expires_in_days: 3650, max_uses: 100_000 });
      expect(top.max_uses).toBe(100_000);
    });

    it('issues tokens only for tenants that exist and are not being deleted', async () => {
      const before = await h.count('registry_enrollment_tokens');
      const missing = await op(http().post(tokensOf(MISSING))).send({ label: 'x' });
      expect(missing.status).toBe(404);
      expect(missing.body.code).toBe('tenant_not_found');
      for (const status of ['deprovisioning', 'deleted']) {
        const id = await tenant(`gone_${status.slice(0, 6)}`, status);
        const res = await op(http().post(tokensOf(id))).send({ label: 'x' });
        expect(res.status).toBe(409);
        expect(res.body).toMatchObject({ code: 'invalid_tenant_state' });
        expect(res.body.detail).toContain(`is ${status}`);
      }
      expect(await h.count('registry_enrollment_tokens')).toBe(before);
      const pending = await tenant('not_yet', 'pending');
      await issue(pending, { label: 'early' });
      const listMissing = await op(http().get(tokensOf(MISSING)));
      expect(listMissing.status).toBe(404);
      expect(listMissing.body.code).toBe('tenant_not_found');
    });

    it('a viewer reads but cannot issue or revoke (403 forbidden)', async () => {
      const t = await issue(tenantA, { label: 'viewer test' });
      const before = await h.count('registry_enrollment_tokens');
      const post = await viewer(http().post(tokensOf(tenantA))).send({ label: 'nope' });
      expect(post.status).toBe(403);
      expect(post.body.code).toBe('forbidden');
      const del = await viewer(http().delete(`${tokensOf(tenantA)}/${t.id}`));
      expect(del.status).toBe(403);
      expect(await h.count('registry_enrollment_tokens')).toBe(before);
      expect(await h.count('registry_enrollment_tokens', 'id = $1 AND revoked_at IS NULL', [t.id])).toBe(1);
      expect((await viewer(http().get(tokensOf(tenantA)))).status).toBe(200);
    });
  });

  describe('host index', () => {
    let hostTenant: string;
    let tokenId: string;
    const hostIds: string[] = [];

    beforeAll(async () => {
      hostTenant = await tenant('hosts_t', 'active');
      const t = await issue(hostTenant, { label: 'hosts' });
      tokenId = t.id;
      for (const machine of ['m-1', 'm-2', 'm-3']) {
        hostIds.push((await redeemer.redeem(t.token, identity(machine), recordHost)).hostId);
      }
    });

    it('lists the tenant’s hosts without credential hashes, paged', async () => {
      const res = await viewer(http().get(hostsOf(hostTenant)));
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ total: 3, limit: 50, offset: 0 });
      expect(res.body.items.map((i: { machine_id: string }) => i.machine_id)).toEqual(['m-1', 'm-2', 'm-3']);
      expect(res.body.items[0]).toEqual({
        host_id: hostIds[0],
        tenant_id: hostTenant,
        machine_id: 'm-1',
        enrollment_token_id: tokenId,
        revoked: false,
        credential_revoked_at: null,
        created_at: expect.any(String),
      });
      const page = await viewer(http().get(`${hostsOf(hostTenant)}?limit=1&offset=1`));
      expect(page.body).toMatchObject({ total: 3, limit: 1, offset: 1, items: [{ host_id: hostIds[1] }] });
      const bad = await viewer(http().get(`${hostsOf(hostTenant)}?limit=0`));
      expect(bad.status).toBe(400);
      expect(bad.body.errors[0].field).toBe('limit');
      expect((await viewer(http().get(hostsOf(tenantA)))).body.total).toBe(
        await h.count('registry_host_index', 'tenant_id = $1', [tenantA]),
      );
      const missing = await viewer(http().get(hostsOf(MISSING)));
      expect(missing.status).toBe(404);
      expect(missing.body.code).toBe('tenant_not_found');
    });

    it('revokes a host credential (204), audits it and publishes credential_revoked after commit', async () => {
      const sub = new Inbox(nc, hostEventSubject(HostEventKind.CREDENTIAL_REVOKED));
      await nc.flush();
      const res = await op(http().delete(`${hostsOf(hostTenant)}/${hostIds[0]}/credential`));
      expect(res.status).toBe(204);
      const data = await sub.next(5_000);
      expect(data).not.toBeNull();
      const event = validateMessage(HostEvent, data);
      expect(event).toMatchObject({
        kind: HostEventKind.CREDENTIAL_REVOKED,
        tenantId: hostTenant,
        hostId: hostIds[0],
        tokenId,
      });
      expect(Math.abs(Date.parse(event.occurredAt) - Date.now())).toBeLessThan(10_000);
      // Published after commit: whoever receives the event reads the revocation.
      const [row] = await h.sql<{ credential_revoked_at: Date | null }>(
        `SELECT credential_revoked_at FROM registry_host_index WHERE host_id = $1`,
        [hostIds[0]],
      );
      expect(row.credential_revoked_at).toBeInstanceOf(Date);
      expect(
        await h.count('registry_audit_log', `action = 'host.credential.revoke' AND target_id = $1`, [
          hostIds[0],
        ]),
      ).toBe(1);

      const list = await viewer(http().get(hostsOf(hostTenant)));
      expect(list.body.items[0]).toMatchObject({ host_id: hostIds[0], revoked: true });
      expect(list.body.items[1]).toMatchObject({ host_id: hostIds[1], revoked: false });

      // A repeat changes nothing but sends the event again.
      const again = await op(http().delete(`${hostsOf(hostTenant)}/${hostIds[0]}/credential`));
      expect(again.status).toBe(204);
      const resent = await sub.next(5_000);
      expect(validateMessage(HostEvent, resent)).toMatchObject({ hostId: hostIds[0] });
      const [after] = await h.sql<{ credential_revoked_at: Date | null }>(
        `SELECT credential_revoked_at FROM registry_host_index WHERE host_id = $1`,
        [hostIds[0]],
      );
      expect(after.credential_revoked_at).toEqual(row.credential_revoked_at);
      expect(
        await h.count('registry_audit_log', `action = 'host.credential.revoke' AND target_id = $1`, [
          hostIds[0],
        ]),
      ).toBe(1);
      sub.close();
    });

    it('unknown host, another tenant’s host, bad id or a viewer: 404 / 404 / 400 / 403, nothing revoked or published', async () => {
      const sub = new Inbox(nc, hostEventSubject(HostEventKind.CREDENTIAL_REVOKED));
      await nc.flush();
      const unknown = await op(http().delete(`${hostsOf(hostTenant)}/${MISSING}/credential`));
      expect(unknown.status).toBe(404);
      expect(unknown.body).toMatchObject({ code: 'host_not_found', title: 'Host not found' });
      const crossTenant = await op(http().delete(`${hostsOf(tenantA)}/${hostIds[1]}/credential`));
      expect(crossTenant.status).toBe(404);
      expect(crossTenant.body.code).toBe('host_not_found');
      const junk = await op(http().delete(`${hostsOf(hostTenant)}/x/credential`));
      expect(junk.status).toBe(400);
      expect(junk.body.errors).toEqual([{ field: 'host_id', messages: ['host_id must be a UUID'] }]);
      const forbidden = await viewer(http().delete(`${hostsOf(hostTenant)}/${hostIds[1]}/credential`));
      expect(forbidden.status).toBe(403);
      expect(forbidden.body.code).toBe('forbidden');
      expect(
        await h.count('registry_host_index', 'host_id = $1 AND credential_revoked_at IS NULL', [hostIds[1]]),
      ).toBe(1);
      expect(await sub.next(500)).toBeNull();
      sub.close();
    });
  });
});
