import { Type } from 'class-transformer';
import {
  IsArray,
  IsBoolean,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { TENANT_SLUG_PATTERN } from '../tenant-events/tenant-status';

/** Sent by the provisioner on MIGRATE_TENANT_SUBJECT (saga step 4). */
export class MigrateTenantRequest {
  @IsUUID()
  tenantId!: string;

  @Matches(TENANT_SLUG_PATTERN, { message: `slug must match ${TENANT_SLUG_PATTERN.source}` })
  slug!: string;

  /** The provisioning job asking, for the migrator's logs. */
  @IsOptional()
  @IsUUID()
  jobId?: string;
}

export class MigrateTenantFailure {
  /** The migrator's error code (e.g. a MigratorErrorCode value). */
  @IsString()
  @MaxLength(100)
  code!: string;

  @IsString()
  @MaxLength(2000)
  message!: string;
}

/** The migrator's answer: the migrations it applied and the resulting version, or why it failed. */
export class MigrateTenantReply {
  @IsUUID()
  tenantId!: string;

  @IsBoolean()
  ok!: boolean;

  /** Names of the migrations applied by this request, oldest first; empty when already up to date. */
  @IsArray()
  @IsString({ each: true })
  applied!: string[];

  /** The newest applied migration of the tenant chain after the run, or null for an empty chain. */
  @ValidateIf((reply: MigrateTenantReply) => reply.version !== null)
  @IsString()
  version!: string | null;

  /** Present when ok is false. */
  @ValidateIf((reply: MigrateTenantReply) => reply.ok === false || reply.error !== undefined)
  @IsObject()
  @ValidateNested()
  @Type(() => MigrateTenantFailure)
  error?: MigrateTenantFailure;
}
