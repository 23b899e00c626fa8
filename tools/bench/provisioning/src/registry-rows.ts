import {
  encodeMessage,
  PROVISIONING_COMMANDS_SUBJECT,
  ProvisioningAction,
  type ProvisioningCommand,
} from '@sysmanage/contracts';
import {
  RegistryPlacement,
  RegistryProvisioningJob,
  RegistryTenant,
  type RegistryDatabaseServer,
} from '@sysmanage/schema';
import { tenantResourceNames } from '@sysmanage/tenancy';
import type { JetStreamClient } from 'nats';
import type { DataSource } from 'typeorm';

/** A tenant as POST /tenants leaves it (pending, placed, names stored) and its queued provision job. */
export interface QueuedTenant {
  tenantId: string;
  slug: string;
  command: ProvisioningCommand;
}

/** Writes the rows the registry API writes before it publishes; not part of the measured time. */
export async function placeTenant(
  registry: DataSource,
  slug: string,
  server: RegistryDatabaseServer,
): Promise<QueuedTenant> {
  const tenant = await registry.getRepository(RegistryTenant).save({ slug, name: `Bench ${slug}` });
  await registry.getRepository(RegistryPlacement).insert({
    tenantId: tenant.id,
    serverId: server.id,
    ...tenantResourceNames(slug),
    region: server.region,
    jurisdiction: server.jurisdiction,
  });
  const job = await registry
    .getRepository(RegistryProvisioningJob)
    .save({ tenantId: tenant.id, kind: 'provision' });
  return {
    tenantId: tenant.id,
    slug,
    command: {
      jobId: job.id,
      tenantId: tenant.id,
      action: ProvisioningAction.PROVISION,
      requestedAt: new Date().toISOString(),
    },
  };
}

/** Publishes the command to the PROVISIONING work queue (resolves once JetStream stored it). */
export async function publishCommand(js: JetStreamClient, tenant: QueuedTenant): Promise<void> {
  await js.publish(PROVISIONING_COMMANDS_SUBJECT, encodeMessage(tenant.command));
}
