import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayUnique, IsArray, IsIn, IsOptional, IsString, Length } from 'class-validator';
import { ROLES } from '@app/core';
import { LOCALES } from '../domain/user.types';
import { IsDeliverableEmail, IsIqamaNumber, IsPresentNotNull } from '../domain/validators';

const trimmed = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/** Every field optional; `email: null` and `iqamaNumber: null` clear them, the others cannot be null. */
export class UpdateUserDto {
  @ApiPropertyOptional()
  @IsPresentNotNull()
  @Transform(trimmed)
  @IsString()
  @Length(1, 200)
  displayName?: string;

  @ApiPropertyOptional({ nullable: true, type: String, description: 'null clears it' })
  @IsOptional()
  @IsDeliverableEmail()
  email?: string | null;

  @ApiPropertyOptional({ enum: LOCALES })
  @IsPresentNotNull()
  @IsIn(LOCALES)
  locale?: (typeof LOCALES)[number];

  @ApiPropertyOptional({ nullable: true, type: String, writeOnly: true, description: 'parents only; null clears it' })
  @IsOptional()
  @IsIqamaNumber()
  iqamaNumber?: string | null;

  @ApiPropertyOptional({ type: [String], enum: ROLES })
  @IsPresentNotNull()
  @IsArray()
  @ArrayUnique()
  @IsIn(ROLES, { each: true })
  roles?: string[];
}
