import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';

/** Database server names double as OpenBAO connection names (`database/config/<name>`). */
export const SERVER_NAME_PATTERN = /^[a-z][a-z0-9_-]{1,62}$/;
// Region/jurisdiction labels: short tokens like `eu-west-1`, `EU`, `us`.
export const LOCATION_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export class CreateDatabaseServerDto {
  @ApiProperty({ pattern: SERVER_NAME_PATTERN.source, example: 'pg-eu-1' })
  @IsString()
  @Matches(SERVER_NAME_PATTERN, { message: `name must match ${SERVER_NAME_PATTERN.source}` })
  name!: string;

  @ApiProperty({ example: 'db1.internal' })
  @IsString()
  @Matches(/^[A-Za-z0-9.:_-]{1,253}$/, { message: 'host must be a hostname or IP address' })
  host!: string;

  @ApiPropertyOptional({ default: 5432 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(65535)
  port?: number;

  @ApiProperty({ example: 'eu-west-1' })
  @IsString()
  @Matches(LOCATION_PATTERN, { message: `region must match ${LOCATION_PATTERN.source}` })
  region!: string;

  @ApiProperty({ example: 'EU' })
  @IsString()
  @Matches(LOCATION_PATTERN, { message: `jurisdiction must match ${LOCATION_PATTERN.source}` })
  jurisdiction!: string;

  @ApiProperty({ description: 'How many tenant databases the server may hold', example: 100 })
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  capacity!: number;

  @ApiPropertyOptional({ default: 'postgres', description: 'Database used for administrative connections' })
  @IsOptional()
  @IsString()
  @Length(1, 63)
  @Matches(/^[a-z_][a-z0-9_]{0,62}$/, { message: 'maintenance_database must be a plain identifier' })
  maintenance_database?: string;
}
