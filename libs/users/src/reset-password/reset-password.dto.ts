import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, MaxLength } from 'class-validator';

export class ResetPasswordDto {
  @ApiPropertyOptional({ description: 'force a change at first sign-in; default from RESET_REQUIRE_PASSWORD_CHANGE (true)' })
  @IsOptional()
  @IsBoolean()
  requirePasswordChange?: boolean;

  @ApiPropertyOptional({ maxLength: 500, example: 'ticket 4711', description: 'kept in the audit trail' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  reason?: string;
}
