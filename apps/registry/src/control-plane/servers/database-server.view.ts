import type { ServerWithLoad } from './database-servers.repository';

export interface DatabaseServerView {
  id: string;
  name: string;
  host: string;
  port: number;
  region: string;
  jurisdiction: string;
  capacity: number;
  maintenance_database: string;
  placements: number;
  created_at: string;
}

export function toDatabaseServerView({ server, placements }: ServerWithLoad): DatabaseServerView {
  return {
    id: server.id,
    name: server.name,
    host: server.host,
    port: server.port,
    region: server.region,
    jurisdiction: server.jurisdiction,
    capacity: server.capacity,
    maintenance_database: server.maintenanceDatabase,
    placements,
    created_at: server.createdAt.toISOString(),
  };
}
