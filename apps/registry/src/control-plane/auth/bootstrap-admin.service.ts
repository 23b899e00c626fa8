import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { ROOT_LOGGER } from '@sysmanage/observability';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { AuditLogRepository } from '../audit/audit-log.repository';
import { CONTROL_PLANE_ENV } from '../control-plane.tokens';
import { AdminKeysRepository } from './admin-keys.repository';
import { apiKeyPrefix, hashApiKey } from './api-key-material';
import { readBootstrapAdminKey } from './bootstrap-admin-key';

export const BOOTSTRAP_ADMIN_PRINCIPAL = 'bootstrap-admin';

/**
 * At start, ensures the operator principal `bootstrap-admin` holds the key
 * from SYSMANAGE_BOOTSTRAP_ADMIN_KEY(_FILE). Idempotent; the key is never logged.
 */
@Injectable()
export class BootstrapAdminService implements OnApplicationBootstrap {
  private readonly log: Logger;

  constructor(
    @Inject(CONTROL_PLANE_ENV) private readonly env: NodeJS.ProcessEnv,
    @Inject(ROOT_LOGGER) logger: Logger,
    private readonly ds: DataSource,
    private readonly keys: AdminKeysRepository,
    private readonly audit: AuditLogRepository,
  ) {
    this.log = logger.child({ context: 'BootstrapAdmin' });
  }

  async onApplicationBootstrap(): Promise<void> {
    const key = readBootstrapAdminKey(this.env);
    if (key === null) return;
    const outcome = await this.ds.transaction(async (manager) => {
      const { principal, created } = await this.keys.ensurePrincipal(
        BOOTSTRAP_ADMIN_PRINCIPAL,
        'operator',
        manager,
      );
      const stored = await this.keys.addKey(principal.id, hashApiKey(key), apiKeyPrefix(key), manager);
      if (stored) {
        await this.audit.append(
          {
            actor: 'system:registry',
            action: 'api_key.bootstrap',
            targetType: 'admin_principal',
            targetId: principal.id,
            tenantId: null,
            detail: { principal: principal.name, principal_created: created, key_id: stored.id },
          },
          manager,
        );
      }
      return { principalId: principal.id, created, keyAdded: stored !== null };
    });
    this.log.info(outcome, 'bootstrap admin principal ensured');
  }
}
