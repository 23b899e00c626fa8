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
  type ProvisioningJobKind,
  type RegistryDatabaseServer,
} from '@sysmanage/schema';
import { tenantResourceNames } from '@sysmanage/tenancy';
import type { NatsConnection } from 'nats';
import type { DataSource } from 'typeorm';

/** A tenant as the registry API would leave it after POST /tenants: pending, placed, names stored. */
export async function insertPlacedTenant(
  registry: DataSource,
  slug: string,
  server: RegistryDatabaseServer,
): Promise<RegistryTenant> {
  const tenant = await registry.getRepository(RegistryTenant).save({ slug, name: `Tenant ${slug}` });
  await registry.getRepository(RegistryPlacement).insert({
    tenantId: tenant.id,
    serverId: server.id,
    ...tenantResourceNames(slug),
    region: server.region,
    jurisdiction: server.jurisdiction,
  });
  return tenant;
}

/** Records a queued job (as POST /tenants/{id}/provision etc. would) and publishes its command to the work queue. */
export async function queueJob(
  registry: DataSource,
  nc: NatsConnection,
  tenantId: string,
  action: ProvisioningAction,
  extra: Pick<ProvisioningCommand, 'keepDatabase'> = {},
): Promise<RegistryProvisioningJob> {
  const job = await registry
    .getRepository(RegistryProvisioningJob)
    .save({ tenantId, kind: action as ProvisioningJobKind });
  const command: ProvisioningCommand = {
    jobId: job.id,
    tenantId,
    action,
    requestedAt: new Date().toISOString(),
    ...extra,
  };
  await nc.jetstream().publish(PROVISIONING_COMMANDS_SUBJECT, encodeMessage(command));
  return job;
}

export async function tenantRow(registry: DataSource, tenantId: string): Promise<RegistryTenant | null> {
  return registry.getRepository(RegistryTenant).findOneBy({ id: tenantId });
}

export async function jobRow(registry: DataSource, jobId: string): Promise<RegistryProvisioningJob | null> {
  return registry.getRepository(RegistryProvisioningJob).findOneBy({ id: jobId });
}

/** Polls until the job is finished (or gone: deprovision deletes it with the tenant). */
export async function waitForJob(
  registry: DataSource,
  jobId: string,
  timeoutMs = 60_000,
): Promise<RegistryProvisioningJob | null> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await jobRow(registry, jobId);
    if (job === null || job.status === 'succeeded' || job.status === 'failed') return job;
    if (Date.now() > deadline) {
      throw new Error(
        `job ${jobId} still ${job.status} at step ${job.step} after ${timeoutMs} ms (attempts ${job.attempts}, last error ${job.lastError})`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
