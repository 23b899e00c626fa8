import { createChainDataSource } from '@sysmanage/schema';
import { type PgInstance, TestEnvironment } from '@sysmanage/testing';
import { Client, Pool } from 'pg';
import type { DataSource } from 'typeorm';
import { ensureCollapsedTenant } from './collapsed-tenant';
import { COLLAPSED_TENANT_ID, type HostIdentity, type RecordHost } from './enrollment.types';
import { EnrollmentError, EnrollmentErrorCode, EnrollmentRefusedError } from './enrollment-error';
import { EnrollmentRedeemer } from './enrollment-redeemer';
import { generateToken, hashToken, tokenDisplayPrefix } from './token-material';

jest.setTimeout(120_000);

const REGISTRY = 'sysmanage_registry';
const TENANT_DB = 'tenant_hosts';

interface TokenOptions {
  maxUses?: number | null;
  expiresAt?: string | null;
  revoked?: boolean;
}

const identity = (machineId: string): HostIdentity => ({
  hostname: `host-${machineId}`,
  fqdn: null,
  machineId,
  os: 'Linux',
  osVersion: '6.1',
  agentVersion: '1.0.0',
});

describe('EnrollmentRedeemer against a real registry database', () => {
  const env = new TestEnvironment();
  let pg: PgInstance;
  let ds: DataSource;
  let tenantDb: Pool;
  let redeemer: EnrollmentRedeemer;
  let tenantA: string;
  let tenantB: string;
  let suspended: string;
  let recorded: { tenantId: string; proposed: string }[] = [];

  /** Upserts on machine_id into a real table of another database, as ingest's tenant writer does. */
  const record =
    (machineId: string): RecordHost =>
    async (tenant, proposedHostId) => {
      recorded.push({ tenantId: tenant.tenantId, proposed: proposedHostId });
      const { rows } = await tenantDb.query<{ id: string }>(
        `INSERT INTO hosts (id, tenant_id, machine_id) VALUES ($1, $2, $3)
         ON CONFLICT (tenant_id, machine_id) DO UPDATE SET seen = hosts.seen + 1 RETURNING id`,
        [proposedHostId, tenant.tenantId, machineId],
      );
      return rows[0].id;
    };

  const sql = async <R>(text: string, params: unknown[] = []): Promise<R[]> =>
    (await ds.query(text, params)) as R[];

  async function tenant(slug: string, status: string): Promise<string> {
    const [row] = await sql<{ id: string }>(
      `INSERT INTO registry_tenants (slug, name, status) VALUES ($1, $1, $2) RETURNING id`,
      [slug, status],
    );
    return row.id;
  }

  async function token(tenantId: string, options: TokenOptions = {}): Promise<{ id: string; token: string }> {
    const plain = generateToken('sme_');
    const [row] = await sql<{ id: string }>(
      `INSERT INTO registry_enrollment_tokens (tenant_id, label, token_hash, prefix, max_uses, expires_at, revoked_at)
       VALUES ($1, 'test', $2, $3, $4, $5, CASE WHEN $6 THEN now() END) RETURNING id`,
      [
        tenantId,
        hashToken(plain),
        tokenDisplayPrefix(plain),
        options.maxUses ?? null,
        options.expiresAt ?? null,
        options.revoked ?? false,
      ],
    );
    return { id: row.id, token: plain };
  }

  const uses = async (tokenId: string): Promise<number> =>
    (await sql<{ uses: number }>(`SELECT uses FROM registry_enrollment_tokens WHERE id = $1`, [tokenId]))[0]
      .uses;
  const indexRows = async (tokenId: string): Promise<number> =>
    (
      await sql<{ n: number }>(
        `SELECT count(*)::int AS n FROM registry_host_index WHERE enrollment_token_id = $1`,
        [tokenId],
      )
    )[0].n;

  async function refusal(promise: Promise<unknown>): Promise<EnrollmentRefusedError> {
    const error = await promise.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(EnrollmentRefusedError);
    return error as EnrollmentRefusedError;
  }

  beforeAll(async () => {
    pg = await env.postgres({ name: 'enrollment' });
    await pg.createDatabase(REGISTRY);
    await pg.createDatabase(TENANT_DB);
    await pg.query(
      `CREATE TABLE hosts (id uuid PRIMARY KEY, tenant_id uuid NOT NULL, machine_id text NOT NULL, seen int NOT NULL DEFAULT 0,
        UNIQUE (tenant_id, machine_id))`,
      [],
      TENANT_DB,
    );
    tenantDb = new Pool({ ...pg.clientConfig(TENANT_DB), max: 10 });
    ds = createChainDataSource('registry', pg.clientConfig(REGISTRY));
    await ds.initialize();
    await ds.runMigrations();
    redeemer = new EnrollmentRedeemer(ds);
    tenantA = await tenant('ta', 'active');
    tenantB = await tenant('tb', 'active');
    suspended = await tenant('ts', 'suspended');
  });

  beforeEach(() => {
    recorded = [];
  });

  afterAll(async () => {
    await tenantDb?.end();
    await ds?.destroy();
    await env.stopAll();
  });

  it('admits exactly max_uses hosts out of 50 concurrent registrations with one token', async () => {
    const { id, token: plain } = await token(tenantA, { maxUses: 10 });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) =>
        redeemer.redeem(plain, identity(`race-${i}`), record(`race-${i}`)),
      ),
    );
    const admitted = outcomes.filter((o) => o.status === 'fulfilled');
    const refused = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []));
    expect(admitted).toHaveLength(10);
    expect(refused).toHaveLength(40);
    for (const error of refused) {
      expect(error).toBeInstanceOf(EnrollmentRefusedError);
      expect(error).toMatchObject({ reason: 'exhausted', tokenId: id, tenantId: tenantA });
    }
    expect(await uses(id)).toBe(10);
    expect(await indexRows(id)).toBe(10);
    // Only admitted registrations reached the tenant database.
    expect(recorded).toHaveLength(10);
    const hostIds = admitted.map((o) => (o.status === 'fulfilled' ? o.value.hostId : ''));
    expect(new Set(hostIds).size).toBe(10);
    const audit = await sql<{ action: string; n: number }>(
      `SELECT action, count(*)::int AS n FROM registry_audit_log WHERE detail->>'token_id' = $1 GROUP BY action ORDER BY action`,
      [id],
    );
    expect(audit).toEqual([
      { action: 'host.enroll', n: 10 },
      { action: 'host.enroll.refused', n: 40 },
    ]);
  });

  it('binds a new host with a hashed smh_ credential, counts the use and audits it without secrets', async () => {
    const { id, token: plain } = await token(tenantA, { maxUses: 5 });
    const result = await redeemer.redeem(plain, identity('fresh-1'), record('fresh-1'));
    expect(result).toMatchObject({ tenantId: tenantA, slug: 'ta', tokenId: id, reEnrolled: false });
    expect(result.hostToken).toMatch(/^smh_[A-Za-z0-9_-]{43}$/);
    expect(recorded).toEqual([{ tenantId: tenantA, proposed: result.hostId }]);
    const [row] = await sql<{ credential_hash: string; machine_id: string; tenant_id: string }>(
      `SELECT credential_hash, machine_id, tenant_id FROM registry_host_index WHERE host_id = $1`,
      [result.hostId],
    );
    expect(row).toEqual({
      credential_hash: hashToken(result.hostToken),
      machine_id: 'fresh-1',
      tenant_id: tenantA,
    });
    expect(await uses(id)).toBe(1);
    const [lastUsed] = await sql<{ set: boolean }>(
      `SELECT last_used_at IS NOT NULL AS set FROM registry_enrollment_tokens WHERE id = $1`,
      [id],
    );
    expect(lastUsed.set).toBe(true);
    const audit = await sql<{ actor: string; target_id: string; tenant_id: string; detail: unknown }>(
      `SELECT actor, target_id, tenant_id, detail FROM registry_audit_log WHERE action = 'host.enroll' AND target_id = $1`,
      [result.hostId],
    );
    expect(audit).toEqual([
      {
        actor: 'system:enrollment',
        target_id: result.hostId,
        tenant_id: tenantA,
        detail: { machine_id: 'fresh-1', hostname: 'host-fresh-1', token_id: id },
      },
    ]);
    const everything = JSON.stringify(await sql(`SELECT * FROM registry_audit_log`));
    expect(everything).not.toContain(plain);
    expect(everything).not.toContain(result.hostToken);
  });

  it('a recordHost that throws leaves the use uncounted and the index untouched, and the error propagates', async () => {
    const { id, token: plain } = await token(tenantA, { maxUses: 1 });
    const boom = new Error('tenant database down');
    await expect(redeemer.redeem(plain, identity('broken-1'), () => Promise.reject(boom))).rejects.toBe(boom);
    expect(await uses(id)).toBe(0);
    expect(await indexRows(id)).toBe(0);
    expect(await sql(`SELECT 1 FROM registry_host_index WHERE machine_id = 'broken-1'`)).toEqual([]);
    // The single use is still available.
    const ok = await redeemer.redeem(plain, identity('broken-1'), record('broken-1'));
    expect(ok.reEnrolled).toBe(false);
    expect(await uses(id)).toBe(1);
  });

  it('a token held locked past the lock timeout gives EnrollmentError(BUSY), counts nothing, and blocks no other token', async () => {
    const impatient = new EnrollmentRedeemer(ds, 300);
    const held = await token(tenantA, { maxUses: 2 });
    const other = await token(tenantB, { maxUses: 2 });
    const holder = new Client(pg.clientConfig(REGISTRY));
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query(`SELECT 1 FROM registry_enrollment_tokens WHERE id = $1 FOR UPDATE`, [held.id]);
      const started = Date.now();
      const error = await impatient.redeem(held.token, identity('busy-1'), record('busy-1')).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(EnrollmentError);
      expect(error).toMatchObject({ code: EnrollmentErrorCode.BUSY });
      expect(Date.now() - started).toBeLessThan(5_000);
      // Another tenant's token is not behind the held lock.
      const unblocked = await impatient.redeem(other.token, identity('busy-2'), record('busy-2'));
      expect(unblocked.tenantId).toBe(tenantB);
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
    }
    expect(await uses(held.id)).toBe(0);
    expect(recorded.map((r) => r.tenantId)).toEqual([tenantB]);
    const after = await impatient.redeem(held.token, identity('busy-1'), record('busy-1'));
    expect(after.reEnrolled).toBe(false);
    expect(await uses(held.id)).toBe(1);
  });

  it('a machine held locked by another registration past the lock timeout gives BUSY and counts nothing', async () => {
    const impatient = new EnrollmentRedeemer(ds, 300);
    const fresh = await token(tenantA, { maxUses: 2 });
    const holder = new Client(pg.clientConfig(REGISTRY));
    await holder.connect();
    try {
      // What a concurrent registration of the same machine in the same tenant holds (the redeemer's key).
      await holder.query('BEGIN');
      await holder.query(`SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))`, [
        tenantA,
        'machine-held',
      ]);
      await expect(
        impatient.redeem(fresh.token, identity('machine-held'), record('machine-held')),
      ).rejects.toMatchObject({ code: EnrollmentErrorCode.BUSY });
      // The token itself is not held: another machine enrols meanwhile.
      const other = await impatient.redeem(fresh.token, identity('machine-free'), record('machine-free'));
      expect(other.reEnrolled).toBe(false);
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
    }
    expect(await uses(fresh.id)).toBe(1);
    const after = await impatient.redeem(fresh.token, identity('machine-held'), record('machine-held'));
    expect(after.reEnrolled).toBe(false);
    expect(await uses(fresh.id)).toBe(2);
  });

  it.each([0, -5, 1.5, Number.NaN])('refuses a lock timeout of %p ms at construction', (ms) => {
    expect(() => new EnrollmentRedeemer(ds, ms)).toThrow(
      expect.objectContaining({ code: EnrollmentErrorCode.INVALID_SETTING }),
    );
  });

  describe('refusals: EnrollmentRefusedError(reason), audited with the reason and token id, nothing bound', () => {
    const refusedAudit = async (machineId: string) =>
      sql<{ tenant_id: string | null; detail: Record<string, unknown> }>(
        `SELECT tenant_id, detail FROM registry_audit_log WHERE action = 'host.enroll.refused' AND detail->>'machine_id' = $1`,
        [machineId],
      );

    it.each(['', 'nope', 'sme_short', 'smh_' + 'a'.repeat(43), `sme_${'a'.repeat(42)}!`])(
      'malformed token %j',
      async (bad) => {
        const machine = `malformed-${bad.length}-${bad.slice(0, 4)}`;
        const error = await refusal(redeemer.redeem(bad, identity(machine), record(machine)));
        expect(error).toMatchObject({ reason: 'malformed', tokenId: null, tenantId: null });
        expect(recorded).toEqual([]);
        expect(await refusedAudit(machine)).toEqual([
          {
            tenant_id: null,
            detail: { reason: 'malformed', token_id: null, machine_id: machine, hostname: `host-${machine}` },
          },
        ]);
      },
    );

    it('unknown token', async () => {
      const plain = generateToken('sme_');
      const error = await refusal(redeemer.redeem(plain, identity('unknown-1'), record('unknown-1')));
      expect(error).toMatchObject({ reason: 'unknown', tokenId: null });
      const [row] = await refusedAudit('unknown-1');
      expect(row.detail).toMatchObject({ reason: 'unknown', token_prefix: tokenDisplayPrefix(plain) });
      expect(JSON.stringify(row)).not.toContain(plain);
    });

    it.each<[string, () => Promise<string>, TokenOptions]>([
      ['expired', async () => tenantA, { expiresAt: '2020-01-01T00:00:00Z' }],
      ['revoked', async () => tenantA, { revoked: true }],
      ['tenant_not_active', async () => suspended, {}],
    ])('%s', async (reason, tenantOf, options) => {
      const tenantId = await tenantOf();
      const { id, token: plain } = await token(tenantId, options);
      const machine = `refused-${reason}`;
      const error = await refusal(redeemer.redeem(plain, identity(machine), record(machine)));
      expect(error).toMatchObject({ reason, tokenId: id, tenantId });
      expect(error.message).toBe(`enrollment refused: ${reason}`);
      expect(recorded).toEqual([]);
      expect(await uses(id)).toBe(0);
      expect(await indexRows(id)).toBe(0);
      const [row] = await refusedAudit(machine);
      expect(row).toEqual({
        tenant_id: tenantId,
        detail: {
          reason,
          token_id: id,
          token_prefix: tokenDisplayPrefix(plain),
          machine_id: machine,
          hostname: `host-${machine}`,
        },
      });
    });

    it('exhausted', async () => {
      const { id, token: plain } = await token(tenantA, { maxUses: 1 });
      await redeemer.redeem(plain, identity('exhaust-1'), record('exhaust-1'));
      recorded = [];
      const error = await refusal(redeemer.redeem(plain, identity('exhaust-2'), record('exhaust-2')));
      expect(error).toMatchObject({ reason: 'exhausted', tokenId: id, tenantId: tenantA });
      expect(recorded).toEqual([]);
      expect(await uses(id)).toBe(1);
      expect(await indexRows(id)).toBe(1);
    });

    it('a token of a tenant suspended after issue', async () => {
      const paused = await tenant('tpaused', 'active');
      const { id, token: plain } = await token(paused);
      await redeemer.redeem(plain, identity('paused-1'), record('paused-1'));
      await sql(`UPDATE registry_tenants SET status = 'suspended' WHERE id = $1`, [paused]);
      const again = await refusal(redeemer.redeem(plain, identity('paused-1'), record('paused-1')));
      const fresh = await refusal(redeemer.redeem(plain, identity('paused-2'), record('paused-2')));
      expect([again.reason, fresh.reason]).toEqual(['tenant_not_active', 'tenant_not_active']);
      expect(await uses(id)).toBe(1);
    });
  });

  describe('re-registration', () => {
    it('returns the same host id, rotates the credential, counts no use, even on an exhausted token', async () => {
      const { id, token: plain } = await token(tenantA, { maxUses: 1 });
      const first = await redeemer.redeem(plain, identity('again-1'), record('again-1'));
      const hashBefore = hashToken(first.hostToken);
      const second = await redeemer.redeem(plain, identity('again-1'), record('again-1'));
      expect(second).toMatchObject({
        hostId: first.hostId,
        tenantId: tenantA,
        tokenId: id,
        reEnrolled: true,
      });
      expect(second.hostToken).not.toBe(first.hostToken);
      expect(recorded.map((r) => r.proposed)).toEqual([first.hostId, first.hostId]);
      const rows = await sql<{ host_id: string; credential_hash: string }>(
        `SELECT host_id, credential_hash FROM registry_host_index WHERE tenant_id = $1 AND machine_id = 'again-1'`,
        [tenantA],
      );
      expect(rows).toEqual([{ host_id: first.hostId, credential_hash: hashToken(second.hostToken) }]);
      expect(rows[0].credential_hash).not.toBe(hashBefore);
      expect(await uses(id)).toBe(1);
      expect(
        await sql(`SELECT action FROM registry_audit_log WHERE target_id = $1 ORDER BY id`, [first.hostId]),
      ).toEqual([{ action: 'host.enroll' }, { action: 'host.reenroll' }]);
    });

    it('clears an admin revocation with the rotated credential', async () => {
      const { token: plain } = await token(tenantA);
      const first = await redeemer.redeem(plain, identity('revoked-host'), record('revoked-host'));
      await sql(`UPDATE registry_host_index SET credential_revoked_at = now() WHERE host_id = $1`, [
        first.hostId,
      ]);
      const second = await redeemer.redeem(plain, identity('revoked-host'), record('revoked-host'));
      const [row] = await sql<{ revoked: boolean; credential_hash: string }>(
        `SELECT credential_revoked_at IS NOT NULL AS revoked, credential_hash FROM registry_host_index WHERE host_id = $1`,
        [first.hostId],
      );
      expect(row).toEqual({ revoked: false, credential_hash: hashToken(second.hostToken) });
    });

    it('is refused with a revoked token', async () => {
      const { id, token: plain } = await token(tenantA);
      const first = await redeemer.redeem(plain, identity('again-revoked'), record('again-revoked'));
      await sql(`UPDATE registry_enrollment_tokens SET revoked_at = now() WHERE id = $1`, [id]);
      const error = await refusal(redeemer.redeem(plain, identity('again-revoked'), record('again-revoked')));
      expect(error.reason).toBe('revoked');
      const [row] = await sql<{ credential_hash: string }>(
        `SELECT credential_hash FROM registry_host_index WHERE host_id = $1`,
        [first.hostId],
      );
      expect(row.credential_hash).toBe(hashToken(first.hostToken));
    });

    it('follows the host id the tenant database already holds for the machine', async () => {
      const { id, token: plain } = await token(tenantB);
      const stored = '6f1c1d7e-1111-4222-8333-444455556666';
      const result = await redeemer.redeem(plain, identity('pre-existing'), async () => stored);
      expect(result).toMatchObject({ hostId: stored, reEnrolled: false });
      expect(
        await sql(`SELECT host_id FROM registry_host_index WHERE enrollment_token_id = $1`, [id]),
      ).toEqual([{ host_id: stored }]);
    });

    it('the same machine in another tenant is another host', async () => {
      const a = await redeemer.redeem(
        (await token(tenantA)).token,
        identity('shared-machine'),
        record('shared-machine'),
      );
      const b = await redeemer.redeem(
        (await token(tenantB)).token,
        identity('shared-machine'),
        record('shared-machine'),
      );
      expect(b.hostId).not.toBe(a.hostId);
      expect([a.tenantId, b.tenantId]).toEqual([tenantA, tenantB]);
      expect(b.reEnrolled).toBe(false);
    });

    it('two tokens of one tenant racing for one machine give one host, one use', async () => {
      const one = await token(tenantA);
      const two = await token(tenantA);
      const results = await Promise.all([
        redeemer.redeem(one.token, identity('racing-machine'), record('racing-machine')),
        redeemer.redeem(two.token, identity('racing-machine'), record('racing-machine')),
      ]);
      expect(results[0].hostId).toBe(results[1].hostId);
      expect(results.map((r) => r.reEnrolled).sort()).toEqual([false, true]);
      expect((await uses(one.id)) + (await uses(two.id))).toBe(1);
    });
  });

  describe('collapsed mode', () => {
    it('binds tokenless registrations to the built-in tenant, created idempotently', async () => {
      await ensureCollapsedTenant(ds);
      await Promise.all([ensureCollapsedTenant(ds), ensureCollapsedTenant(ds)]);
      expect(
        await sql(`SELECT slug, status FROM registry_tenants WHERE id = $1`, [COLLAPSED_TENANT_ID]),
      ).toEqual([{ slug: 'default', status: 'active' }]);
      const first = await redeemer.registerWithoutToken(identity('solo-1'), record('solo-1'));
      expect(first).toMatchObject({
        tenantId: COLLAPSED_TENANT_ID,
        slug: 'default',
        tokenId: null,
        reEnrolled: false,
      });
      const again = await redeemer.registerWithoutToken(identity('solo-1'), record('solo-1'));
      expect(again).toMatchObject({ hostId: first.hostId, reEnrolled: true });
      expect(again.hostToken).not.toBe(first.hostToken);
      expect(
        await sql(
          `SELECT enrollment_token_id, credential_hash FROM registry_host_index WHERE tenant_id = $1 AND machine_id = 'solo-1'`,
          [COLLAPSED_TENANT_ID],
        ),
      ).toEqual([{ enrollment_token_id: null, credential_hash: hashToken(again.hostToken) }]);
    });

    it('audits a tokenless attempt refused because a token is required', async () => {
      const error = await refusal(redeemer.refuseTokenRequired(identity('solo-2')));
      expect(error).toMatchObject({ reason: 'token_required', tokenId: null, tenantId: COLLAPSED_TENANT_ID });
      expect(
        await sql(
          `SELECT tenant_id, detail->>'reason' AS reason FROM registry_audit_log WHERE detail->>'machine_id' = 'solo-2'`,
        ),
      ).toEqual([{ tenant_id: COLLAPSED_TENANT_ID, reason: 'token_required' }]);
      expect(await sql(`SELECT 1 FROM registry_host_index WHERE machine_id = 'solo-2'`)).toEqual([]);
    });
  });
});
