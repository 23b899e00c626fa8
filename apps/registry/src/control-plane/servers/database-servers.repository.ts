import { Injectable } from '@nestjs/common';
import { RegistryDatabaseServer } from '@sysmanage/schema';
import { DataSource, type EntityManager } from 'typeorm';

/** A server with how many tenant placements it holds. */
export interface ServerWithLoad {
  server: RegistryDatabaseServer;
  placements: number;
}

interface LoadRow {
  id: string;
  placements: number;
}

export interface ServerFilter {
  region?: string;
  jurisdiction?: string;
}

@Injectable()
export class DatabaseServersRepository {
  constructor(private readonly ds: DataSource) {}

  findByName(name: string, manager: EntityManager = this.ds.manager): Promise<RegistryDatabaseServer | null> {
    return manager.findOne(RegistryDatabaseServer, { where: { name } });
  }

  findById(id: string, manager: EntityManager = this.ds.manager): Promise<RegistryDatabaseServer | null> {
    return manager.findOne(RegistryDatabaseServer, { where: { id } });
  }

  async insert(
    values: Omit<RegistryDatabaseServer, 'id' | 'createdAt'>,
    manager: EntityManager = this.ds.manager,
  ): Promise<RegistryDatabaseServer> {
    return manager.save(RegistryDatabaseServer, manager.create(RegistryDatabaseServer, values));
  }

  /** Servers (optionally filtered) with their placement counts, by name. */
  async listWithLoad(
    filter: ServerFilter = {},
    manager: EntityManager = this.ds.manager,
  ): Promise<ServerWithLoad[]> {
    const where = manager.createQueryBuilder(RegistryDatabaseServer, 's').orderBy('s.name', 'ASC');
    if (filter.region !== undefined) where.andWhere('s.region = :region', { region: filter.region });
    if (filter.jurisdiction !== undefined) {
      where.andWhere('s.jurisdiction = :jurisdiction', { jurisdiction: filter.jurisdiction });
    }
    const servers = await where.getMany();
    if (servers.length === 0) return [];
    const loads: LoadRow[] = await manager.query(
      `SELECT server_id AS id, count(*)::int AS placements FROM registry_placements
        WHERE server_id = ANY($1::uuid[]) GROUP BY server_id`,
      [servers.map((s) => s.id)],
    );
    const byId = new Map(loads.map((l) => [l.id, l.placements]));
    return servers.map((server) => ({ server, placements: byId.get(server.id) ?? 0 }));
  }

  count(manager: EntityManager = this.ds.manager): Promise<number> {
    return manager.count(RegistryDatabaseServer);
  }
}
