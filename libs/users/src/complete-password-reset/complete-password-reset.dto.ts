import { ApiProperty } from '@nestjs/swagger';
import { IsBoolean, IsDefined } from 'class-validator';

export class CompletePasswordResetDto {
  @ApiProperty({ description: 'queue the templated email to the address on the user\'s record now' })
  @IsDefined()
  @IsBoolean()
  sendEmail!: boolean;

  @ApiProperty({ description: 'revoke every session opened before the reset, before this call returns' })
  @IsDefined()
  @IsBoolean()
  logoutSessions!: boolean;
}
