import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsString, Length, MaxLength, ValidateIf } from 'class-validator';
import { LOCALES } from '@app/users';

const trimmed = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
/** Optional, but not nullable: @IsOptional() would let `null` through to a NOT NULL column (a 500). */
const IfPresent = () => ValidateIf((_object: unknown, value: unknown) => value !== undefined);

/** One's own profile: email and roles are changed by an admin. */
export class UpdateOwnProfileDto {
  @ApiPropertyOptional()
  @IfPresent()
  @Transform(trimmed)
  @IsString()
  @Length(1, 200)
  displayName?: string;

  @ApiPropertyOptional({ enum: LOCALES })
  @IfPresent()
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
