import type {
  RegistryDatabaseServer,
  RegistryPlacement,
  RegistryProvisioningJob,
  RegistryTenant,
} from '@sysmanage/schema';

/** Everything a saga step reads about its job, loaded fresh from the registry for every delivery. */
export interface JobContext {
  job: RegistryProvisioningJob;
  tenant: RegistryTenant;
  /** Null only for a tenant that was never placed (deprovisioning a pending tenant). */
  placement: RegistryPlacement | null;
  server: RegistryDatabaseServer | null;
  /** `deprovision` only: keep the database (and the group roles owning it). */
  keepDatabase: boolean;
}

/** One idempotent step of a saga: running it twice leaves the same state as running it once. */
export interface SagaStep {
  readonly name: string;
  run(ctx: JobContext): Promise<void>;
}
