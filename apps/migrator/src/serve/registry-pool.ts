import { Inject, Injectable, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import type { SysManageConfig } from '@sysmanage/config';
import { postgresHealthCheck, provideHealthCheck } from '@sysmanage/observability';
import { Pool } from 'pg';
import { toClientConfig } from '../db/client-config';

export const REGISTRY_POOL = Symbol('MIGRATOR_REGISTRY_POOL');

/** Readiness probes, placement look-ups and version records of the migrate-tenant responder: two connections are plenty. */
const POOL_SIZE = 2;

@Injectable()
class RegistryPoolCloser implements OnApplicationShutdown {
  constructor(@Inject(REGISTRY_POOL) private readonly pool: Pool) {}

  async onApplicationShutdown(): Promise<void> {
    await this.pool.end();
  }
}

/** A small pg pool on the registry database, ended at shutdown and behind /health/ready. */
export function registryPoolProviders(config: SysManageConfig): Provider[] {
  return [
    {
      provide: REGISTRY_POOL,
      useFactory: () => {
        const pool = new Pool({ ...toClientConfig(config.registry), max: POOL_SIZE });
        // An idle client losing its connection must not crash the worker; the next check reports it.
        pool.on('error', () => undefined);
        return pool;
      },
    },
    RegistryPoolCloser,
    provideHealthCheck(REGISTRY_POOL, (pool: Pool) =>
      postgresHealthCheck('registry-database', () => pool.query('SELECT 1')),
    ),
  ];
}
