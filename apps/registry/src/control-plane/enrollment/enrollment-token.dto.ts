import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';

export const MAX_TOKEN_LIFETIME_DAYS = 10 * 365;
export const MAX_TOKEN_USES = 100_000;

export class CreateEnrollmentTokenDto {
  @ApiProperty({ description: 'What the token is for, shown in listings', example: 'rack 12 rollout' })
  @IsString()
  @Length(1, 200)
  label!: string;

  @ApiPropertyOptional({
    description: 'Days until the token expires; absent: never',
    minimum: 1,
    maximum: MAX_TOKEN_LIFETIME_DAYS,
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_TOKEN_LIFETIME_DAYS)
  expires_in_days?: number;

  @ApiPropertyOptional({
    description: 'Hosts the token may enrol; absent: unlimited',
    minimum: 1,
    maximum: MAX_TOKEN_USES,
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_TOKEN_USES)
  max_uses?: number;
}
