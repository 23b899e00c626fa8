import {
  encodeMessage,
  MIGRATE_TENANT_SUBJECT,
  MIGRATOR_QUEUE_GROUP,
  MigrateTenantRequest,
  type MigrateTenantReply,
  validateMessage,
} from '@sysmanage/contracts';
import type { OpenBaoClient } from '@sysmanage/openbao';
import { createChainDataSource, RegistryPlacement } from '@sysmanage/schema';
import type { NatsConnection, Subscription } from 'nats';
import type { DataSource } from 'typeorm';

export interface MigrateResponderOptions {
  nc: NatsConnection;
  /** Logged in as the migrator's AppRole: it can lease only the owner roles sysmanage-migrator-tenants lists. */
  openBao: OpenBaoClient;
  registry: DataSource;
  host: string;
  port: number;
  databaseMount?: string;
}

/**
 * A stand-in for the migrator's NATS worker that does the real work: leases
 * `tenant-<slug>-owner` from OpenBAO, runs the tenant chain as that login in
 * the tenant database, answers with what it applied. Counts requests.
 */
export interface MigrateResponder {
  sub: Subscription;
  /** How many migrate requests it answered so far. */
  requests: () => number;
}

export function startMigrateResponder(options: MigrateResponderOptions): MigrateResponder {
  let requests = 0;
  const sub = options.nc.subscribe(MIGRATE_TENANT_SUBJECT, { queue: MIGRATOR_QUEUE_GROUP });
  void (async () => {
    for await (const msg of sub) {
      requests += 1;
      let reply: MigrateTenantReply;
      let tenantId = '00000000-0000-4000-8000-000000000000';
      try {
        const request = validateMessage(MigrateTenantRequest, msg.data);
        tenantId = request.tenantId;
        const placement = await options.registry
          .getRepository(RegistryPlacement)
          .findOneByOrFail({ tenantId: request.tenantId });
        const credential = await options.openBao.generateCredentials(
          options.databaseMount ?? 'database',
          placement.vaultOwnerRole,
        );
        const ds = createChainDataSource('tenant', {
          host: options.host,
          port: options.port,
          user: credential.username,
          password: credential.password,
          database: placement.databaseName,
        });
        await ds.initialize();
        try {
          const applied = await ds.runMigrations({ transaction: 'each' });
          const rows = await ds.query<Array<{ name: string }>>(
            'SELECT name FROM tenant_migrations ORDER BY id DESC LIMIT 1',
          );
          reply = { tenantId, ok: true, applied: applied.map((m) => m.name), version: rows[0]?.name ?? null };
        } finally {
          await ds.destroy();
          await options.openBao.revokeLease(credential.leaseId);
        }
      } catch (error) {
        reply = {
          tenantId,
          ok: false,
          applied: [],
          version: null,
          error: { code: 'TEST_MIGRATOR', message: String(error) },
        };
      }
      msg.respond(encodeMessage(reply));
    }
  })();
  return { sub, requests: () => requests };
}
