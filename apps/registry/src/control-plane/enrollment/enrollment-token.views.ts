import { ApiProperty } from '@nestjs/swagger';

export const ENROLLMENT_TOKEN_STATUSES = ['active', 'expired', 'revoked', 'exhausted'] as const;
export type EnrollmentTokenStatus = (typeof ENROLLMENT_TOKEN_STATUSES)[number];

/** A token as listings show it: never the token itself, which exists only in the creation answer. */
export class EnrollmentTokenView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) tenant_id!: string;
  @ApiProperty() label!: string;
  @ApiProperty({ description: 'sme_ and the first 6 characters, to recognise the token' }) prefix!: string;
  @ApiProperty({ type: Number, nullable: true, description: 'null: unlimited' }) max_uses!: number | null;
  @ApiProperty() uses!: number;
  @ApiProperty({ enum: ENROLLMENT_TOKEN_STATUSES }) status!: EnrollmentTokenStatus;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) expires_at!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) revoked_at!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) last_used_at!: string | null;
  @ApiProperty({ type: String, nullable: true }) created_by!: string | null;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
}

export class IssuedEnrollmentTokenView extends EnrollmentTokenView {
  @ApiProperty({ description: 'sme_...; shown once, only its SHA-256 is stored' })
  token!: string;
}

/** The columns every read selects; status is judged by the database clock, like redemption. */
export const TOKEN_COLUMNS = `id, tenant_id, label, prefix, max_uses, uses, expires_at, revoked_at, last_used_at,
  created_by, created_at,
  CASE WHEN revoked_at IS NOT NULL THEN 'revoked'
       WHEN expires_at IS NOT NULL AND expires_at <= now() THEN 'expired'
       WHEN max_uses IS NOT NULL AND uses >= max_uses THEN 'exhausted'
       ELSE 'active' END AS status`;

export interface EnrollmentTokenRow {
  id: string;
  tenant_id: string;
  label: string;
  prefix: string;
  max_uses: number | null;
  uses: number;
  status: EnrollmentTokenStatus;
  expires_at: Date | null;
  revoked_at: Date | null;
  last_used_at: Date | null;
  created_by: string | null;
  created_at: Date;
}

const iso = (at: Date | null): string | null => (at === null ? null : at.toISOString());

export function toEnrollmentTokenView(row: EnrollmentTokenRow): EnrollmentTokenView {
  return {
    id: row.id,
    tenant_id: row.tenant_id,
    label: row.label,
    prefix: row.prefix,
    max_uses: row.max_uses,
    uses: row.uses,
    status: row.status,
    expires_at: iso(row.expires_at),
    revoked_at: iso(row.revoked_at),
    last_used_at: iso(row.last_used_at),
    created_by: row.created_by,
    created_at: row.created_at.toISOString(),
  };
}

export class EnrollmentTokenListView {
  @ApiProperty({ type: [EnrollmentTokenView] }) items!: EnrollmentTokenView[];
}
