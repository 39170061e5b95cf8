import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, Length, MaxLength } from 'class-validator';
import { LOCALES } from '@app/users';

const trimmed = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/** One's own profile: email and roles are changed by an admin. */
export class UpdateOwnProfileDto {
  @ApiPropertyOptional()
  @IsOptional()
  @Transform(trimmed)
  @IsString()
  @Length(1, 200)
  displayName?: string;

  @ApiPropertyOptional({ enum: LOCALES })
  @IsOptional()
  @IsIn(LOCALES)
  locale?: (typeof LOCALES)[number];
}

export class ChangePasswordDto {
  @ApiProperty({ writeOnly: true })
  @IsString()
  @MaxLength(1024)
  currentPassword!: string;

  @ApiProperty({ writeOnly: true, description: '12+ characters, at most 72 UTF-8 bytes, not the username/email/current password, zxcvbn score 3+' })
  @IsString()
  @MaxLength(1024)
  newPassword!: string;
}
