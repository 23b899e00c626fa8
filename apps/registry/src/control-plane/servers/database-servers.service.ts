import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditLogRepository } from '../audit/audit-log.repository';
import { actorOf, type Principal } from '../auth/principal';
import { RegistryError, RegistryErrorCode } from '../errors/registry-error';
import { isUniqueViolation } from '../http/unique-violation';
import type { CreateDatabaseServerDto } from './create-database-server.dto';
import { toDatabaseServerView, type DatabaseServerView } from './database-server.view';
import { DatabaseServersRepository } from './database-servers.repository';

const DEFAULT_PORT = 5432;

@Injectable()
export class DatabaseServersService {
  constructor(
    private readonly ds: DataSource,
    private readonly servers: DatabaseServersRepository,
    private readonly audit: AuditLogRepository,
  ) {}

  async list(): Promise<{ items: DatabaseServerView[] }> {
    return { items: (await this.servers.listWithLoad()).map(toDatabaseServerView) };
  }

  async create(dto: CreateDatabaseServerDto, principal: Principal): Promise<DatabaseServerView> {
    const exists = () =>
      new RegistryError(
        RegistryErrorCode.DATABASE_SERVER_EXISTS,
        `a database server named ${dto.name} already exists`,
      );
    try {
      return await this.ds.transaction(async (manager) => {
        if (await this.servers.findByName(dto.name, manager)) throw exists();
        const server = await this.servers.insert(
          {
            name: dto.name,
            host: dto.host,
            port: dto.port ?? DEFAULT_PORT,
            region: dto.region,
            jurisdiction: dto.jurisdiction,
            capacity: dto.capacity,
            maintenanceDatabase: dto.maintenance_database ?? 'postgres',
          },
          manager,
        );
        await this.audit.append(
          {
            actor: actorOf(principal),
            action: 'database_server.create',
            targetType: 'database_server',
            targetId: server.id,
            tenantId: null,
            detail: { ...dto },
          },
          manager,
        );
        return toDatabaseServerView({ server, placements: 0 });
      });
    } catch (error) {
      // A concurrent create of the same name loses at the unique constraint.
      if (isUniqueViolation(error, 'registry_database_servers_name_key')) throw exists();
      throw error;
    }
  }
}
