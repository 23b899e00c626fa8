import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditLogRepository } from '../audit/audit-log.repository';
import { actorOf, type Principal } from '../auth/principal';
import { RegistryError, RegistryErrorCode } from '../errors/registry-error';
import { TenantReader } from '../tenants/tenant-reader';
import { HostEventPublisher } from './host-event.publisher';
import { HostIndexRepository } from './host-index.repository';
import { type HostIndexView, toHostIndexView } from './host.views';
import type { ListHostsQueryDto } from './hosts.dto';

const DEFAULT_PAGE_SIZE = 50;

/** The host -> tenant index as operators see it, and revocation of a host's credential. */
@Injectable()
export class HostsService {
  constructor(
    private readonly ds: DataSource,
    private readonly reader: TenantReader,
    private readonly hosts: HostIndexRepository,
    private readonly audit: AuditLogRepository,
    private readonly events: HostEventPublisher,
  ) {}

  async list(
    tenantId: string,
    query: ListHostsQueryDto,
  ): Promise<{ items: HostIndexView[]; total: number; limit: number; offset: number }> {
    await this.reader.require(tenantId);
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const offset = query.offset ?? 0;
    const page = await this.hosts.page(tenantId, { limit, offset });
    return { items: page.rows.map(toHostIndexView), total: page.total, limit, offset };
  }

  /**
   * Revokes the credential, then (after commit) tells ingest. Idempotent; a
   * repeat changes and audits nothing but publishes the event again, so an
   * operator can re-send one that was lost.
   */
  async revokeCredential(tenantId: string, hostId: string, principal: Principal): Promise<void> {
    const row = await this.ds.transaction(async (manager) => {
      await this.reader.require(tenantId, manager);
      const revoked = await this.hosts.revokeCredential(tenantId, hostId, manager);
      if (!revoked) {
        throw new RegistryError(RegistryErrorCode.HOST_NOT_FOUND, `tenant ${tenantId} has no host ${hostId}`);
      }
      if (revoked.changed) {
        await this.audit.append(
          {
            actor: actorOf(principal),
            action: 'host.credential.revoke',
            targetType: 'host',
            targetId: hostId,
            tenantId,
            detail: { machine_id: revoked.machine_id, token_id: revoked.enrollment_token_id },
          },
          manager,
        );
      }
      return revoked;
    });
    this.events.credentialRevoked({ tenantId, hostId, tokenId: row.enrollment_token_id });
  }
}
