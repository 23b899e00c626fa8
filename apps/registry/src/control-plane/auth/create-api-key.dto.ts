import { ApiProperty } from '@nestjs/swagger';
import { ADMIN_ROLES, type AdminRole } from '@sysmanage/schema';
import { IsIn, IsString, Matches } from 'class-validator';

export class CreateApiKeyDto {
  @ApiProperty({ description: 'Principal the key belongs to; created when new', example: 'alice' })
  @IsString()
  @Matches(/^[a-z][a-z0-9._-]{1,62}$/, { message: 'principal must match ^[a-z][a-z0-9._-]{1,62}$' })
  principal!: string;

  @ApiProperty({ enum: ADMIN_ROLES })
  @IsIn(ADMIN_ROLES)
  role!: AdminRole;
}
