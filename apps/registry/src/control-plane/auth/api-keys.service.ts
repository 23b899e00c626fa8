import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditLogRepository } from '../audit/audit-log.repository';
import { RegistryError, RegistryErrorCode } from '../errors/registry-error';
import { AdminKeysRepository } from './admin-keys.repository';
import { apiKeyPrefix, generateApiKey, hashApiKey } from './api-key-material';
import type { CreateApiKeyDto } from './create-api-key.dto';
import { actorOf, type Principal } from './principal';

export interface IssuedApiKey {
  id: string;
  principal_id: string;
  principal: string;
  role: string;
  prefix: string;
  /** Shown once; only its hash is stored. */
  key: string;
}

@Injectable()
export class ApiKeysService {
  constructor(
    private readonly ds: DataSource,
    private readonly keys: AdminKeysRepository,
    private readonly audit: AuditLogRepository,
  ) {}

  /** Mints a key for a principal (created with the role when new; an existing one must have that role). */
  issue(dto: CreateApiKeyDto, issuer: Principal): Promise<IssuedApiKey> {
    const key = generateApiKey();
    return this.ds.transaction(async (manager) => {
      const { principal } = await this.keys.ensurePrincipal(dto.principal, dto.role, manager);
      if (principal.role !== dto.role) {
        throw new RegistryError(
          RegistryErrorCode.PRINCIPAL_ROLE_CONFLICT,
          `principal ${dto.principal} exists with role ${principal.role}, not ${dto.role}`,
        );
      }
      const stored = await this.keys.addKey(principal.id, hashApiKey(key), apiKeyPrefix(key), manager);
      if (!stored) throw new Error('a freshly generated API key collided with a stored hash');
      await this.audit.append(
        {
          actor: actorOf(issuer),
          action: 'api_key.create',
          targetType: 'admin_principal',
          targetId: principal.id,
          tenantId: null,
          detail: {
            principal: principal.name,
            role: principal.role,
            key_id: stored.id,
            prefix: stored.prefix,
          },
        },
        manager,
      );
      return {
        id: stored.id,
        principal_id: principal.id,
        principal: principal.name,
        role: principal.role,
        prefix: stored.prefix,
        key,
      };
    });
  }
}
