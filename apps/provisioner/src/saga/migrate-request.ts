import {
  encodeMessage,
  MIGRATE_TENANT_SUBJECT,
  MigrateTenantReply,
  type MigrateTenantRequest,
  validateMessage,
} from '@sysmanage/contracts';
import type { NatsConnection } from 'nats';
import { ProvisionerError, ProvisionerErrorCode } from '../provisioning/provisioner-error';

/**
 * Saga step `migrate`: asks the migrator (queue group, one answers) to bring
 * the tenant database to the tenant chain's head with an owner lease. No
 * responder, a timeout, an invalid reply or ok=false fail the step.
 */
export async function requestTenantMigration(
  nc: NatsConnection,
  request: MigrateTenantRequest,
  timeoutMs: number,
): Promise<MigrateTenantReply> {
  let data: Uint8Array;
  try {
    data = (await nc.request(MIGRATE_TENANT_SUBJECT, encodeMessage(request), { timeout: timeoutMs })).data;
  } catch (error) {
    throw new ProvisionerError(
      ProvisionerErrorCode.MIGRATE_FAILED,
      `no answer from the migrator on ${MIGRATE_TENANT_SUBJECT} within ${timeoutMs} ms for tenant ${request.slug}: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  const reply = validateMessage(MigrateTenantReply, data);
  if (!reply.ok) {
    const reason = reply.error ? `${reply.error.code}: ${reply.error.message}` : 'no reason given';
    throw new ProvisionerError(
      ProvisionerErrorCode.MIGRATE_FAILED,
      `the migrator failed tenant ${request.slug}: ${reason}`,
    );
  }
  return reply;
}
