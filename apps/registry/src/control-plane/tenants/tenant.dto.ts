import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { TENANT_STATUSES, type TenantStatus } from '@sysmanage/schema';
import { TENANT_SLUG_REGEX } from '@sysmanage/tenancy';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { LOCATION_PATTERN, SERVER_NAME_PATTERN } from '../servers/create-database-server.dto';

/** Where to place a tenant: a server by name, or the least-loaded server matching region/jurisdiction. */
export class PlacementRequestDto {
  @ApiPropertyOptional({ example: 'eu-west-1' })
  @IsOptional()
  @IsString()
  @Matches(LOCATION_PATTERN, { message: `region must match ${LOCATION_PATTERN.source}` })
  region?: string;

  @ApiPropertyOptional({ example: 'EU' })
  @IsOptional()
  @IsString()
  @Matches(LOCATION_PATTERN, { message: `jurisdiction must match ${LOCATION_PATTERN.source}` })
  jurisdiction?: string;

  @ApiPropertyOptional({ description: 'Name of a registered database server; wins over region/jurisdiction' })
  @IsOptional()
  @IsString()
  @Matches(SERVER_NAME_PATTERN, { message: `database_server must match ${SERVER_NAME_PATTERN.source}` })
  database_server?: string;
}

export class CreateTenantDto extends PlacementRequestDto {
  @ApiProperty({ pattern: TENANT_SLUG_REGEX.source, example: 'acme' })
  @IsString()
  @Matches(TENANT_SLUG_REGEX, { message: `slug must match ${TENANT_SLUG_REGEX.source}` })
  slug!: string;

  @ApiProperty({ example: 'Acme Corp' })
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiPropertyOptional({ default: 'standard' })
  @IsOptional()
  @IsString()
  @Matches(/^[a-z][a-z0-9_-]{0,63}$/, { message: 'edition must be a short lower-case token' })
  edition?: string;
}

export class ListTenantsQueryDto {
  @ApiPropertyOptional({ enum: TENANT_STATUSES })
  @IsOptional()
  @IsIn(TENANT_STATUSES)
  status?: TenantStatus;

  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 200 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @ApiPropertyOptional({ default: 0, minimum: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  offset?: number;
}

// Query strings carry "true"/"false"; JSON bodies carry booleans.
function toBoolean({ value }: { value: unknown }): unknown {
  if (value === 'true') return true;
  if (value === 'false') return false;
  return value;
}

/** DELETE /tenants/{id}: in the body or the query string. */
export class DeleteTenantDto {
  @ApiPropertyOptional({ description: "The tenant's slug, typed again to confirm" })
  @IsOptional()
  @IsString()
  confirm_slug?: string;

  @ApiPropertyOptional({ description: 'true drops the tenant database; false keeps it (required)' })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  drop_database?: boolean;
}

/** The confirmation from the query string and the body; a body value wins. Instances carry undefined own fields. */
export function mergeConfirmation(
  query: DeleteTenantDto,
  body: DeleteTenantDto | undefined,
): DeleteTenantDto {
  return {
    confirm_slug: body?.confirm_slug ?? query.confirm_slug,
    drop_database: body?.drop_database ?? query.drop_database,
  };
}
