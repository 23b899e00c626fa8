import { Injectable } from '@nestjs/common';
import type { RegistryTenant } from '@sysmanage/schema';
import { ENROLLMENT_TOKEN_PREFIX, generateToken, hashToken, tokenDisplayPrefix } from '@sysmanage/tenancy';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditLogRepository } from '../audit/audit-log.repository';
import { actorOf, type Principal } from '../auth/principal';
import { RegistryError, RegistryErrorCode } from '../errors/registry-error';
import { tenantNotFound, TenantReader } from '../tenants/tenant-reader';
import { TenantsRepository } from '../tenants/tenants.repository';
import type { CreateEnrollmentTokenDto } from './enrollment-token.dto';
import {
  type EnrollmentTokenView,
  type IssuedEnrollmentTokenView,
  toEnrollmentTokenView,
} from './enrollment-token.views';
import { EnrollmentTokensRepository } from './enrollment-tokens.repository';

// A tenant on its way out (or gone) admits no new hosts; every other state may hold tokens, which redemption
// refuses until the tenant is active.
const NO_NEW_TOKENS = new Set(['deprovisioning', 'deleted']);

/** Issues, lists and revokes a tenant's enrollment tokens. Only the token's SHA-256 is ever stored. */
@Injectable()
export class EnrollmentTokensService {
  constructor(
    private readonly ds: DataSource,
    private readonly tenants: TenantsRepository,
    private readonly reader: TenantReader,
    private readonly tokens: EnrollmentTokensRepository,
    private readonly audit: AuditLogRepository,
  ) {}

  issue(
    tenantId: string,
    dto: CreateEnrollmentTokenDto,
    principal: Principal,
  ): Promise<IssuedEnrollmentTokenView> {
    const token = generateToken(ENROLLMENT_TOKEN_PREFIX);
    return this.ds.transaction(async (manager) => {
      const tenant = await this.lockTenant(tenantId, manager);
      if (NO_NEW_TOKENS.has(tenant.status)) {
        throw new RegistryError(
          RegistryErrorCode.INVALID_TENANT_STATE,
          `tenant ${tenant.slug} is ${tenant.status}; enrollment tokens are issued only for tenants that are not being deleted`,
        );
      }
      const row = await this.tokens.insert(
        {
          tenantId,
          label: dto.label,
          tokenHash: hashToken(token),
          prefix: tokenDisplayPrefix(token),
          maxUses: dto.max_uses ?? null,
          expiresInDays: dto.expires_in_days ?? null,
          createdBy: actorOf(principal),
        },
        manager,
      );
      await this.audit.append(
        {
          actor: actorOf(principal),
          action: 'enrollment_token.create',
          targetType: 'enrollment_token',
          targetId: row.id,
          tenantId,
          detail: { ...dto, prefix: row.prefix },
        },
        manager,
      );
      return { ...toEnrollmentTokenView(row), token };
    });
  }

  async list(tenantId: string): Promise<{ items: EnrollmentTokenView[] }> {
    await this.reader.require(tenantId);
    const rows = await this.tokens.listByTenant(tenantId);
    return { items: rows.map(toEnrollmentTokenView) };
  }

  /** Idempotent: revoking a revoked token changes and audits nothing. Hosts it enrolled keep their credentials. */
  async revoke(tenantId: string, tokenId: string, principal: Principal): Promise<void> {
    await this.ds.transaction(async (manager) => {
      await this.reader.require(tenantId, manager);
      const revoked = await this.tokens.revoke(tenantId, tokenId, manager);
      if (!revoked) {
        throw new RegistryError(
          RegistryErrorCode.ENROLLMENT_TOKEN_NOT_FOUND,
          `tenant ${tenantId} has no enrollment token ${tokenId}`,
        );
      }
      if (!revoked.changed) return;
      await this.audit.append(
        {
          actor: actorOf(principal),
          action: 'enrollment_token.revoke',
          targetType: 'enrollment_token',
          targetId: tokenId,
          tenantId,
          detail: { prefix: revoked.prefix, uses: revoked.uses },
        },
        manager,
      );
    });
  }

  // Locked so a token cannot be issued while the tenant's deletion is being started.
  private async lockTenant(tenantId: string, manager: EntityManager): Promise<RegistryTenant> {
    const tenant = await this.tenants.findByIdForUpdate(tenantId, manager);
    if (!tenant) throw tenantNotFound(tenantId);
    return tenant;
  }
}
