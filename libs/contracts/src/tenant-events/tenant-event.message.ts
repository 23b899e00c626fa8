import { IsEnum, IsISO8601, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { TENANT_SLUG_PATTERN, TenantStatus } from './tenant-status';
import { TenantEventKind } from './tenant-events.subjects';

/** Published by the registry on `sysmanage.tenant.events.<kind>` after the change is committed. */
export class TenantEvent {
  /** Unique per event, so a consumer can drop a duplicate. */
  @IsUUID()
  eventId!: string;

  @IsEnum(TenantEventKind)
  kind!: TenantEventKind;

  @IsUUID()
  tenantId!: string;

  @Matches(TENANT_SLUG_PATTERN, { message: `slug must match ${TENANT_SLUG_PATTERN.source}` })
  slug!: string;

  /** The tenant's status after the change. */
  @IsEnum(TenantStatus)
  status!: TenantStatus;

  @IsISO8601({ strict: true })
  occurredAt!: string;

  /** For `failed`: the saga step and error, without secrets. */
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  reason?: string;
}
