import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';

/** Request/reply: ask the migrator which tenant-chain version each tenant database actually holds. */
export const MIGRATOR_TENANT_VERSIONS_SUBJECT = 'sysmanage.migrator.tenant-versions';

/** Sent by the registry for `GET /migration-status`. */
export class TenantVersionsRequest {
  /** The tenants to read; every placed tenant when omitted. */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10_000)
  @IsUUID('all', { each: true })
  tenantIds?: string[];
}

/** One tenant database's tenant_migrations, read with an owner lease. */
export class TenantActualVersion {
  @IsUUID()
  tenantId!: string;

  /** The newest applied migration, or null (none applied, or it could not be read: see error). */
  @ValidateIf((v: TenantActualVersion) => v.version !== null)
  @IsString()
  version!: string | null;

  /** Why the version could not be read (suspended, unreachable, no credential...). */
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  error?: string;
}

export class TenantVersionsReply {
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => TenantActualVersion)
  versions!: TenantActualVersion[];
}
