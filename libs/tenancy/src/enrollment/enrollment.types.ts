/**
 * The enrollment contract between the registry database and ingest's
 * `POST /api/v1/agent/register`. The implementation (EnrollmentRedeemer)
 * runs one registry transaction: it locks the token row, checks it, lets the
 * caller record the host in the tenant database, then binds the host in
 * `registry_host_index` and counts the use, and commits. When recording the
 * host throws, the transaction rolls back and the use stays uncounted.
 */

/** The tenant of collapsed mode (multi-tenancy off): one built-in row, the bootstrap database. */
export const COLLAPSED_TENANT_ID = '00000000-0000-4000-8000-000000000001';
export const COLLAPSED_TENANT_SLUG = 'default';

/** Why a registration was refused. The agent always sees the same 403; logs and the audit record carry this. */
export type EnrollmentRefusalReason =
  | 'malformed' // not an sme_ token at all
  | 'unknown' // no such token hash
  | 'expired'
  | 'revoked'
  | 'exhausted' // uses == max_uses
  | 'tenant_not_active' // suspended, provisioning, failed, deleted...
  | 'token_required'; // collapsed mode configured to require a token, none given

/** What the agent says about itself; validated by ingest before redemption. */
export interface HostIdentity {
  readonly hostname: string;
  readonly fqdn: string | null;
  readonly machineId: string;
  readonly os: string | null;
  readonly osVersion: string | null;
  readonly agentVersion: string | null;
}

/** The tenant a token admitted the host to, handed to the recordHost callback. */
export interface EnrollmentTenant {
  readonly tenantId: string;
  readonly slug: string;
  /** null for a tokenless registration in collapsed mode. */
  readonly tokenId: string | null;
}

/**
 * Writes (upserts on machine_id) the host row in the tenant database and
 * returns the host id actually stored there: `proposedHostId` for a new row,
 * the existing id when the tenant database already had that machine.
 */
export type RecordHost = (tenant: EnrollmentTenant, proposedHostId: string) => Promise<string>;

export interface EnrollmentResult {
  readonly tenantId: string;
  readonly slug: string;
  readonly tokenId: string | null;
  readonly hostId: string;
  /** `smh_...`, shown once; only its hash is stored (a re-registration rotates it). */
  readonly hostToken: string;
  /** true when the machine was already enrolled in this tenant (no new row, no use counted). */
  readonly reEnrolled: boolean;
}

export interface EnrollmentRedemption {
  /**
   * Multi-tenant mode (and collapsed mode when a token is given). Throws
   * EnrollmentRefusedError(reason) for every refusal; other errors (tenant
   * database down, registry down) propagate unchanged, with nothing counted.
   */
  redeem(enrollmentToken: string, identity: HostIdentity, recordHost: RecordHost): Promise<EnrollmentResult>;
  /** Collapsed mode without a token: binds the host to COLLAPSED_TENANT_ID. */
  registerWithoutToken(identity: HostIdentity, recordHost: RecordHost): Promise<EnrollmentResult>;
  /** Collapsed mode configured to require a token, none given: audits the attempt, throws EnrollmentRefusedError('token_required'). */
  refuseTokenRequired(identity: HostIdentity): Promise<never>;
}
