import { Inject, Injectable, Optional } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, QueryFailedError } from 'typeorm';
import {
  COLLAPSED_TENANT_ID,
  type EnrollmentRedemption,
  type EnrollmentRefusalReason,
  type EnrollmentResult,
  type EnrollmentTenant,
  type HostIdentity,
  type RecordHost,
} from './enrollment.types';
import { appendEnrollmentAudit, enrollmentAuditInsert, type Queryable } from './enrollment-audit';
import { EnrollmentError, EnrollmentErrorCode, EnrollmentRefusedError } from './enrollment-error';
import {
  ENROLLMENT_TOKEN_PREFIX,
  generateToken,
  hashToken,
  HOST_TOKEN_PREFIX,
  isWellFormedToken,
  tokenDisplayPrefix,
} from './token-material';

/** Injection token for EnrollmentRedeemer's lock timeout in ms (optional). */
export const ENROLLMENT_LOCK_TIMEOUT_MS = Symbol('ENROLLMENT_LOCK_TIMEOUT_MS');

/**
 * How long a registration waits for the token's (or the machine's) lock. A
 * waiter holds a registry connection, so without a bound one tenant's slow
 * database could starve every other tenant's registrations of connections.
 */
export const DEFAULT_ENROLLMENT_LOCK_TIMEOUT_MS = 10_000;

const LOCK_NOT_AVAILABLE = '55P03';

interface TokenRow {
  id: string;
  tenant_id: string;
  slug: string;
  tenant_status: string;
  max_uses: number | null;
  uses: number;
  revoked: boolean;
  expired: boolean;
}

// A registration is five round trips to the registry: BEGIN (with its lock timeout), LOCK_TOKEN (or
// LOCK_TENANT), FIND_HOST, BIND_NEW or BIND_AGAIN, COMMIT; the host row in the tenant database is written
// between FIND_HOST and the bind. Each round trip costs a system call and a wake-up on both sides, which is
// most of what a restart storm of registrations costs (tools/bench/ingest).

// The token row is locked for the whole redemption (uses is counted under that lock, so N uses admit exactly N
// hosts); the tenant row is share-locked, so a suspension waits for a running enrolment instead of racing it.
// Expiry is judged by the database clock, the same clock that wrote expires_at. Once the token row is locked,
// the machine's advisory lock serialises registrations of one machine in one tenant, whichever token they use:
// the second one sees the first one's committed index row (FIND_HOST, a later statement with a fresh snapshot)
// and becomes a re-registration instead of a unique violation. MATERIALIZED keeps that order: row locks first.
const LOCK_TOKEN = `
  WITH token AS MATERIALIZED (
    SELECT t.id, t.tenant_id, n.slug, n.status AS tenant_status, t.max_uses, t.uses,
           t.revoked_at IS NOT NULL AS revoked,
           (t.expires_at IS NOT NULL AND t.expires_at <= now()) AS expired
      FROM registry_enrollment_tokens t JOIN registry_tenants n ON n.id = t.tenant_id
     WHERE t.token_hash = $1
       FOR UPDATE OF t FOR SHARE OF n
  )
  SELECT token.*, pg_advisory_xact_lock(hashtext(token.tenant_id::text), hashtext($2))::text AS machine_lock
    FROM token`;

// Collapsed mode: the built-in tenant row share-locked, then the machine's lock, as LOCK_TOKEN does.
const LOCK_TENANT = `
  WITH tenant AS MATERIALIZED (SELECT id, slug, status FROM registry_tenants WHERE id = $1 FOR SHARE)
  SELECT slug, status, pg_advisory_xact_lock(hashtext(tenant.id::text), hashtext($2))::text AS machine_lock
    FROM tenant`;

const FIND_HOST = `SELECT host_id FROM registry_host_index WHERE tenant_id = $1 AND machine_id = $2 FOR UPDATE`;

// A new host: its index row, the token's use (none without a token) and the audit row in one statement. The
// audit INSERT (enrollmentAuditInsert) follows with its parameters from $6.
const BIND_NEW = `
  WITH indexed AS (
    INSERT INTO registry_host_index (host_id, tenant_id, machine_id, enrollment_token_id, credential_hash)
    VALUES ($1, $2, $3, $4, $5)
  ), counted AS (
    UPDATE registry_enrollment_tokens SET uses = uses + 1, last_used_at = now() WHERE id = $4
  )`;

