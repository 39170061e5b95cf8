import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayUnique, IsArray, IsIn, IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';
import { ROLES } from '@app/core';
import { LOCALES, USER_TYPES } from '../domain/user.types';
import { USERNAME_PATTERN, USERNAME_RULE_MESSAGE } from '../domain/username-rule';
import { IsDeliverableEmail, IsIqamaNumber } from '../domain/validators';

const lowerCase = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.toLowerCase() : value);
const trimmed = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class CreateUserDto {
  @ApiProperty({ example: 'fatima.k', description: '3-64 characters of a-z 0-9 . _ -, starting with a letter or digit; stored lower-case' })
  @Transform(lowerCase)
  @IsString()
  @Matches(USERNAME_PATTERN, { message: USERNAME_RULE_MESSAGE })
  username!: string;

  @ApiProperty({ example: 'Fatima K.' })
  @Transform(trimmed)
  @IsString()
  @Length(1, 200)
  displayName!: string;

  @ApiPropertyOptional({ example: 'fatima@example.org' })
  @IsOptional()
  @IsDeliverableEmail()
  email?: string | null;

  @ApiProperty({ enum: USER_TYPES })
  @IsIn(USER_TYPES)
  type!: (typeof USER_TYPES)[number];

  @ApiPropertyOptional({ type: [String], enum: ROLES })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @IsIn(ROLES, { each: true })
  roles?: string[];

  @ApiPropertyOptional({ enum: LOCALES, default: 'en' })
  @IsOptional()
  @IsIn(LOCALES)
  locale?: (typeof LOCALES)[number];

  @ApiPropertyOptional({ description: 'Parents only: 10 digits, starts with 1 or 2, Luhn check. Never returned.', writeOnly: true })
  @IsOptional()
  @IsIqamaNumber()
  iqamaNumber?: string | null;

  @ApiPropertyOptional({ description: 'Lets the user sign in (they must change it first). Must pass the password policy.', writeOnly: true })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  password?: string;
}
