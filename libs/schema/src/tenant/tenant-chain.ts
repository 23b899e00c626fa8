import { HostHeartbeat } from './entities/host-heartbeat.entity';
import { Host } from './entities/host.entity';
import { ProcessedMessage } from './entities/processed-message.entity';
import { SoftwarePackage } from './entities/software-package.entity';
import { TenantInitial1764300000000 } from './migrations/1764300000000-tenant-initial';
import { TenantHeartbeatsKeyedByMessage1764400000000 } from './migrations/1764400000000-tenant-heartbeats-keyed-by-message';

export const TENANT_ENTITIES = [Host, HostHeartbeat, SoftwarePackage, ProcessedMessage] as const;

/** In application order; the last one is the chain's head. */
export const TENANT_MIGRATIONS = [
  TenantInitial1764300000000,
  TenantHeartbeatsKeyedByMessage1764400000000,
] as const;