// A machine the tenant already has: a new credential replaces the old one (and any revocation of the old one):
// whoever holds a valid token of the tenant could enrol the machine afresh anyway; revoke the token to keep a
// host out. The host id follows the tenant database, which is where the host's data lives. No use is counted.
// The audit INSERT follows with its parameters from $5.
const BIND_AGAIN = `
  WITH indexed AS (
    UPDATE registry_host_index
       SET host_id = $2, credential_hash = $3, credential_revoked_at = NULL,
           enrollment_token_id = COALESCE($4, enrollment_token_id)
     WHERE host_id = $1
  )`;

/** Why a known token cannot enrol a new host; `exhausted` still allows re-registration of an enrolled one. */
function refusalOf(token: TokenRow): EnrollmentRefusalReason | null {
  if (token.revoked) return 'revoked';
  if (token.expired) return 'expired';
  if (token.tenant_status !== 'active') return 'tenant_not_active';
  if (token.max_uses !== null && token.uses >= token.max_uses) return 'exhausted';
  return null;
}

function identityDetail(identity: HostIdentity): Record<string, unknown> {
  return { machine_id: identity.machineId, hostname: identity.hostname };
}

/**
 * Redeems enrollment tokens against the registry database in one transaction
 * per registration (see EnrollmentRedemption). The caller's recordHost runs
 * inside that transaction: when it throws, nothing is committed and the use
 * stays uncounted. Every enrolment and every refusal is audited with the
 * token's id, never the token.
 */
@Injectable()
export class EnrollmentRedeemer implements EnrollmentRedemption {
  private readonly lockTimeoutMs: number;

  constructor(
    private readonly ds: DataSource,
    @Optional() @Inject(ENROLLMENT_LOCK_TIMEOUT_MS) lockTimeoutMs?: number,
  ) {
    this.lockTimeoutMs = lockTimeoutMs ?? DEFAULT_ENROLLMENT_LOCK_TIMEOUT_MS;
    if (!Number.isInteger(this.lockTimeoutMs) || this.lockTimeoutMs <= 0) {
      throw new EnrollmentError(
        EnrollmentErrorCode.INVALID_SETTING,
        `the enrollment lock timeout must be a positive integer of ms, got ${String(lockTimeoutMs)}`,
      );
    }
  }

  async redeem(
    enrollmentToken: string,
    identity: HostIdentity,
    recordHost: RecordHost,
  ): Promise<EnrollmentResult> {
    if (!isWellFormedToken(enrollmentToken, ENROLLMENT_TOKEN_PREFIX)) {
      return this.refuse(new EnrollmentRefusedError('malformed'), identity, null);
    }
    const tokenPrefix = tokenDisplayPrefix(enrollmentToken);
    try {
      return await this.transaction(async (db) => {
        const [token] = (await db.query(LOCK_TOKEN, [
          hashToken(enrollmentToken),
          identity.machineId,
        ])) as TokenRow[];
        if (!token) throw new EnrollmentRefusedError('unknown');
        const refusal = refusalOf(token);
        if (refusal !== null && refusal !== 'exhausted') {
          throw new EnrollmentRefusedError(refusal, token.id, token.tenant_id);
        }
        const tenant: EnrollmentTenant = { tenantId: token.tenant_id, slug: token.slug, tokenId: token.id };
        return this.bind(db, tenant, identity, recordHost, refusal === 'exhausted');
      });
    } catch (error) {
      if (error instanceof EnrollmentRefusedError) return this.refuse(error, identity, tokenPrefix);
      throw error;
    }
  }

  async registerWithoutToken(identity: HostIdentity, recordHost: RecordHost): Promise<EnrollmentResult> {
    try {
      return await this.transaction(async (db) => {
        const [row] = (await db.query(LOCK_TENANT, [COLLAPSED_TENANT_ID, identity.machineId])) as {
          slug: string;
          status: string;
        }[];
        if (!row) {
          throw new EnrollmentError(
            EnrollmentErrorCode.COLLAPSED_TENANT_MISSING,
            `the collapsed-mode tenant ${COLLAPSED_TENANT_ID} is missing: run ensureCollapsedTenant() at start`,
          );
        }
        if (row.status !== 'active') {
          throw new EnrollmentRefusedError('tenant_not_active', null, COLLAPSED_TENANT_ID);
        }
        const tenant: EnrollmentTenant = { tenantId: COLLAPSED_TENANT_ID, slug: row.slug, tokenId: null };
        return this.bind(db, tenant, identity, recordHost, false);
      });
    } catch (error) {
      if (error instanceof EnrollmentRefusedError) return this.refuse(error, identity, null);
      throw error;
    }
  }

