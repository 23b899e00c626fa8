import { ApiProperty } from '@nestjs/swagger';

/** One row of the host -> tenant index; the credential's hash never leaves the registry. */
export class HostIndexView {
  @ApiProperty({ format: 'uuid' }) host_id!: string;
  @ApiProperty({ format: 'uuid' }) tenant_id!: string;
  @ApiProperty() machine_id!: string;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) enrollment_token_id!: string | null;
  @ApiProperty({ description: 'true once an operator revoked the host credential' }) revoked!: boolean;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) credential_revoked_at!: string | null;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
}

export interface HostIndexRow {
  host_id: string;
  tenant_id: string;
  machine_id: string;
  enrollment_token_id: string | null;
  credential_revoked_at: Date | null;
  created_at: Date;
}

export const HOST_COLUMNS =
  'host_id, tenant_id, machine_id, enrollment_token_id, credential_revoked_at, created_at';

export function toHostIndexView(row: HostIndexRow): HostIndexView {
  return {
    host_id: row.host_id,
    tenant_id: row.tenant_id,
    machine_id: row.machine_id,
    enrollment_token_id: row.enrollment_token_id,
    revoked: row.credential_revoked_at !== null,
    credential_revoked_at: row.credential_revoked_at?.toISOString() ?? null,
    created_at: row.created_at.toISOString(),
  };
}

export class HostIndexPageView {
  @ApiProperty({ type: [HostIndexView] }) items!: HostIndexView[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}
