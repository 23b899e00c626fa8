import { Inject, Injectable } from '@nestjs/common';
import {
  encodeMessage,
  MIGRATOR_TENANT_VERSIONS_SUBJECT,
  NATS_CONNECTION,
  TenantVersionsReply,
  validateMessage,
  type TenantActualVersion,
} from '@sysmanage/contracts';
import type { NatsConnection } from 'nats';

/** How long `GET /migration-status` waits for the migrator (each tenant read is one owner lease). */
const DEFAULT_TIMEOUT_MS = 15_000;

export type ActualVersions =
  | { readonly answered: true; readonly byTenant: ReadonlyMap<string, TenantActualVersion> }
  | { readonly answered: false; readonly reason: string };

function timeoutMs(): number {
  const raw = process.env['SYSMANAGE_REGISTRY_MIGRATOR_TIMEOUT_MS'];
  const parsed = raw === undefined ? NaN : Number(raw);
  return Number.isInteger(parsed) && parsed > 0 ? parsed : DEFAULT_TIMEOUT_MS;
}

/**
 * Asks the migrator (which alone may lease tenant owner credentials) what each
 * tenant database actually holds. The registry never logs into a tenant
 * database itself; when no migrator answers, the versions are unknown and the
 * reason says why.
 */
@Injectable()
export class MigratorVersionsClient {
  constructor(@Inject(NATS_CONNECTION) private readonly nc: NatsConnection) {}

  async actualVersions(tenantIds: readonly string[]): Promise<ActualVersions> {
    if (tenantIds.length === 0) return { answered: true, byTenant: new Map() };
    try {
      const msg = await this.nc.request(
        MIGRATOR_TENANT_VERSIONS_SUBJECT,
        encodeMessage({ tenantIds: [...tenantIds] }),
        { timeout: timeoutMs() },
      );
      const reply = validateMessage(TenantVersionsReply, msg.data);
      return { answered: true, byTenant: new Map(reply.versions.map((v) => [v.tenantId, v])) };
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      return { answered: false, reason: `the migrator did not answer (${detail})` };
    }
  }
}
