import { Inject, Injectable, Optional } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager, QueryFailedError } from 'typeorm';
import {
  COLLAPSED_TENANT_ID,
  type EnrollmentRedemption,
  type EnrollmentRefusalReason,
  type EnrollmentResult,
  type EnrollmentTenant,
  type HostIdentity,
  type RecordHost,
} from './enrollment.types';
import { appendEnrollmentAudit } from './enrollment-audit';
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

// The token row is locked for the whole redemption (uses is counted under that lock, so N uses admit exactly N
// hosts); the tenant row is share-locked, so a suspension waits for a running enrolment instead of racing it.
// Expiry is judged by the database clock, the same clock that wrote expires_at.
const LOCK_TOKEN = `
  SELECT t.id, t.tenant_id, n.slug, n.status AS tenant_status, t.max_uses, t.uses,
         t.revoked_at IS NOT NULL AS revoked,
         (t.expires_at IS NOT NULL AND t.expires_at <= now()) AS expired
    FROM registry_enrollment_tokens t JOIN registry_tenants n ON n.id = t.tenant_id
   WHERE t.token_hash = $1
     FOR UPDATE OF t FOR SHARE OF n`;

const LOCK_TENANT = `SELECT slug, status FROM registry_tenants WHERE id = $1 FOR SHARE`;

// Serialises registrations of one machine in one tenant, whichever token they use: the second one sees the
// first one's committed index row and becomes a re-registration instead of a unique violation.
const LOCK_MACHINE = `SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))`;

const FIND_HOST = `SELECT host_id FROM registry_host_index WHERE tenant_id = $1 AND machine_id = $2 FOR UPDATE`;

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
      return await this.transaction(async (manager) => {
        const [token] = (await manager.query(LOCK_TOKEN, [hashToken(enrollmentToken)])) as TokenRow[];
        if (!token) throw new EnrollmentRefusedError('unknown');
        const refusal = refusalOf(token);
        if (refusal !== null && refusal !== 'exhausted') {
          throw new EnrollmentRefusedError(refusal, token.id, token.tenant_id);
        }
        const tenant: EnrollmentTenant = { tenantId: token.tenant_id, slug: token.slug, tokenId: token.id };
        const result = await this.bind(manager, tenant, identity, recordHost, refusal === 'exhausted');
        if (!result.reEnrolled) {
          await manager.query(
            `UPDATE registry_enrollment_tokens SET uses = uses + 1, last_used_at = now() WHERE id = $1`,
            [token.id],
          );
        }
        return result;
      });
    } catch (error) {
      if (error instanceof EnrollmentRefusedError) return this.refuse(error, identity, tokenPrefix);
      throw error;
    }
  }

  async registerWithoutToken(identity: HostIdentity, recordHost: RecordHost): Promise<EnrollmentResult> {
    try {
      return await this.transaction(async (manager) => {
        const [row] = (await manager.query(LOCK_TENANT, [COLLAPSED_TENANT_ID])) as {
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
        return this.bind(manager, tenant, identity, recordHost, false);
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
   * the host index with a fresh credential: a new row, or, for a machine the
   * tenant already has, the same host id with the credential rotated.
   */
  private async bind(
    manager: EntityManager,
    tenant: EnrollmentTenant,
    identity: HostIdentity,
    recordHost: RecordHost,
    exhausted: boolean,
  ): Promise<EnrollmentResult> {
    await manager.query(LOCK_MACHINE, [tenant.tenantId, identity.machineId]);
    const [existing] = (await manager.query(FIND_HOST, [tenant.tenantId, identity.machineId])) as {
      host_id: string;
    }[];
    if (!existing && exhausted) {
      throw new EnrollmentRefusedError('exhausted', tenant.tokenId, tenant.tenantId);
    }
    const hostToken = generateToken(HOST_TOKEN_PREFIX);
    const hostId = await recordHost(tenant, existing?.host_id ?? randomUUID());
    if (existing) {
      // A new credential replaces the old one (and any revocation of the old one): whoever holds a valid
      // token of the tenant could enrol the machine afresh anyway. Revoke the token to keep a host out.
      // The host id follows the tenant database, which is where the host's data lives.
      await manager.query(
        `UPDATE registry_host_index
            SET host_id = $2, credential_hash = $3, credential_revoked_at = NULL,
                enrollment_token_id = COALESCE($4, enrollment_token_id)
          WHERE host_id = $1`,
        [existing.host_id, hostId, hashToken(hostToken), tenant.tokenId],
      );
    } else {
      await manager.query(
        `INSERT INTO registry_host_index (host_id, tenant_id, machine_id, enrollment_token_id, credential_hash)
         VALUES ($1, $2, $3, $4, $5)`,
        [hostId, tenant.tenantId, identity.machineId, tenant.tokenId, hashToken(hostToken)],
      );
    }
    const reEnrolled = existing !== undefined;
    await appendEnrollmentAudit(manager, {
      action: reEnrolled ? 'host.reenroll' : 'host.enroll',
      hostId,
      tenantId: tenant.tenantId,
      detail: {
        ...identityDetail(identity),
        token_id: tenant.tokenId,
        ...(reEnrolled && existing.host_id !== hostId ? { previous_host_id: existing.host_id } : {}),
      },
    });
    return { ...tenant, hostId, hostToken, reEnrolled };
  }

  /** A registry transaction whose lock waits are bounded; a timed-out wait becomes EnrollmentError(BUSY). */
  private async transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    try {
      return await this.ds.transaction(async (manager) => {
        await manager.query(`SELECT set_config('lock_timeout', $1, true)`, [`${this.lockTimeoutMs}ms`]);
        return work(manager);
      });
    } catch (error) {
      if (!(error instanceof QueryFailedError)) throw error;
      const driverError: { code?: unknown } = error.driverError;
      if (driverError.code !== LOCK_NOT_AVAILABLE) throw error;
      throw new EnrollmentError(
        EnrollmentErrorCode.BUSY,
        `registration waited more than ${this.lockTimeoutMs} ms for its enrollment token or machine; retry later`,
      );
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
