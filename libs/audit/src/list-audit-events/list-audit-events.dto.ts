import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, Min, registerDecorator, ValidationOptions } from 'class-validator';
import { AUDIT_ACTIONS } from '../domain/audit-actions';
import { AuditFilterQueryDto } from '../http/audit-filter.dto';
import { toInteger } from '../http/audit-query.validators';
import { decodeAuditCursor } from './audit-cursor';

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;

function IsAuditCursor(options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isAuditCursor',
      target: target.constructor,
      propertyName,
      options: { message: 'is not a cursor issued by this API (use nextCursor from the previous page)', ...options },
      validator: { validate: (value: unknown) => typeof value === 'string' && decodeAuditCursor(value) !== null },
    });
}

export class ListAuditEventsQueryDto extends AuditFilterQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE, description: 'Ignored for CSV.' })
  @IsOptional()
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit?: number;

  @ApiPropertyOptional({ description: 'Opaque: the `nextCursor` of the previous page. Ignored for CSV.' })
  @IsOptional()
  @IsString()
  @IsAuditCursor()
  cursor?: string;

  @ApiPropertyOptional({ enum: ['json', 'csv'], description: '`csv` streams every matching row as CSV (as does `Accept: text/csv`).' })
  @IsOptional()
  @IsIn(['json', 'csv'])
  format?: 'json' | 'csv';
}

export class AuditPartyDto {
  @ApiProperty({ format: 'uuid', nullable: true, type: String })
  id!: string | null;

  @ApiProperty({ nullable: true, type: String, example: 'admin' })
  username!: string | null;
}

export class AuditEventDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ description: 'Position in the trail; increases with every event.', example: 1042 })
  seq!: number;

  @ApiProperty({ description: 'Database time, UTC, millisecond precision (truncated).', example: '2026-12-03T09:15:02.123Z' })
  occurredAt!: string;

  @ApiProperty({ enum: AUDIT_ACTIONS })
  action!: string;

  @ApiProperty({ type: AuditPartyDto, nullable: true, description: 'Who acted; null for the system itself.' })
  actor!: AuditPartyDto | null;

  @ApiProperty({ type: AuditPartyDto, nullable: true, description: 'Whom it concerned.' })
  target!: AuditPartyDto | null;

  @ApiProperty({ type: String, nullable: true, example: '203.0.113.7' })
  ip!: string | null;

  @ApiProperty({ type: String, nullable: true })
  userAgent!: string | null;

  @ApiProperty({ type: String, nullable: true })
  requestId!: string | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'For password resets and their follow-ups: the reset id.' })
  correlationId!: string | null;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'Per action: password_reset.performed {method, requirePasswordChange, reason}; password_reset.completed {sendEmail, logoutSessions}; ' +
      'sessions.revoked {count, reason}; password_reset.email_sent {address, attempts}; password_reset.email_failed {address, attempts, reason}; ' +
      'user.email_changed {old, new}; user.created {type, roles}; user.password_changed {}.',
    example: { method: 'random', requirePasswordChange: true, reason: 'ticket 4711' },
  })
  details!: Record<string, unknown>;
}

export class AuditEventPageDto {
  @ApiProperty({ type: [AuditEventDto], description: 'Newest first.' })
  items!: AuditEventDto[];

  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` for the next (older) page; null on the last page.' })
  nextCursor!: string | null;
}
