import { Injectable } from '@nestjs/common';
import type { RegistryDatabaseServer } from '@sysmanage/schema';
import type { EntityManager } from 'typeorm';
import { RegistryError, RegistryErrorCode } from '../errors/registry-error';
import { DatabaseServersRepository, type ServerWithLoad } from '../servers/database-servers.repository';

export interface PlacementWish {
  database_server?: string;
  region?: string;
  jurisdiction?: string;
}

// One lock key for every placement decision: two concurrent creates cannot both take the last slot.
const PLACEMENT_LOCK_SQL = `SELECT pg_advisory_xact_lock(hashtext('sysmanage.registry.placement'))`;

function loadRatio({ server, placements }: ServerWithLoad): number {
  return server.capacity === 0 ? Number.POSITIVE_INFINITY : placements / server.capacity;
}

/**
 * Picks the database server of a tenant: the named one, else the
 * least-loaded (placements / capacity) server with free capacity matching the
 * requested region and jurisdiction. Runs inside the caller's transaction.
 */
@Injectable()
export class PlacementChooser {
  constructor(private readonly servers: DatabaseServersRepository) {}

  async choose(wish: PlacementWish, manager: EntityManager): Promise<RegistryDatabaseServer> {
    await manager.query(PLACEMENT_LOCK_SQL);
    if (wish.database_server !== undefined) return this.named(wish.database_server, manager);
    const candidates = (
      await this.servers.listWithLoad({ region: wish.region, jurisdiction: wish.jurisdiction }, manager)
    )
      .filter((c) => c.placements < c.server.capacity)
      .sort((a, b) => loadRatio(a) - loadRatio(b) || a.server.name.localeCompare(b.server.name));
    const best = candidates[0];
    if (!best) {
      const wanted = [`region=${wish.region ?? 'any'}`, `jurisdiction=${wish.jurisdiction ?? 'any'}`].join(
        ', ',
      );
      throw new RegistryError(
        RegistryErrorCode.NO_MATCHING_SERVER,
        `no database server with free capacity matches ${wanted}; register one with POST /database-servers`,
      );
    }
    return best.server;
  }

  private async named(name: string, manager: EntityManager): Promise<RegistryDatabaseServer> {
    const [match] = (await this.servers.listWithLoad({}, manager)).filter((c) => c.server.name === name);
    if (!match) {
      throw new RegistryError(
        RegistryErrorCode.UNKNOWN_DATABASE_SERVER,
        `no database server named ${name} is registered`,
      );
    }
    if (match.placements >= match.server.capacity) {
      throw new RegistryError(
        RegistryErrorCode.SERVER_AT_CAPACITY,
        `database server ${name} holds ${match.placements} of ${match.server.capacity} tenants`,
      );
    }
    return match.server;
  }
}