  /**
   * For ingest in collapsed mode configured to require a token: audits the
   * tokenless attempt like any other refusal and throws
   * EnrollmentRefusedError('token_required').
   */
  refuseTokenRequired(identity: HostIdentity): Promise<never> {
    return this.refuse(
      new EnrollmentRefusedError('token_required', null, COLLAPSED_TENANT_ID),
      identity,
      null,
    );
  }

  /**
   * Records the host in its tenant database (the callback) and binds it in
   * the host index with a fresh credential: a new row (counting the token's
   * use), or, for a machine the tenant already has, the same host id with
   * the credential rotated. The caller holds the token (or tenant) and
   * machine locks.
   */
  private async bind(
    db: Queryable,
    tenant: EnrollmentTenant,
    identity: HostIdentity,
    recordHost: RecordHost,
    exhausted: boolean,
  ): Promise<EnrollmentResult> {
    const [existing] = (await db.query(FIND_HOST, [tenant.tenantId, identity.machineId])) as {
      host_id: string;
    }[];
    if (!existing && exhausted) {
      throw new EnrollmentRefusedError('exhausted', tenant.tokenId, tenant.tenantId);
    }
    const hostToken = generateToken(HOST_TOKEN_PREFIX);
    const credentialHash = hashToken(hostToken);
    const hostId = await recordHost(tenant, existing?.host_id ?? randomUUID());
    const reEnrolled = existing !== undefined;
    const bindValues = reEnrolled
      ? [existing.host_id, hostId, credentialHash, tenant.tokenId]
      : [hostId, tenant.tenantId, identity.machineId, tenant.tokenId, credentialHash];
    const audit = enrollmentAuditInsert(
      {
        action: reEnrolled ? 'host.reenroll' : 'host.enroll',
        hostId,
        tenantId: tenant.tenantId,
        detail: {
          ...identityDetail(identity),
          token_id: tenant.tokenId,
          ...(reEnrolled && existing.host_id !== hostId ? { previous_host_id: existing.host_id } : {}),
        },
      },
      bindValues.length + 1,
    );
    await db.query(`${reEnrolled ? BIND_AGAIN : BIND_NEW}\n  ${audit.sql}`, [...bindValues, ...audit.values]);
    return { ...tenant, hostId, hostToken, reEnrolled };
  }

  /**
   * One registry transaction, opened together with its bounded lock waits
   * in one round trip; a timed-out wait becomes EnrollmentError(BUSY).
   */
  private async transaction<T>(work: (db: Queryable) => Promise<T>): Promise<T> {
    const runner = this.ds.createQueryRunner();
    try {
      // lockTimeoutMs is a positive integer checked in the constructor, never input: safe as a literal.
      await runner.query(`BEGIN; SET LOCAL lock_timeout = ${this.lockTimeoutMs}`);
      let result: T;
      try {
        result = await work(runner);
      } catch (error) {
        await runner.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
      await runner.query('COMMIT');
      return result;
    } catch (error) {
      if (!(error instanceof QueryFailedError)) throw error;
      const driverError: { code?: unknown } = error.driverError;
      if (driverError.code !== LOCK_NOT_AVAILABLE) throw error;
      throw new EnrollmentError(
        EnrollmentErrorCode.BUSY,
        `registration waited more than ${this.lockTimeoutMs} ms for its enrollment token or machine; retry later`,
      );
    } finally {
      await runner.release();
    }
  }

  /** Audits the refusal outside the rolled-back transaction, then rethrows it. */
  private async refuse(
    error: EnrollmentRefusedError,
    identity: HostIdentity,
    tokenPrefix: string | null,
  ): Promise<never> {
    await appendEnrollmentAudit(this.ds, {
      action: 'host.enroll.refused',
      hostId: null,
      tenantId: error.tenantId,
      detail: {
        reason: error.reason,
        token_id: error.tokenId,
        ...(tokenPrefix === null ? {} : { token_prefix: tokenPrefix }),
        ...identityDetail(identity),
      },
    });
    throw error;
  }
}
