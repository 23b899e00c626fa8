import { IsBoolean, IsEnum, IsISO8601, IsOptional, IsUUID } from 'class-validator';

export enum ProvisioningAction {
  PROVISION = 'provision',
  SUSPEND = 'suspend',
  RESUME = 'resume',
  DEPROVISION = 'deprovision',
}

/**
 * Sent by the registry to PROVISIONING_STREAM. It names a provisioning job the
 * registry has already recorded; the provisioner resumes that job's saga from
 * its recorded step, so a redelivered command is harmless.
 */
export class ProvisioningCommand {
  @IsUUID()
  jobId!: string;

  @IsUUID()
  tenantId!: string;

  @IsEnum(ProvisioningAction)
  action!: ProvisioningAction;

  /** For `deprovision`: keep the tenant database instead of dropping it. */
  @IsOptional()
  @IsBoolean()
  keepDatabase?: boolean;

  @IsISO8601({ strict: true })
  requestedAt!: string;
}
